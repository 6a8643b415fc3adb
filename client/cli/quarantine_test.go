package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuarantineAcrossRun_ENTRA_QUAR_04_06_07: a rejected token quarantines
// the job (QUAR-01), the email lands in the default outbox next to the
// state file (QUAR-06), status --json carries Graph's field names
// (QUAR-06/07), and `run` with the fixed token shows the skipped slots and
// the retry at +6 h that lifts the quarantine (QUAR-04).
func TestQuarantineAcrossRun_ENTRA_QUAR_04_06_07(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "job", "state.db")
	_ = os.MkdirAll(filepath.Dir(stateFile), 0o755)

	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", "revoked", "--directory", dirFile,
		"--state", stateFile, "--notification-email", "admin@contoso.com")
	if code != ExitFailure || !strings.Contains(out, "Job Quarantine (EncounteredQuarantineException) [entered]") ||
		!strings.Contains(out, "Quarantine email: ") {
		t.Fatalf("cycle: %d\n%s\n%s", code, out, errOut)
	}
	emails, _ := filepath.Glob(filepath.Join(tmp, "job", "outbox", "*.eml"))
	if len(emails) != 1 || !strings.HasSuffix(emails[0], "20260101T000000Z-EncounteredQuarantineException.eml") {
		t.Fatalf("outbox: %v", emails)
	}

	code, out, _ = run("status", "--state", stateFile, "--json")
	var st map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status: %d %s", code, out)
	}
	q, _ := st["quarantine"].(map[string]any)
	qerr, _ := q["error"].(map[string]any)
	last, _ := st["lastExecution"].(map[string]any)
	if st["code"] != "Quarantine" || q["reason"] != "EncounteredQuarantineException" || q["nextAttempt"] != "2026-01-01T06:00:00Z" ||
		q["seriesBegan"] != "2026-01-01T00:00:00Z" || q["currentBegan"] != "2026-01-01T00:00:00Z" || q["seriesCount"] != 0.0 ||
		qerr["code"] != "SystemForCrossDomainIdentityManagementCredentialValidationFailure" ||
		st["countSuccessiveCompleteFailures"] != 1.0 || st["escrowsPruned"] != false || last["state"] != "Failed" ||
		st["nextRun"] != "2026-01-01T06:00:00Z" || st["escrows"] != 1.0 {
		t.Fatalf("status json:\n%s", out)
	}
	for _, k := range []string{"lastSuccessfulExecution", "lastSuccessfulExecutionWithExports", "escrowEntries", "escrowCounts", "thresholds"} {
		if _, ok := st[k]; !ok {
			t.Fatalf("status json lacks %s:\n%s", k, out)
		}
	}

	code, out, errOut = run("run", "--token", srv.Token, "--directory", dirFile, "--state", stateFile, "--cycles", "11")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitOK || len(lines) != 4 ||
		lines[0] != "2026-01-01T00:40:00Z .. 2026-01-01T05:20:00Z skipped 8 cycles: quarantined (EncounteredQuarantineException) until 2026-01-01T06:00:00Z." ||
		!strings.HasPrefix(lines[1], "2026-01-01T06:00:00Z Cycle ") || !strings.Contains(lines[1], "quarantine retry") ||
		!strings.Contains(lines[1], "created 8") || !strings.Contains(lines[1], "Job Active [lifted]") ||
		!strings.Contains(lines[2], "2026-01-01T06:40:00Z Cycle") {
		t.Fatalf("run: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run("status", "--state", stateFile)
	if code != ExitOK || !strings.Contains(out, "Status: Active") || strings.Contains(out, "Quarantine reason") {
		t.Fatalf("status after lift: %s", out)
	}
}

// TestThresholdFlagsRemembered_ENTRA_QUAR_03: --quarantine-* flags are kept
// in the state and shown by status with the defaults for the rest.
func TestThresholdFlagsRemembered_ENTRA_QUAR_03(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "s.db")
	if code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile,
		"--state", stateFile, "--quarantine-min-failures", "2", "--quarantine-proportion", "10"); code != ExitOK {
		t.Fatalf("cycle: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := run("cycle", "--token", srv.Token, "--directory", dirFile, "--state", stateFile); code != ExitOK {
		t.Fatalf("second cycle: %d %s %s", code, out, errOut)
	}
	_, out, _ := run("status", "--state", stateFile, "--json")
	var st struct {
		Thresholds map[string]int64 `json:"thresholds"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"minFailures": 2, "proportionPercent": 10, "baseFailures": 40000, "totalFailures": 60000}
	for k, v := range want {
		if st.Thresholds[k] != v {
			t.Fatalf("thresholds %v, want %v", st.Thresholds, want)
		}
	}
}
