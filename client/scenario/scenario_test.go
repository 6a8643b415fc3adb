package scenario

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

func startTarget(t *testing.T) *Target {
	t.Helper()
	srv, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &Target{BaseURL: srv.BaseURL, AdminToken: srv.AdminToken}
}

// TestEveryScenarioFile runs every committed scenario against the embedded
// reference server; each must meet its expectations.
func TestEveryScenarioFile(t *testing.T) {
	names, err := Files()
	if err != nil || len(names) == 0 {
		t.Fatalf("scenarios: %v %v", names, err)
	}
	tgt := startTarget(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sc, err := LoadFixture(name)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := Run(context.Background(), sc, tgt, t.TempDir(), &out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if !res.Passed() {
				t.Fatalf("expectations failed:\n%s", out.String())
			}
			if !strings.Contains(out.String(), "PASS "+name) {
				t.Fatalf("no verdict line:\n%s", out.String())
			}
		})
	}
}

// TestEveryFaultPlanHasAScenario: the catalogue and the scenarios stay in
// step (issue 6: one scenario per failure in the fault catalogue).
func TestEveryFaultPlanHasAScenario(t *testing.T) {
	plans, err := fixtures.FaultPlans()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := Files()
	have := map[string]bool{}
	for _, n := range names {
		sc, err := LoadFixture(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range sc.Timeline {
			have[p.Faults] = true
		}
	}
	for _, p := range plans {
		if !have[p.Name] {
			t.Errorf("fault plan %s has no scenario", p.Name)
		}
	}
}

// TestScenarioDetectsUnmetExpectation: a scenario whose expectation is
// wrong fails with a message naming it (the runner can fail).
func TestScenarioDetectsUnmetExpectation(t *testing.T) {
	b, err := fixtures.Scenario("err-01-conflict-on-create")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Parse("wrong", bytes.Replace(b, []byte("status: Active"), []byte("status: Quarantine"), 1))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), sc, startTarget(t), t.TempDir(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed() || !strings.Contains(out.String(), "job status Active, want Quarantine") {
		t.Fatalf("wrong expectation passed:\n%s", out.String())
	}
}

// TestParseErrors: bad scenario files are refused with the field named.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"cycles: 1\n", "directory"},
		{"directory: small.yaml\ncycles: 0\n", "cycles must be at least 1"},
		{"directory: small.yaml\ncycles: 1\nfaults: no-such-plan\n", "no-such-plan"},
		{"directory: small.yaml\ncycles: 1\nbogus: 1\n", "bogus"},
		{"directory: small.yaml\ncycles: 1\ninterval: soon\n", "interval"},
		{"directory: small.yaml\ncycles: 1\nexpect: {status: Broken}\n", "status"},
		{"directory: small.yaml\ncycles: 1\nexpect: {reason: Whatever}\n", "Whatever"},
		{"directory: small.yaml\ncycles: 2\ntimeline: [{cycles: 1}]\n", "timeline"},
	} {
		if _, err := Parse("bad", []byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want it to mention %q", tc.yaml, err, tc.want)
		}
	}
}
