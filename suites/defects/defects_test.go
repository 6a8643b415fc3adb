package defects_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// row is the part of a conformance.yaml result row the test reads.
type row struct {
	ID        string `yaml:"id"`
	Dialect   string `yaml:"dialect"`
	Result    string `yaml:"result"`
	ErrorCode string `yaml:"errorCode"`
	Message   string `yaml:"message"`
	BlockedBy string `yaml:"blockedBy"`
}

type conformance struct {
	Results []row `yaml:"results"`
}

// defect is one fault plan with the subset of the suite it should break.
type defect struct {
	plan   string
	filter string
	// fail maps the IDs whose report rows must fail to the error code the
	// report must name for them; every other row in the filter must pass.
	// IDs that only share a failing spec carry the same code.
	fail map[string]string
	// blocked maps the IDs whose rows must be blocked to the behaviour that
	// blocks them (one cause, one finding: ENTRA-CYCLE-01 is blocked by the
	// create of ENTRA-FLOW-04 when creates fail, not failed with it).
	blocked map[string]string
}

const (
	conflict     = "EntryConflict"
	credentials  = "SystemForCrossDomainIdentityManagementCredentialValidationFailure"
	duplicates   = "DuplicateTargetEntries"
	anchor       = "InvalidAnchor"
	incompatible = "SystemForCrossDomainIdentityManagementServiceIncompatible"
	notAllowed   = "MethodNotAllowed"
)

// by gives every id the same blocker.
func by(blocker string, ids ...string) map[string]string { return all(blocker, ids...) }

// all gives every id the same code.
func all(code string, ids ...string) map[string]string {
	m := map[string]string{}
	for _, id := range ids {
		m[id] = code
	}
	return m
}

var defects = []defect{
	// Baseline: the same subsets pass against the healthy server.
	{plan: "", filter: "ENTRA-FLOW-01 || ENTRA-FLOW-03 || ENTRA-FLOW-04 || ENTRA-FLOW-05 || ENTRA-FLOW-13 || ENTRA-CYCLE-01 || ENTRA-CYCLE-02 || ENTRA-MATCH-01 || ENTRA-QUAR-03"},
	{plan: "err-01-conflict-on-create", filter: "ENTRA-FLOW-04 || ENTRA-FLOW-13 || ENTRA-CYCLE-01 || ENTRA-FLOW-01",
		fail:    all(conflict, "ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-REQ-11"),
		blocked: by("ENTRA-FLOW-04", "ENTRA-CYCLE-01", "ENTRA-FLOW-22", "ENTRA-REF-01")},
	// A rejected token stops the run at the pre-flight check: one finding.
	{plan: "err-22-credentials-rejected", filter: "ENTRA-FLOW-01 || ENTRA-FLOW-04 || ENTRA-CYCLE-01",
		fail: all(credentials, "ENTRA-HTTP-03")},
	{plan: "err-15-duplicate-target-entries", filter: "ENTRA-FLOW-03 || ENTRA-FLOW-13 || ENTRA-MATCH-01",
		fail: all(duplicates, "ENTRA-FLOW-03", "ENTRA-MATCH-01", "ENTRA-MATCH-04")},
	{plan: "err-07-invalid-anchor", filter: "ENTRA-FLOW-05 || ENTRA-FLOW-13",
		fail: all(anchor, "ENTRA-FLOW-05", "ENTRA-REQ-03")},
	{plan: "err-20-service-incompatible", filter: "ENTRA-FLOW-04 || ENTRA-FLOW-13",
		fail: all(incompatible, "ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-REQ-11")},
	{plan: "err-04-method-not-allowed", filter: "ENTRA-CYCLE-02 || ENTRA-FLOW-13",
		blocked: by("ENTRA-FLOW-08", "ENTRA-CYCLE-02", "ENTRA-FLOW-15", "ENTRA-FLOW-16", "ENTRA-FLOW-17")},
	// Fast 500s: the failure proportion is QUAR-03's finding; the answers
	// beat Entra's timeout, so ENTRA-HTTP-08 passes.
	{plan: "err-03-internal-server-error", filter: "ENTRA-QUAR-03 || ENTRA-FLOW-13",
		fail: all("InternalServerError", "ENTRA-QUAR-03")},
	// A 404 on Test Connection's filter stops the run at the pre-flight check.
	{plan: "resp-03-filter-not-found", filter: "ENTRA-FLOW-01 || ENTRA-FLOW-13",
		fail: all(incompatible, "ENTRA-FLOW-01")},
}

