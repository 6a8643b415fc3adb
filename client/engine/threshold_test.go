package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// TestDeletionThreshold_ENTRA_DEL_01: over the threshold nothing is
// disabled or deleted, each pending object is logged as stagedDelete, the
// job is quarantined with TooManyDeletes and stops until deletes are
// allowed; then the staged deletes are applied and the job is healthy.
func TestDeletionThreshold_ENTRA_DEL_01(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	cfg := mapping.Gtmhub()
	cfg.DeletionThreshold = 1
	eng := env.engine(cfg, nil)
	env.cycle(eng, parseDir(t, threeUsers))
	env.requests()

	// Two deprovisions (a disable and a delete) against a threshold of 1.
	y := benWith("deleted: soft")(threeUsers)
	y = strings.Replace(y, "displayName: Cid, department: Sales}", "displayName: Cid, department: Sales, deleted: hard}", 1)
	d := parseDir(t, y)
	s := env.cycle(eng, d)
	if reqs := env.requests(); len(reqs) != 0 {
		t.Fatalf("sent %v over the threshold", methodsPaths(reqs))
	}
	if s.Counts.StagedDeletes != 2 || s.Job.Code() != state.CodeQuarantine || s.Job.Quarantine().Reason != ReasonTooManyDeletes {
		t.Fatalf("counts %+v job %+v", s.Counts, s.Job)
	}
	for _, id := range []string{"b", "c"} {
		rs := recordsBySource(s.Records)[id]
		if len(rs) != 1 || rs[0].ProvisioningAction != provlog.ActionStagedDelete || rs[0].ProvisioningStatusInfo.Status != provlog.StatusSkipped {
			t.Fatalf("%s records %+v", id, rs)
		}
	}

	// The job stays stopped.
	s = env.cycle(eng, d)
	if s.Stopped == "" || len(env.requests()) != 0 {
		t.Fatalf("quarantined job ran: %+v", s)
	}

	// Allow deletes: the next cycle applies both.
	if err := AllowDeletes(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	s = env.cycle(eng, d)
	got := methodsPaths(env.requests())
	if len(got) != 2 || !strings.HasPrefix(got[0], "PATCH /Users/") || !strings.HasPrefix(got[1], "DELETE /Users/") {
		t.Fatalf("after allow-deletes sent %v", got)
	}
	if s.Job.Code() != state.CodeActive || s.Job.Quarantine() != nil || s.Counts.Disabled != 1 || s.Counts.Deleted != 1 {
		t.Fatalf("job %+v counts %+v", s.Job, s.Counts)
	}
	// The permission is used once.
	if j, _ := env.store.Job(ctx); j.Status.DeletesAllowed() {
		t.Fatal("AllowDeletes not reset")
	}
}

// TestDeletionThresholdAtLimit_ENTRA_DEL_01: exactly the threshold is
// allowed; prevention turned off never stages.
func TestDeletionThresholdAtLimit_ENTRA_DEL_01(t *testing.T) {
	for _, tc := range []struct {
		name      string
		threshold int
		enabled   bool
		staged    int
	}{{"at limit", 2, true, 0}, {"over limit", 1, true, 2}, {"prevention off", 1, false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, nil)
			cfg := mapping.Gtmhub()
			cfg.DeletionThreshold, cfg.AccidentalDeletionPrevention = tc.threshold, tc.enabled
			eng := env.engine(cfg, nil)
			env.cycle(eng, parseDir(t, threeUsers))
			s := env.cycle(eng, parseDir(t, strings.Replace(threeUsers, "users: [a, b, c]", "users: [a]", 1)))
			if s.Counts.StagedDeletes != tc.staged || s.Counts.Disabled != 2-tc.staged {
				t.Fatalf("counts %+v", s.Counts)
			}
		})
	}
}

// TestRestart_ENTRA_CYCLE_05: restart runs an initial cycle keeping links
// (no creates, GET per user and nothing else when in sync); resetScope
// Full breaks links so everything is matched again.
func TestRestart_ENTRA_CYCLE_05(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	d := parseDir(t, threeUsers)
	env.cycle(eng, d)
	env.requests()
	if err := env.store.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	s := env.cycle(eng, d)
	reqs := env.requests()
	if s.Kind != KindInitial || len(reqs) != 3 {
		t.Fatalf("restart (links kept): kind %s sent %v %q", s.Kind, methodsPaths(reqs), reqs[1].RequestBody)
	}
	for _, r := range reqs {
		if r.Method != "GET" || !strings.HasPrefix(r.Path, "/Users/") {
			t.Fatalf("restart with links sent %v", methodsPaths(reqs))
		}
	}
	if err := env.store.Restart(ctx, true); err != nil {
		t.Fatal(err)
	}
	env.cycle(eng, d)
	reqs = env.requests()
	var queries int
	for _, r := range reqs {
		if r.Method == "POST" {
			t.Fatalf("matched users must not be created again: %v", methodsPaths(reqs))
		}
		if r.Path == "/Users" {
			queries++
		}
	}
	if queries != 3 || env.link(state.KindUser, "a").MatchedBy != "userName" {
		t.Fatalf("resetScope Full: %v", methodsPaths(reqs))
	}
}

// TestStop_ENTRA_CYCLE_04: a stopped job runs no cycle until started.
func TestStop_ENTRA_CYCLE_04(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	if err := Stop(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Cycle(ctx, parseDir(t, threeUsers)); err != ErrStopped {
		t.Fatalf("err %v", err)
	}
	if len(env.requests()) != 0 {
		t.Fatal("stopped job sent requests")
	}
	if err := Start(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	if s := env.cycle(eng, parseDir(t, threeUsers)); s.Counts.Created != 3 {
		t.Fatalf("counts %+v", s.Counts)
	}
}
