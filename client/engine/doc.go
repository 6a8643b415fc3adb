// Package engine is the Entra provisioning service's sync engine, offline
// (spec section 6): cycles on a simulated clock that read the source
// directory, apply assignments and scoping filters, match target objects by
// precedence, create, update, disable or delete them through the
// Entra-dialect SCIM client, resolve references (managers, group members)
// after every object exists, and write one provisioning-log record per
// object per action (section 8).
//
// A cycle runs in phases, each finished before the next starts:
//
//	plan      evaluate every source object against the watermark in the
//	          state file; decide export / disable / delete / skip
//	threshold count disables and deletes (ENTRA-DEL-01) and stage them
//	users     match, create or update users
//	groups    match, create or rename groups
//	managers  manager PATCHes (ENTRA-REF-01)
//	members   member adds and removes (ENTRA-REF-01, never a full replace)
//	deprov    disables and deletes of users, then deletes of groups
//	finish    one outcome per object (Observer.Exported), one summary per
//	          cycle (Observer.CycleDone), one state commit
//
// Failure behaviour (issue 6) lives in failure.go, the one place that ties
// the cycle to client/escrow and client/quarantine: every object outcome is
// recorded in the escrow ledger (reference failures apart, Retry-After
// honoured), objects whose entry is not due are left out of the plan, a 401
// or a 404 on a filter stops the cycle and quarantines the job, the
// quarantine state machine decides the status after each cycle (QUAR-03
// thresholds, TooManyDeletes), slots before the next attempt are skipped,
// and a quarantine email is written on entry or reason change. The
// quarantine job and the ledger are committed with the cycle. Observer
// still sees every outcome and summary.
package engine
