package state

import (
	"context"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// TestJobStateRoundTripAndRestart_ENTRA_CYCLE_05: the job's status (the
// quarantine state machine) and the escrow ledger survive a reopen (own and
// reference failures of one user kept apart), and restart clears both.
func TestJobStateRoundTripAndRestart_ENTRA_CYCLE_05(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	j, err := s.Job(ctx)
	if err != nil || j.Status.Code() != quarantine.CodeNotRun || j.Code() != CodeNotRun {
		t.Fatalf("new: %+v %v", j.Status, err)
	}
	l, err := s.Escrow(ctx)
	if err != nil || l.Len() != 0 {
		t.Fatalf("new ledger: %d %v", l.Len(), err)
	}
	u := escrow.Object{ID: "u1", Kind: escrow.KindUser}
	_, _, _ = l.Record(now, u, escrow.Attempt{Action: "create", ErrorCode: "InternalServerError"})
	_, _, _ = l.Record(now, u, escrow.Attempt{Action: "update", ErrorCode: "MethodNotAllowed", Reference: true})
	if _, err := j.Status.Impose(now, quarantine.ReasonQuarantineException, "401"); err != nil {
		t.Fatal(err)
	}
	j.Cycles = 1
	if err := s.Commit(ctx, Commit{Job: j, Escrow: l}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	j2, err := s2.Job(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := s2.Escrow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if j2.Status.Code() != quarantine.CodeQuarantine || l2.Counts() != (escrow.Counts{Failures: 1, ReferenceFailures: 1}) {
		t.Fatalf("reopened: %+v %+v", j2.Status.Status, l2.Counts())
	}
	if q := j2.Quarantine(); j2.Code() != CodeQuarantine || q == nil || q.Reason != quarantine.ReasonQuarantineException ||
		!q.NextAttempt.Equal(now.Add(6*time.Hour)) {
		t.Fatalf("status: %s %+v", j2.Code(), q)
	}
	if err := s2.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	j3, _ := s2.Job(ctx)
	l3, _ := s2.Escrow(ctx)
	if j3.Status.Quarantined() || l3.Len() != 0 || j3.Code() != CodeActive || j3.Quarantine() != nil {
		t.Fatalf("after restart: %+v %d %s", j3.Status.Status, l3.Len(), j3.Code())
	}
}

// TestJobCodeStopped_ENTRA_CYCLE_04: a job turned off by the admin reads
// Disabled whatever the quarantine state.
func TestJobCodeStopped_ENTRA_CYCLE_04(t *testing.T) {
	q := quarantine.New(quarantine.Config{})
	q.Status.Code = quarantine.CodeActive
	if got := (Job{Stopped: true, Status: q}).Code(); got != CodeDisabled {
		t.Fatalf("stopped job reads %s", got)
	}
	if got := (Job{Status: q}).Code(); got != CodeActive {
		t.Fatalf("running job reads %s", got)
	}
}

// TestOlderJobRecordWithoutStatus: a state file written before the job's
// status lived only in its quarantine record (the job record carried a
// copy of its code and quarantine, and there was no quarantine record)
// reads with that code and quarantine, and restarts like any other.
func TestOlderJobRecordWithoutStatus(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	began := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	older := map[string]any{"code": "Quarantine", "jobId": "j1", "tenantId": "t1", "clock": began,
		"interval": DefaultInterval, "needsInitial": false, "allowDeletes": false, "cycles": 2,
		"quarantine": map[string]any{"reason": "TooManyDeletes", "currentBegan": began, "seriesBegan": began,
			"nextAttempt": began.Add(6 * time.Hour), "seriesCount": 1, "error": "too many"}}
	if err := putMeta(ctx, s.db, metaJob, older); err != nil {
		t.Fatal(err)
	}
	j, err := s.Job(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := j.Quarantine()
	if j.Code() != CodeQuarantine || j.JobID != "j1" || j.Cycles != 2 || q == nil ||
		q.Reason != quarantine.ReasonTooManyDeletes || q.SeriesCount != 1 || !q.NextAttempt.Equal(began.Add(6*time.Hour)) {
		t.Fatalf("older job: %s %+v %+v", j.Code(), j, q)
	}
	// An older record of a job that ran, out of quarantine: Active.
	older["code"], older["quarantine"] = "Active", nil
	if err := putMeta(ctx, s.db, metaJob, older); err != nil {
		t.Fatal(err)
	}
	if j, _ := s.Job(ctx); j.Code() != CodeActive || j.Quarantine() != nil {
		t.Fatalf("older active job: %s", j.Code())
	}
	if err := s.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	if j, _ := s.Job(ctx); j.Code() != CodeActive || j.Quarantine() != nil || !j.NeedsInitial || j.JobID != "j1" {
		t.Fatalf("after restart: %s %+v", j.Code(), j)
	}
}
