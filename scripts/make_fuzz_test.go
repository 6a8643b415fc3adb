package scripts

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz[A-Za-z0-9_]*)`)

// fuzzTargets lists the module's fuzz targets as make fuzz names them,
// "./dir FuzzName", sorted.
func fuzzTargets(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", filepath.Dir(p))
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(b), -1) {
			out = append(out, "./"+filepath.ToSlash(rel)+" "+m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestMakeFuzzRunsEveryTargetAndReportsAllFailures runs `make fuzz` with
// the Go command replaced by a stand-in that records each call and fails
// for chosen targets: every target of the module must run, failing or
// not, with FUZZTIME; make must fail only when one did, and list all
// failures at the end.
func TestMakeFuzzRunsEveryTargetAndReportsAllFailures(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	targets := fuzzTargets(t)
	if len(targets) < 10 {
		t.Fatalf("only %d fuzz targets found: %v", len(targets), targets)
	}
	for _, tc := range []struct {
		name string
		fail []string // targets the stand-in fails
	}{
		{"none fails", nil},
		{"first and a middle one fail", []string{targets[0], targets[len(targets)/2]}},
		{"the last fails", []string{targets[len(targets)-1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			calls, fails := filepath.Join(dir, "calls"), filepath.Join(dir, "fails")
			var lines []string
			for _, f := range tc.fail {
				d, name, _ := strings.Cut(f, " ")
				lines = append(lines, "test -run ^$ -fuzz ^"+name+"$ -fuzztime 7s "+d)
			}
			if err := os.WriteFile(fails, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			fakeGo := filepath.Join(dir, "go")
			script := "#!/bin/sh\necho \"$*\" >> " + calls + "\nif grep -qxF -- \"$*\" " + fails + "; then echo FAILED; exit 1; fi\n"
			if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("make", "-s", "-C", "..", "fuzz", "GO="+fakeGo, "FUZZTIME=7s").CombinedOutput()
			if (err != nil) != (len(tc.fail) > 0) {
				t.Fatalf("make fuzz: err=%v with %d failing targets\n%s", err, len(tc.fail), out)
			}
			got, _ := os.ReadFile(calls)
			ran := strings.Split(strings.TrimSpace(string(got)), "\n")
			if len(ran) != len(targets) {
				t.Fatalf("%d targets ran, want all %d\n%s", len(ran), len(targets), got)
			}
			for _, tg := range targets {
				d, name, _ := strings.Cut(tg, " ")
				if !slices.Contains(ran, "test -run ^$ -fuzz ^"+name+"$ -fuzztime 7s "+d) {
					t.Errorf("%s did not run as expected; calls:\n%s", tg, got)
				}
			}
			text := strings.TrimSpace(string(out))
			if len(tc.fail) == 0 {
				if !strings.HasSuffix(text, "fuzz: all "+strconv.Itoa(len(targets))+" targets passed (7s each)") {
					t.Fatalf("no success summary at the end:\n%s", text)
				}
				return
			}
			summary := text[strings.LastIndex(text, "fuzz: "):]
			if !strings.HasPrefix(summary, "fuzz: "+strconv.Itoa(len(tc.fail))+" of "+strconv.Itoa(len(targets))+" targets failed:") {
				t.Fatalf("summary %q", summary)
			}
			for _, f := range tc.fail {
				if !strings.Contains(summary, "  "+strings.Replace(f, " ", ":", 1)) {
					t.Errorf("summary does not list %s:\n%s", f, summary)
				}
			}
		})
	}
}
