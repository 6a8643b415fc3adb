package cli

// The cache of decoded directory chunks (issue 16): cycles that load a big
// directory through it give what cycles that parse every byte give.

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
)

// bigDirectory is a generated directory above the size from which files
// are parsed in chunks (4 MiB), with only its first users assigned, so
// that a cycle provisions a few users but loads thousands.
func bigDirectory(t *testing.T) string {
	t.Helper()
	s := string(fixtures.GenerateRealisticDirectory(11000, 40, 3))
	i, j := strings.Index(s, "\napp:\n"), strings.Index(s, "\nusers:\n")
	if i < 0 || j < i {
		t.Fatal("no app section before the users")
	}
	var ids []string
	for _, l := range strings.Split(s[j:], "\n") {
		if id, ok := strings.CutPrefix(l, "  - objectId: "); ok && len(ids) < 8 {
			ids = append(ids, id)
		}
	}
	s = s[:i] + "\napp:\n  scope: assigned\n  assignments:\n    users: [" + strings.Join(ids, ", ") + "]" + s[j:]
	if len(s) < 4<<20 {
		t.Fatalf("directory of %d bytes is parsed whole", len(s))
	}
	return s
}

// sourceChunkRows counts the cached chunks in a state file.
func sourceChunkRows(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM source_chunks`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestChunkCacheCyclesEqualFullScan_Issue16(t *testing.T) {
	content := bigDirectory(t)
	play := func(extra ...string) (outs []string, view stateView, chunks int) {
		e := newJobEnv(t, 1)
		e.dir = filepath.Join(e.tmp, "big.yaml")
		e.write(e.dir, content)
		edits := []func(string) string{
			nil,
			// The jobTitle of an assigned user, edited in place.
			func(s string) string {
				return strings.Replace(s, "    jobTitle: Chief Executive Officer\n", "    jobTitle: Chief Cache Officer\n", 1)
			},
			// A line break added at the end of the users list.
			func(s string) string { return strings.Replace(s, "\ngroups:\n", "\n\ngroups:\n", 1) },
			nil,
		}
		for i, edit := range edits {
			if edit != nil {
				before := content
				e.edit(edit)
				if e.edit(func(s string) string { before = s; return s }); before == content {
					t.Fatalf("edit %d changed nothing", i)
				}
			}
			code, out := e.cycle("cycle", extra...)
			outs = append(outs, normalize(out)+"exit "+string(rune('0'+code)))
		}
		// The chunks a load parsed went through a spool beside the state
		// file, removed once the state took them.
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(e.state), "entrasim-chunks-*")); len(left) > 0 {
			t.Errorf("spool files left: %v", left)
		}
		return outs, readState(t, e.state), sourceChunkRows(t, e.state)
	}
	cached, cachedState, cachedRows := play()
	full, fullState, _ := play("--full-scan")
	if cachedRows < 40 { // 11000 users and 40 groups, 256 items a chunk on average
		t.Fatalf("the state caches %d chunks", cachedRows)
	}
	for i := range cached {
		if cached[i] != full[i] {
			t.Errorf("cycle %d:\ncached:    %s\nfull scan: %s", i, cached[i], full[i])
		}
	}
	if !strings.Contains(cached[1], "updated 1,") {
		t.Errorf("the cycle after the edit: %s", cached[1])
	}
	if a, b := normalize(cachedState.Job), normalize(fullState.Job); a != b {
		t.Errorf("job:\ncached:    %s\nfull scan: %s", a, b)
	}
	if cachedState.Records != fullState.Records {
		t.Errorf("log records: cached %d, full scan %d", cachedState.Records, fullState.Records)
	}
}
