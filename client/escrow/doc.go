// Package escrow keeps the objects whose export failed, so that later cycles
// retry them (ENTRA-RESP-23): "that user is retried in following cycles, with
// retries spaced further apart over time, until someone fixes the cause".
//
// A Ledger holds one Entry per failed source object and kind of failure
// (an object's own add/update/disable/delete, or a reference update such as
// manager or group members, which QUAR-03 counts apart). The ledger is pure
// data: every method takes the simulated time as an argument, nothing reads a
// clock, and the whole value marshals to JSON so the engine can keep it in its
// state file.
//
// Microsoft publishes no per-object retry schedule; Policy documents the one
// this emulator uses and lets callers change it.
package escrow
