// Package golden compares what a test produced with a golden file and, run
// with -update, rewrites the file. A mismatch shows a line diff, so a
// reviewer sees what changed rather than two whole files.
//
//	golden.Assert(t, filepath.Join("testdata", "report.yaml"), got)
//	go test ./reports -update   # rewrite, then review the diff in git
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files with what the tests produce")

// Updating reports whether the run rewrites golden files (-update).
func Updating() bool { return *update }

// Assert fails t unless got equals the golden file at path; with -update it
// writes got there first (creating the directory).
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file %s (run go test with -update to create it): %v", path, err)
	}
	if d := Diff(want, got); d != "" {
		t.Errorf("%s differs from what the test produced (-golden +got); run go test with -update if the change is intended:\n%s", path, d)
	}
}

// Diff is a line diff of want and got (-want +got), "" when they are equal.
func Diff(want, got []byte) string {
	if string(want) == string(got) {
		return ""
	}
	return cmp.Diff(strings.SplitAfter(string(want), "\n"), strings.SplitAfter(string(got), "\n"))
}
