package cli

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var progressLine = regexp.MustCompile(`^cycle: (\d+)/(\d+) \((\d+)%\), \S+$`)

// Without a terminal (stderr is a buffer here, as in CI) a long cycle
// prints a progress line at its start and every 10 %; a short one (the
// small directory of TestCycleStatusLogsCommands) prints none.
func TestCycleProgressLinesWithoutTerminal(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "dir.yaml")
	if code, out, errOut := run("directory", "generate", "--users", "400", "--groups", "12", "--out", dir); code != ExitOK {
		t.Fatalf("generate: %d %s %s", code, out, errOut)
	}
	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token,
		"--directory", dir, "--state", filepath.Join(tmp, "state.db"))
	if code != ExitOK || !strings.Contains(out, "(initial): created ") {
		t.Fatalf("cycle: exit %d\n%s\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	steps := map[int]bool{} // tens of percent with a line
	for _, l := range lines {
		m := progressLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("stderr line %q is not a progress line\n%s", l, errOut)
		}
		pct, _ := strconv.Atoi(m[3])
		steps[pct/10] = true
	}
	for s := 0; s <= 10; s++ {
		if !steps[s] {
			t.Errorf("no line from %d%% to %d%%:\n%s", s*10, s*10+9, errOut)
		}
	}
	if !strings.HasPrefix(lines[0], "cycle: 0/") || !strings.Contains(lines[len(lines)-1], "(100%)") {
		t.Errorf("first %q, last %q", lines[0], lines[len(lines)-1])
	}
}
