// Package reports holds the conformance report model and its renderers: a
// machine-readable YAML document and a single self-contained HTML page.
//
// The model says, for each behaviour of the Entra behaviour spec (IDs such as
// ENTRA-FLOW-04), whether the target endpoint holds it and, when it does not,
// what a real Entra provisioning job would log and how to fix it. It knows
// nothing about Ginkgo; package fromginkgo turns a Ginkgo run into a Report.
package reports
