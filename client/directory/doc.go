// Package directory loads the simulated Entra source directory (the YAML
// file described in the architecture note) and answers the questions the
// provisioning engine asks of it: which users and groups are in scope
// (ENTRA-CYCLE-07), what a source attribute's value is, whether a user is
// "soft deleted" in the sense of IsSoftDeleted (MAP-03), and whether an
// object changed since the last cycle (Fingerprint).
//
// The package is pure: it does no I/O beyond reading the file in Load.
package directory
