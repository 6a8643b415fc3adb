// Package outcome reads a SCIM service provider's answer the way the Entra
// provisioning service does: every response (or transport failure) becomes
// an Outcome carrying the provisioning-log error code (spec section 9, ERR-xx)
// that Entra would record, following ENTRA-RESP-01..22.
//
// The HTTP status to error-code table lives in table.go, with the spec IDs
// next to each row. How the SCIM Error body of a failed answer may refine
// the status's code (scimType first; the free-text detail only without a
// scimType and only within what the status allows) is in refine.go, each
// rule with the spec IDs it rests on. Checks of 2xx bodies (unparseable
// answers, missing id, manager as a string, members despite
// excludedAttributes, several matches) live in body.go. Where each error
// code comes from (documented by Microsoft, observed in the field, or this
// project's default) is in codes.go: CodeSource.
package outcome
