package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cycle that spills (--spill-above -1: always) keeps its spill file
// beside the state file, not in the temp folder (here one that does not
// exist, where creating it would fail the cycle), logs what an unspilled
// cycle logs, and leaves no spill file behind (issue 16).
func TestCycleSpillsBesideTheStateFile_Issue16(t *testing.T) {
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	t.Setenv("TMPDIR", filepath.Join(tmp, "no-such-folder"))
	summaries := map[string]string{}
	records := map[string]int{}
	for _, tc := range []struct{ name, spill string }{{"in memory", "0"}, {"spilled", "-1"}} {
		srv := startRefServer(t)
		stateDir := filepath.Join(tmp, strings.ReplaceAll(tc.name, " ", "-"))
		if err := os.Mkdir(stateDir, 0o755); err != nil {
			t.Fatal(err)
		}
		logsFile := filepath.Join(tmp, tc.name+".json")
		code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile,
			"--state", filepath.Join(stateDir, "state.db"), "--logs", logsFile, "--spill-above", tc.spill)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s\n%s", tc.name, code, out, errOut)
		}
		// The summary line without its cycle id.
		_, summaries[tc.name], _ = strings.Cut(out, " (initial)")
		var list struct {
			Value []map[string]any `json:"value"`
		}
		b, _ := os.ReadFile(logsFile)
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatalf("%s: --logs: %v", tc.name, err)
		}
		records[tc.name] = len(list.Value)
		left, _ := filepath.Glob(filepath.Join(stateDir, "*.spill"))
		if len(left) != 0 {
			t.Fatalf("%s: spill files left behind: %v", tc.name, left)
		}
	}
	if summaries["spilled"] == "" || summaries["spilled"] != summaries["in memory"] {
		t.Fatalf("summaries differ:\n in memory:%s\n spilled:  %s", summaries["in memory"], summaries["spilled"])
	}
	if records["spilled"] == 0 || records["spilled"] != records["in memory"] {
		t.Fatalf("records: %v", records)
	}
}
