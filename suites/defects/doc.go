// Package defects proves that the conformance suite catches defects: its
// test runs the suite binary (a label-filtered subset) against the embedded
// reference server with fault-catalogue plans applied (SCIM_FAULT_PLAN) and
// checks that the specs that should fail, fail, with the Entra error code the
// report names, while the others still pass. It runs the ./suites package
// only, never itself, so it cannot recurse.
package defects
