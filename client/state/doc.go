// Package state is the provisioning job's state file: one SQLite database
// (modernc.org/sqlite, no cgo) holding what Entra keeps between cycles so
// that running `entrasim cycle` again after editing the directory is an
// incremental cycle (ENTRA-CYCLE-02):
//
//   - objects: per source object its link to the target id, the attribute
//     that matched it, the values last exported, the exported manager and
//     members, and the watermark (the source fingerprint and scope seen at
//     the last cycle);
//   - the job: simulated clock, next run, counts of the last cycle, and its
//     status (Job.Status): the quarantine state machine (quarantine.Machine,
//     Graph's synchronizationStatus), the one record of its code (NotRun,
//     Active, Paused, Quarantine, Disabled) and quarantine reason, stored as
//     JSON beside the job record;
//   - cycle history, provisioning-log records (Graph provisioningObjectSummary
//     as JSON) and the job configuration (tenant URL, dialect, mapping file,
//     notification email, outbox, failure thresholds);
//   - the escrow ledger of failed objects (Escrow, escrow.Ledger) as JSON.
//
// The schema is created on Open. A cycle's results are written by Commit in
// one transaction, so a state file never holds half a cycle's writes: a
// cycle interrupted by SIGINT or SIGTERM commits, in one transaction, the
// objects it finished (Cycle.Interrupted, Job.Resume), and the next cycle
// does the rest.
//
// A file is identified before anything is written into it (application_id
// ApplicationID, or the state's tables), so that a SQLite database of
// another program is never written. Commands that write a state hold its
// lock (OpenExclusive, an advisory lock on LockPath that ends with the
// process); status and logs read it with OpenReadOnly, which creates
// nothing.
package state
