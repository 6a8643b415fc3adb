package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.errors = append(r.errors, format) }

func TestAssertShowsTheChangedLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txt")
	if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	Assert(r, path, []byte("one\ntwo\nthree\n"))
	if len(r.errors) != 0 {
		t.Fatalf("equal content reported: %v", r.errors)
	}
	d := Diff([]byte("one\ntwo\nthree\n"), []byte("one\nTWO\nthree\n"))
	if !strings.Contains(d, "two") || !strings.Contains(d, "TWO") || strings.Count(d, "three") != 1 {
		t.Errorf("diff does not show the changed line:\n%s", d)
	}
	Assert(r, path, []byte("one\nTWO\nthree\n"))
	if len(r.errors) != 1 {
		t.Errorf("a difference must fail, got %d errors", len(r.errors))
	}
}
