package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/reproduce"
	"github.com/quantive/entra-scim-harness/client/scenario"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// TestReproduceEveryScenarioRecord: every record of every scenario of
// fixtures/scenarios reproduces. Each scenario runs (`entrasim scenario
// run`), its records are exported (`entrasim logs --format json`) and
// replayed (`entrasim reproduce`): the successes on a healthy throwaway
// server, the others with the scenario's fault plan. Each record gives its
// own error code, or success, or NOTHING TO REPLAY when Entra sent nothing
// for it (skipped, stagedDelete). Without the fault plan the failed
// records do not reproduce and name the scenario's plan.
func TestReproduceEveryScenarioRecord(t *testing.T) {
	names, err := scenario.Files()
	if err != nil || len(names) == 0 {
		t.Fatalf("scenarios: %v %v", names, err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sc, err := scenario.LoadFixture(name)
			if err != nil {
				t.Fatal(err)
			}
			plan := ""
			for _, p := range sc.Timeline {
				if p.Faults != "" && p.Faults != "none" {
					if plan != "" && plan != p.Faults {
						t.Fatalf("the scenario uses two fault plans (%s, %s): give this test a rule for it", plan, p.Faults)
					}
					plan = p.Faults
				}
			}
			work := t.TempDir()
			if code, out, errOut := run("scenario", "run", name, "--work-dir", work); code != ExitOK {
				t.Fatalf("scenario: %d\n%s\n%s", code, out, errOut)
			}
			code, exported, errOut := run("logs", "--state", filepath.Join(work, name+".state.db"), "--format", "json")
			if code != ExitOK {
				t.Fatalf("logs: %d %s", code, errOut)
			}
			raw := rawRecords(t, []byte(exported))
			entries, _, err := reproduce.Parse([]byte(exported))
			if err != nil || len(entries) != len(raw) || len(raw) == 0 {
				t.Fatalf("export: %d records, %d parsed, %v", len(raw), len(entries), err)
			}
			var healthy, failing []any
			var wantHealthy, wantFailing []string
			for i, e := range entries {
				verdict := "REPRODUCED: " + e.ErrorCode + ", as in the record."
				switch {
				case e.Status == "skipped":
					verdict = "NOTHING TO REPLAY"
				case e.Status == "success":
					verdict = "REPRODUCED: the action succeeds, as in the record."
				}
				if e.Status == "success" || e.Status == "skipped" {
					healthy, wantHealthy = append(healthy, raw[i]), append(wantHealthy, verdict)
				} else {
					failing, wantFailing = append(failing, raw[i]), append(wantFailing, verdict)
				}
			}
			if len(failing) > 0 && plan == "" {
				t.Fatalf("failed records but no fault plan")
			}
			args := []string{"--retry-after-cap", "1ms"}
			// The scenario's shortened client timeout (300ms for err-13)
			// only makes an injected stall hit fast: the replays without a
			// stall keep the default, which a loaded machine cannot miss.
			faulted := []string{"--faults", plan}
			if sc.Settings.Timeout != "" {
				faulted = append(faulted, "--timeout", sc.Settings.Timeout)
			}
			replay := func(recs []any, want []string, extra ...string) {
				t.Helper()
				if len(recs) == 0 {
					return
				}
				file := filepath.Join(t.TempDir(), "records.json")
				b, _ := json.Marshal(recs)
				_ = os.WriteFile(file, b, 0o644)
				code, out, errOut := run(append(append([]string{"reproduce", "--log", file}, args...), extra...)...)
				if code != ExitOK {
					t.Fatalf("reproduce %v: exit %d\n%s\n%s", extra, code, out, errOut)
				}
				if got := verdicts(out); !slices.Equal(got, want) {
					t.Fatalf("verdicts %q, want %q\n%s", got, want, out)
				}
			}
			replay(healthy, wantHealthy)
			replay(failing, wantFailing, faulted...)

			// Without the plan, the failed records do not reproduce and the
			// plan is named for those whose code is the plan's.
			if len(failing) == 0 {
				return
			}
			fp, err := fixtures.LookupFaultPlan(plan)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "failing.json")
			b, _ := json.Marshal(failing)
			_ = os.WriteFile(file, b, 0o644)
			code, out, _ := run(append([]string{"reproduce", "--log", file}, args...)...)
			if code != ExitFailure || strings.Count(out, "\nNOT REPRODUCED: ") != len(failing) {
				t.Fatalf("without the fault plan: exit %d, want every record not reproduced\n%s", code, out)
			}
			named := regexp.MustCompile(`(?m)^Fault plan\(s\) of the catalogue \(fixtures/faults\) that produce \S+: .*\b` + regexp.QuoteMeta(plan) + `\b`)
			n := 0
			for _, e := range entries {
				if e.Status != "success" && e.Status != "skipped" && fp.ErrorCode != "" && e.ErrorCode == fp.ErrorCode {
					n++
				}
			}
			if got := len(named.FindAllString(out, -1)); got != n {
				t.Fatalf("the plan %s is named %d times, want %d\n%s", plan, got, n, out)
			}
		})
	}
}

// rawRecords returns the records of `entrasim logs --format json`: a
// Graph list response or a bare array.
func rawRecords(t *testing.T, b []byte) []any {
	t.Helper()
	var arr []any
	if json.Unmarshal(b, &arr) == nil {
		return arr
	}
	var page struct {
		Value []any `json:"value"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatalf("logs output is neither an array nor a list response: %v", err)
	}
	return page.Value
}

// verdicts are the verdict lines of a reproduce run, in order.
func verdicts(out string) []string {
	var v []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "NOTHING TO REPLAY"):
			v = append(v, "NOTHING TO REPLAY")
		case strings.HasPrefix(line, "REPRODUCED: "), strings.HasPrefix(line, "NOT REPRODUCED: "), strings.HasPrefix(line, "DRY RUN"):
			v = append(v, line)
		}
	}
	return v
}
