// Package requirements is the catalogue of every behaviour the conformance
// suites check, as data: spec ID, title, level, feature, profile, the error
// code Entra's provisioning log would show if the behaviour fails, and a
// one-line fix. The catalogue drives the Ginkgo labels of each spec (Req),
// the conformance report and its HTML page.
//
// IDs are those of docs/entra-behavior.md; the catalogue never
// invents IDs. Error codes come from its section 9 (ERR) and the
// ENTRA-RESP table; where Microsoft documents no code the entry has none.
package requirements
