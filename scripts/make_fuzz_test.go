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
// chosen targets: every target of the module must run, failing or not,
// with FUZZTIME; make must fail only when one did, and list all failures
// at the end. A target that ends with Go's fuzztime deadline race alone
// (go.dev/issue/75804: "context deadline exceeded", no failing input) runs
// once more and the second result counts.
func TestMakeFuzzRunsEveryTargetAndReportsAllFailures(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	targets := fuzzTargets(t)
	if len(targets) < 10 {
		t.Fatalf("only %d fuzz targets found: %v", len(targets), targets)
	}
	first, middle, last := targets[0], targets[len(targets)/2], targets[len(targets)-1]
	for _, tc := range []struct {
		name                       string
		fail, raceOnce, raceAlways []string // how the stand-in treats targets
		wantFailed                 []string
	}{
		{name: "none fails"},
		{name: "first and a middle one fail", fail: []string{first, middle}, wantFailed: []string{first, middle}},
		{name: "the last fails", fail: []string{last}, wantFailed: []string{last}},
		{name: "deadline race once is run again and passes", raceOnce: []string{first, last}},
		{name: "deadline race twice fails", raceAlways: []string{middle}, wantFailed: []string{middle}},
		{name: "a real failure is not run again", fail: []string{middle}, raceOnce: []string{first}, wantFailed: []string{middle}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			calls := filepath.Join(dir, "calls")
			call := func(target string) string {
				d, name, _ := strings.Cut(target, " ")
				return "test -run ^$ -fuzz ^" + name + "$ -fuzztime 7s " + d
			}
			list := func(file string, ts []string) string {
				var lines []string
				for _, tg := range ts {
					lines = append(lines, call(tg))
				}
				p := filepath.Join(dir, file)
				if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			fails, once, always, raced := list("fails", tc.fail), list("once", tc.raceOnce), list("always", tc.raceAlways), filepath.Join(dir, "raced")
			fakeGo := filepath.Join(dir, "go")
			script := "#!/bin/sh\n" +
				"echo \"$*\" >> " + calls + "\n" +
				"name=$(echo \"$*\" | sed 's/.*-fuzz ^\\([A-Za-z0-9_]*\\).*/\\1/')\n" +
				"race() { printf -- '--- FAIL: %s (7.01s)\\n    context deadline exceeded\\nFAIL\\nexit status 1\\n' \"$name\"; exit 1; }\n" +
				"if grep -qxF -- \"$*\" " + fails + "; then printf -- '--- FAIL: %s (0.10s)\\n    --- FAIL: %s (0.00s)\\n        x_test.go:9: context deadline exceeded\\n\\n    Failing input written to testdata/fuzz/%s/0a\\nFAIL\\n' \"$name\" \"$name\" \"$name\"; exit 1; fi\n" +
				"if grep -qxF -- \"$*\" " + always + "; then race; fi\n" +
				"if grep -qxF -- \"$*\" " + once + " && ! grep -qxF -- \"$*\" " + raced + " 2>/dev/null; then echo \"$*\" >> " + raced + "; race; fi\n" +
				"echo PASS\n"
			if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("make", "-s", "-C", "..", "fuzz", "GO="+fakeGo, "FUZZTIME=7s").CombinedOutput()
			if (err != nil) != (len(tc.wantFailed) > 0) {
				t.Fatalf("make fuzz: err=%v, want failures %v\n%s", err, tc.wantFailed, out)
			}
			got, _ := os.ReadFile(calls)
			ran := strings.Split(strings.TrimSpace(string(got)), "\n")
			if want := len(targets) + len(tc.raceOnce) + len(tc.raceAlways); len(ran) != want {
				t.Fatalf("%d calls, want %d (every target once, a raced one twice)\n%s", len(ran), want, got)
			}
			for _, tg := range targets {
				times := 1
				if slices.Contains(tc.raceOnce, tg) || slices.Contains(tc.raceAlways, tg) {
					times = 2
				}
				n := 0
				for _, r := range ran {
					if r == call(tg) {
						n++
					}
				}
				if n != times {
					t.Errorf("%s ran %d times, want %d; calls:\n%s", tg, n, times, got)
				}
			}
			text := strings.TrimSpace(string(out))
			for _, tg := range append(append([]string(nil), tc.raceOnce...), tc.raceAlways...) {
				if !strings.Contains(text, "fuzz: run again after the deadline race:") || !strings.Contains(text, strings.Replace(tg, " ", ":", 1)) {
					t.Errorf("the re-run of %s is not reported:\n%s", tg, text)
				}
			}
			if len(tc.wantFailed) == 0 {
				if !strings.HasSuffix(text, "fuzz: all "+strconv.Itoa(len(targets))+" targets passed (7s each)") {
					t.Fatalf("no success summary at the end:\n%s", text)
				}
				return
			}
			summary := text[strings.LastIndex(text, "fuzz: "):]
			if !strings.HasPrefix(summary, "fuzz: "+strconv.Itoa(len(tc.wantFailed))+" of "+strconv.Itoa(len(targets))+" targets failed:") {
				t.Fatalf("summary %q", summary)
			}
			for _, f := range tc.wantFailed {
				if !strings.Contains(summary, "  "+strings.Replace(f, " ", ":", 1)) {
					t.Errorf("summary does not list %s:\n%s", f, summary)
				}
			}
		})
	}
}
