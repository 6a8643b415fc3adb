package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// TestProvisionUserOnDemand_ENTRA_CYCLE_08 provisions one user by UPN and
// shows the portal's steps; the job's cycle state is untouched.
func TestProvisionUserOnDemand_ENTRA_CYCLE_08(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	d := parseDir(t, smallYAML(t))
	res, err := eng.ProvisionUser(ctx, d, "chloe.chen@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range res.Steps {
		names = append(names, s.Name)
	}
	want := "Import user|Determine if user is in scope|Match user between source and target system|Perform action"
	if strings.Join(names, "|") != want || res.Failed {
		t.Fatalf("steps %v", res.Steps)
	}
	if !strings.HasPrefix(res.Steps[3].Detail, "create:") {
		t.Fatalf("perform action %q", res.Steps[3].Detail)
	}
	if !env.link(state.KindUser, "u03").Linked() {
		t.Fatal("u03 not linked")
	}
	reqs := env.requests()
	if len(reqs) != 3 || reqs[2].String() != "POST /Users" {
		t.Fatalf("sent %v", methodsPaths(reqs))
	}
	if j, _ := env.store.Job(ctx); j.Cycles != 0 || !j.NeedsInitial {
		t.Fatalf("on-demand changed the job: %+v", j)
	}
	if rs, _ := env.store.Records(ctx, state.LogFilter{}); len(rs) != 1 || rs[0].InitiatedBy.InitiatorType != provlog.InitiatorUser {
		t.Fatalf("records %+v", rs)
	}

	// A soft-deleted user is not disabled on demand.
	res, err = eng.ProvisionUser(ctx, d, "u07")
	if err != nil {
		t.Fatal(err)
	}
	last := res.Steps[len(res.Steps)-1]
	if last.Status != provlog.StatusSkipped {
		t.Fatalf("u07 steps %+v", res.Steps)
	}

	if _, err := eng.ProvisionUser(ctx, d, "nobody@contoso.com"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err %v", err)
	}
}

// TestProvisionGroupOnDemand_ENTRA_CYCLE_08: a group with its (up to 5)
// members; the member add follows the creates.
func TestProvisionGroupOnDemand_ENTRA_CYCLE_08(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	d := parseDir(t, smallYAML(t))
	res, err := eng.ProvisionGroup(ctx, d, "g-sales")
	if err != nil || res.Failed {
		t.Fatalf("%v %+v", err, res)
	}
	got := methodsPaths(env.requests())
	if got[len(got)-1] != "PATCH /Groups/"+env.link(state.KindGroup, "g-sales").TargetID {
		t.Fatalf("last request %v", got)
	}
	posts := 0
	for _, g := range got {
		if strings.HasPrefix(g, "POST") {
			posts++
		}
	}
	if posts != 3 { // u02, u03 and the group; u04 is disabled
		t.Fatalf("sent %v", got)
	}
	big := strings.Replace(smallYAML(t), "members: [u02, u03, u04]", "members: [u01, u02, u03, u04, u05, u06]", 1)
	if _, err := eng.ProvisionGroup(ctx, parseDir(t, big), "Sales"); err == nil || !strings.Contains(err.Error(), "up to 5") {
		t.Fatalf("err %v", err)
	}
}
