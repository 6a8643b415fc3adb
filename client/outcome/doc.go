// Package outcome reads a SCIM service provider's answer the way the Entra
// provisioning service does: every response (or transport failure) becomes
// an Outcome carrying the provisioning-log error code (spec section 9, ERR-xx)
// that Entra would record, following ENTRA-RESP-01..22.
//
// The HTTP status to error-code table lives in table.go, with the spec IDs
// next to each row; body checks (unparseable answers, missing id, manager
// as a string, members despite excludedAttributes, several matches) live in
// body.go.
package outcome
