package state

import (
	"context"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// TestJobStateRoundTripAndRestart_ENTRA_CYCLE_05: the quarantine job and
// the escrow ledger survive a reopen, the job record mirrors them (own and
// reference failures of one user kept apart), and restart clears both.
func TestJobStateRoundTripAndRestart_ENTRA_CYCLE_05(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	js, err := s.JobState(ctx)
	if err != nil || js.Status.Code() != quarantine.CodeNotRun || js.Escrow.Len() != 0 {
		t.Fatalf("new: %+v %v", js.Status, err)
	}
	u := escrow.Object{ID: "u1", Kind: escrow.KindUser}
	_, _, _ = js.Escrow.Record(now, u, escrow.Outcome{Action: "create", ErrorCode: "InternalServerError"})
	_, _, _ = js.Escrow.Record(now, u, escrow.Outcome{Action: "update", ErrorCode: "MethodNotAllowed", Reference: true})
	if _, err := js.Status.Impose(now, quarantine.ReasonQuarantineException, "401"); err != nil {
		t.Fatal(err)
	}
	j, _ := s.Job(ctx)
	j.Cycles = 1
	if err := s.SaveJobState(ctx, j, js); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	js2, err := s2.JobState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if js2.Status.Code() != quarantine.CodeQuarantine || js2.Escrow.Counts() != (escrow.Counts{Failures: 1, ReferenceFailures: 1}) {
		t.Fatalf("reopened: %+v %+v", js2.Status.Status, js2.Escrow.Counts())
	}
	j2, _ := s2.Job(ctx)
	if j2.Code != CodeQuarantine || j2.Quarantine == nil || j2.Quarantine.Reason != "EncounteredQuarantineException" ||
		!j2.Quarantine.NextAttempt.Equal(now.Add(6*time.Hour)) {
		t.Fatalf("mirror: %+v %+v", j2, j2.Quarantine)
	}
	if err := s2.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	js3, _ := s2.JobState(ctx)
	j3, _ := s2.Job(ctx)
	if js3.Status.Quarantined() || js3.Escrow.Len() != 0 || j3.Code != CodeActive || j3.Quarantine != nil {
		t.Fatalf("after restart: %+v %d %+v", js3.Status.Status, js3.Escrow.Len(), j3)
	}
}

// TestMirrorStopped_ENTRA_CYCLE_04: a job turned off by the admin reads
// Disabled whatever the quarantine state.
func TestMirrorStopped_ENTRA_CYCLE_04(t *testing.T) {
	q := quarantine.New(quarantine.Config{})
	q.Status.Code = quarantine.CodeActive
	if got := Mirror(Job{Stopped: true}, q).Code; got != CodeDisabled {
		t.Fatalf("stopped job mirrored as %s", got)
	}
	if got := Mirror(Job{}, q).Code; got != CodeActive {
		t.Fatalf("running job mirrored as %s", got)
	}
}
