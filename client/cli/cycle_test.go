package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/gcpolicy"
)

// TestCycleStatusLogsCommands drives cycle, status, logs, restart and
// provision through the cobra commands with a temp state file against the
// embedded reference server.
func TestCycleStatusLogsCommands(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, small := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "state.db")
	logsFile := filepath.Join(tmp, "cycle1.json")

	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token,
		"--directory", dirFile, "--state", stateFile, "--logs", logsFile)
	if code != ExitOK || !strings.Contains(out, "(initial): created 8, updated 0, disabled 0, deleted 0, skipped 2, failed 0") {
		t.Fatalf("cycle: exit %d\n%s\n%s", code, out, errOut)
	}
	if errOut != "" {
		t.Fatalf("progress bar drawn on a non-terminal: %q", errOut)
	}
	var list struct {
		Context string           `json:"@odata.context"`
		Value   []map[string]any `json:"value"`
	}
	b, _ := os.ReadFile(logsFile)
	if err := json.Unmarshal(b, &list); err != nil || len(list.Value) != 10 || list.Context == "" {
		t.Fatalf("--logs is not Graph's list response of the 10 records: %v, %d records, context %q", err, len(list.Value), list.Context)
	}

	// Second run: the tenant URL comes from the state; incremental, nothing to do.
	code, out, errOut = run("cycle", "--token", srv.Token, "--directory", dirFile, "--state", stateFile)
	if code != ExitOK || !strings.Contains(out, "(incremental): created 0, updated 0, disabled 0, deleted 0, skipped 0, failed 0; 0 requests") {
		t.Fatalf("second cycle: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, _ = run("status", "--state", stateFile, "--json")
	var st struct {
		Code      string         `json:"code"`
		Cycles    int            `json:"cycles"`
		Linked    map[string]int `json:"linked"`
		NextCycle string         `json:"nextCycleKind"`
		NextRun   string         `json:"nextRun"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status: %d %s", code, out)
	}
	if st.Code != "Active" || st.Cycles != 2 || st.Linked["users"] != 6 || st.Linked["groups"] != 2 ||
		st.NextCycle != "incremental" || st.NextRun != "2026-01-01T01:20:00Z" {
		t.Fatalf("status %+v", st)
	}
	if code, out, _ = run("status", "--state", stateFile); code != ExitOK || !strings.Contains(out, "Status: Active") {
		t.Fatalf("status text: %d %s", code, out)
	}

	csvDir := filepath.Join(tmp, "csv")
	if code, out, errOut = run("logs", "--state", stateFile, "--format", "csv", "--out", csvDir); code != ExitOK {
		t.Fatalf("logs csv: %d %s %s", code, out, errOut)
	}
	fh, err := os.Open(filepath.Join(csvDir, "ProvisioningLogs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(fh).ReadAll()
	fh.Close()
	if err != nil || len(rows) != 11 {
		t.Fatalf("csv rows %d: %v", len(rows), err)
	}
	for _, f := range []string{"ProvisioningLogs_ProvisioningSteps.csv", "ProvisioningLogs_ModifiedProperties.csv"} {
		if _, err := os.Stat(filepath.Join(csvDir, f)); err != nil {
			t.Fatal(err)
		}
	}
	// Graph's list response (List provisioningObjectSummary, Examples 1
	// and 2); TestLogsJSONIsGraphList_LOG01 checks it in full.
	if code, out, _ = run("logs", "--state", stateFile, "--format", "json"); code != ExitOK ||
		!strings.HasPrefix(strings.TrimSpace(out), `{`) || !strings.Contains(out, `"@odata.context"`) {
		t.Fatalf("logs json: %d %.200s", code, out)
	}

	// Edit and run again: exactly the change.
	edited := strings.Replace(string(small), "jobTitle: CTO", "jobTitle: Chief Technology Officer", 1)
	if err := os.WriteFile(dirFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run("cycle", "--token", srv.Token, "--directory", dirFile, "--state", stateFile)
	if code != ExitOK || !strings.Contains(out, "updated 1,") || !strings.Contains(out, "; 2 requests") {
		t.Fatalf("edit cycle: %d\n%s\n%s", code, out, errOut)
	}

	if code, out, _ = run("restart", "--state", stateFile); code != ExitOK || !strings.Contains(out, "links kept") {
		t.Fatalf("restart: %d %s", code, out)
	}
	if code, out, _ = run("status", "--state", stateFile, "--json"); !strings.Contains(out, `"nextCycleKind": "initial"`) {
		t.Fatalf("status after restart: %d %s", code, out)
	}
	code, out, errOut = run("provision", "--token", srv.Token, "--directory", dirFile, "--state", stateFile, "--user", "hugo.hansen@contoso.com")
	if code != ExitOK || !strings.Contains(out, "[skipped] Determine if user is in scope") {
		t.Fatalf("provision out-of-scope user: %d\n%s\n%s", code, out, errOut)
	}
}

func TestJobCommandsUsageErrors(t *testing.T) {
	tmp := t.TempDir()
	notState := filepath.Join(tmp, "x.txt")
	_ = os.WriteFile(notState, []byte("hello, this is not sqlite at all"), 0o644)
	badDir := filepath.Join(tmp, "bad.yaml")
	_ = os.WriteFile(badDir, []byte("users:\n  - objectId: u1\n    manager: nobody\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"cycle", "--state", filepath.Join(tmp, "s.db")}, "--directory is required"},
		{[]string{"cycle", "--directory", badDir, "--state", filepath.Join(tmp, "s.db")}, "bad.yaml:"},
		{[]string{"status", "--state", notState}, "not an entrasim state file"},
		{[]string{"status"}, "--state is required"},
		{[]string{"logs", "--state", filepath.Join(tmp, "s.db"), "--format", "xml"}, "--format must be json or csv"},
		{[]string{"logs", "--state", filepath.Join(tmp, "s.db"), "--format", "csv"}, "--out DIR is required"},
		{[]string{"restart", "--state", filepath.Join(tmp, "s.db"), "--reset-scope", "partial"}, "--reset-scope must be full"},
		{[]string{"provision", "--state", filepath.Join(tmp, "s.db")}, "exactly one of --user and --group"},
		{[]string{"run", "--cycles", "0"}, "--cycles must be at least 1"},
	} {
		code, _, errOut := run(tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want usage error with %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestRunCommandAdvancesSimulatedClock: run --cycles N moves the clock by
// --interval per cycle (ENTRA-CYCLE-03); a bad token makes objects fail
// and quarantines the job after the first request (QUAR-01): exit 1.
func TestRunCommandAdvancesSimulatedClock(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "state.db")
	code, out, errOut := run("run", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile,
		"--state", stateFile, "--cycles", "3", "--interval", "10m", "--concurrency", "4")
	if code != ExitOK || strings.Count(out, "Cycle ") != 3 || !strings.Contains(out, "next run 2026-01-01T00:30:00Z") {
		t.Fatalf("run: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("cycle", "--token", "wrong", "--directory", dirFile, "--state", filepath.Join(tmp, "other.db"),
		"--tenant-url", srv.TenantURL())
	if code != ExitFailure || !strings.Contains(out, "failed 1;") || !strings.Contains(out, "Job Quarantine (EncounteredQuarantineException)") ||
		!strings.Contains(errOut, "the job is quarantined") {
		t.Fatalf("bad token: %d\n%s\n%s", code, out, errOut)
	}
}

// A batch run's GC limit is the initial cycle's before an initial cycle
// and the incremental one's before each incremental cycle, the first of
// a command's cycles (cycle, or run --cycles) and every later one
// (gcpolicy.ForCycle, issue 16).
func TestCycleSetsTheGCLimitOfItsKind_Issue16(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore := gcpolicy.Batch()
	defer restore()
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	e := newJobEnv(t, 6)
	e.cycle("cycle")
	if l := limit(); l != gcpolicy.MemoryLimit {
		t.Fatalf("after an initial cycle: limit %d MiB, want %d", l>>20, gcpolicy.MemoryLimit>>20)
	}
	e.cycle("cycle")
	if l := limit(); l != gcpolicy.IncrementalLimit {
		t.Fatalf("after an incremental cycle: limit %d MiB, want %d", l>>20, gcpolicy.IncrementalLimit>>20)
	}
	e2 := newJobEnv(t, 6)
	e2.cycle("run", "--cycles", "2")
	if l := limit(); l != gcpolicy.IncrementalLimit {
		t.Fatalf("after an initial and an incremental cycle in one command: limit %d MiB, want %d", l>>20, gcpolicy.IncrementalLimit>>20)
	}
}
