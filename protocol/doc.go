// Package protocol holds the SCIM 2.0 wire types shared by the Entra client
// and the reference server: schema URNs, resources, ListResponse, PatchOp,
// Error, and the filter and attribute-path parsers.
//
// Nothing here knows about Entra's sync engine or the server's store; it is
// the contract both sides speak (RFC 7643, RFC 7644, and the Entra quirks
// of docs/entra-behavior.md sections 2 and 3).
package protocol
