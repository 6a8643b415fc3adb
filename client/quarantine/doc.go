// Package quarantine is the job-level state machine of the Entra
// provisioning service: status codes, quarantine and its reasons, the
// failure thresholds, the retry schedule while quarantined, the 28-day
// disable and restart (ENTRA-QUAR-01..07, ENTRA-DEL-01, ENTRA-CYCLE-05).
//
// Everything runs on an injected clock: every method takes the simulated
// time, nothing sleeps or reads time.Now, and Machine marshals to JSON (the
// fields of Graph's synchronizationStatus, named as Graph names them) so the
// engine can keep it in its state file.
//
// The engine drives a Machine with three calls per cycle:
//
//	at, ok := job.NextRun(now, interval) // when the next cycle may start
//	err := job.CycleStarted(at)
//	… export objects, recording outcomes in an escrow.Ledger …
//	tr, err := job.CycleFinished(end, summary)
//
// and acts on the returned Transition: log it, write the notification email
// when tr.Notify() (QUAR-06), and drop the escrows when tr.DropEscrows.
// Admin actions are Restart, Start, AllowDeletes and Impose.
//
// Microsoft says the threshold logic "is subject to change" (QUAR-03) and
// that the schedule "may be different for certain connectors" (QUAR-04):
// every number lives in Config, whose zero value means the documented
// defaults.
package quarantine
