package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScenarioRunCommand: a scenario by file and by name against the
// throwaway reference server; a failed expectation exits 1, a bad file 2.
func TestScenarioRunCommand(t *testing.T) {
	code, out, errOut := run("scenario", "run", "err-22-credentials-rejected")
	if code != ExitOK || !strings.Contains(out, "PASS err-22-credentials-rejected") || !strings.Contains(out, "[entered]") {
		t.Fatalf("by name: %d\n%s\n%s", code, out, errOut)
	}
	tmp := t.TempDir()
	file := filepath.Join(tmp, "mine.yaml")
	_ = os.WriteFile(file, []byte("directory: small.yaml\nfaults: err-03-internal-server-error\ncycles: 1\nexpect: {status: Quarantine}\n"), 0o644)
	code, out, errOut = run("scenario", "run", file)
	if code != ExitFailure || !strings.Contains(out, "FAIL mine") || !strings.Contains(errOut, "expectation(s) failed") {
		t.Fatalf("failing file: %d\n%s\n%s", code, out, errOut)
	}
	_ = os.WriteFile(file, []byte("cycles: [\n"), 0o644)
	if code, _, errOut = run("scenario", "run", file); code != ExitUsage {
		t.Fatalf("bad file: %d %s", code, errOut)
	}
	if code, _, errOut = run("scenario", "run", "no-such-scenario"); code != ExitUsage || !strings.Contains(errOut, "scenario list") {
		t.Fatalf("unknown name: %d %s", code, errOut)
	}
	if code, out, _ = run("scenario", "list"); code != ExitOK || !strings.Contains(out, "quarantine-on-tuesday") {
		t.Fatalf("list: %d %s", code, out)
	}
}