// TestSuiteCatchesDefects runs the suite once per fault plan (and once
// without, as the baseline) and checks the report.
func TestSuiteCatchesDefects(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the conformance suite several times")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "suites.test")
	build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, ".")
	build.Dir = ".." // the suites package, never this one
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the suite: %v\n%s", err, out)
	}
	for _, d := range defects {
		name := d.plan
		if name == "" {
			name = "no-fault"
		}
		t.Run(name, func(t *testing.T) {
			rows, out := runSuite(ctx, t, bin, d)
			ran := 0
			for _, r := range rows {
				if r.Result == "skipped" {
					continue
				}
				ran++
				key := r.ID
				if r.Dialect != "" {
					key += "/" + r.Dialect
				}
				code, mustFail := d.fail[r.ID]
				blocker, mustBlock := d.blocked[r.ID]
				switch {
				case mustFail && r.Result != "failed":
					t.Errorf("%s: %s %s, want failed under %s", key, r.Result, r.BlockedBy, name)
				case mustFail && r.ErrorCode != code:
					t.Errorf("%s: report names %q, want %q (%s)", key, r.ErrorCode, code, r.Message)
				case mustBlock && (r.Result != "blocked" || r.BlockedBy != blocker):
					t.Errorf("%s: %s %s, want blocked by %s under %s: %s", key, r.Result, r.BlockedBy, blocker, name, r.Message)
				case !mustFail && !mustBlock && r.Result != "passed":
					t.Errorf("%s: %s %s, want passed under %s: %s", key, r.Result, r.BlockedBy, name, r.Message)
				}
			}
			for id := range d.blocked {
				if !hasRow(rows, id) {
					t.Errorf("%s did not run under %s", id, name)
				}
			}
			for id := range d.fail {
				if !hasRow(rows, id) {
					t.Errorf("%s did not run under %s", id, name)
				}
			}
			if ran == 0 || t.Failed() {
				t.Logf("suite output:\n%s", out)
			}
		})
	}
}

func hasRow(rows []row, id string) bool {
	for _, r := range rows {
		if r.ID == id && r.Result != "skipped" {
			return true
		}
	}
	return false
}

// runSuite runs the suite binary against the embedded server with the plan
// and returns the rows of its conformance report.
func runSuite(ctx context.Context, t *testing.T, bin string, d defect) ([]row, string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.label-filter="+d.filter, "-ginkgo.no-color",
		"-ginkgo.json-report="+filepath.Join(dir, "ginkgo.json"))
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = childEnv(map[string]string{"SCIM_FAULT_PLAN": d.plan, "SCIM_REPORT_DIR": dir})
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("run the suite: %v", err)
	}
	if (err == nil) != (len(d.fail)+len(d.blocked) == 0) {
		t.Errorf("suite exit: %v, want failure only when specs must fail", err)
	}
	data, rerr := os.ReadFile(filepath.Join(dir, "conformance.yaml"))
	if rerr != nil {
		t.Fatalf("no report: %v\n%s", rerr, out)
	}
	var c conformance
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("report: %v", err)
	}
	return c.Results, string(out)
}

// childEnv is this process's environment without any SCIM_ setting (the
// child must use the embedded server), plus set.
func childEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCIM_") {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}
