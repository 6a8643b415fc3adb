package cli

// The unchanged-source shortcut of cycle and run (issue 16): an incremental
// cycle over a source unchanged since a cycle that left nothing pending
// reads neither the directory nor the state's objects, and is observably
// the full no-change cycle.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/state"
)

// guidRE matches the GUIDs (job, tenant, cycle ids) that differ between
// two state files of the same scenario.
var guidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?i:gtmhub)\.[0-9a-f]+`)

func normalize(s string) string {
	return strings.ReplaceAll(guidRE.ReplaceAllString(s, "<id>"), `,"sourceUnchanged":true`, "")
}

// dropUser removes user id from a usersDirectory file's text and
// assignments.
func dropUser(s, id string) string {
	s = strings.Replace(s, id+", ", "", 1)
	i := strings.Index(s, "  - objectId: "+id+"\n")
	j := strings.Index(s[i+1:], "  - objectId:")
	if j < 0 {
		return s[:i]
	}
	return s[:i] + s[i+1+j:]
}

// stateView reads what a cycle leaves in a state file: the job with its
// status, the cycle history, the provisioning-log records and the mark.
type stateView struct {
	Job     string
	Cycles  []state.Cycle
	Records int
	Mark    *state.SourceMark
}

func readState(t *testing.T, path string) stateView {
	t.Helper()
	ctx := context.Background()
	st, err := state.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, err := st.Job(ctx)
	if err != nil {
		t.Fatal(err)
	}
	jb, _ := json.Marshal(j)
	qb, _ := json.Marshal(j.Status)
	cycles, err := st.Cycles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := st.Records(ctx, state.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.SourceMark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return stateView{Job: string(jb) + string(qb), Cycles: cycles, Records: len(recs), Mark: m}
}

// fastCycles counts the cycles of the history that skipped the source.
func (v stateView) fastCycles() int {
	n := 0
	for _, c := range v.Cycles {
		if c.SourceUnchanged {
			n++
		}
	}
	return n
}

// jobEnv is a job against the in-process reference server: a directory
// file, a state file and the flags every cycle passes.
type jobEnv struct {
	t               *testing.T
	dir, state, tmp string
	args            []string
}

func newJobEnv(t *testing.T, users int) *jobEnv {
	t.Helper()
	srv := startRefServer(t)
	tmp := t.TempDir()
	return &jobEnv{t: t, tmp: tmp, dir: usersDirectory(t, tmp, users), state: filepath.Join(tmp, "state.db"),
		args: []string{"--tenant-url", srv.TenantURL(), "--token", srv.Token}}
}

// cycle runs `entrasim <cmd>` (cycle or run) with the job's flags and
// extra; it returns the exit code and stdout.
func (e *jobEnv) cycle(cmd string, extra ...string) (int, string) {
	e.t.Helper()
	args := append([]string{cmd, "--directory", e.dir, "--state", e.state}, e.args...)
	code, out, errOut := run(append(args, extra...)...)
	if code == ExitUsage {
		e.t.Fatalf("%s: usage error: %s", cmd, errOut)
	}
	return code, out
}

func (e *jobEnv) write(path, content string) {
	e.t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *jobEnv) edit(fn func(string) string) {
	e.t.Helper()
	b, err := os.ReadFile(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.write(e.dir, fn(string(b)))
}

// The shortcut is observably the full cycle: the same summary lines and
// exit codes, the same job (status, clock, counts, last cycle), the same
// cycle history (sourceUnchanged apart) and the same log records, over
// cycle and run, on the same scenario.
func TestUnchangedSourceCycleEqualsFullCycle_Issue16(t *testing.T) {
	type result struct {
		outs  []string
		state stateView
	}
	play := func(extra ...string) result {
		e := newJobEnv(t, 6)
		var r result
		steps := [][]string{{"cycle"}, {"cycle"}, {"cycle"}, {"run", "--cycles", "3"}, {"cycle", "--concurrency", "2"},
			{"cycle", "--concurrency", "2"}, {"drop u03"}, {"cycle"}, {"cycle"}, {"cycle"}}
		for _, s := range steps {
			if s[0] == "drop u03" {
				e.edit(func(s string) string { return dropUser(s, "u03") })
				continue
			}
			code, out := e.cycle(s[0], append(s[1:], extra...)...)
			r.outs = append(r.outs, normalize(out)+"exit "+string(rune('0'+code)))
		}
		r.state = readState(t, e.state)
		return r
	}
	fast, full := play(), play("--full-scan")
	if n := full.state.fastCycles(); n != 0 || full.state.Mark != nil {
		t.Fatalf("--full-scan: %d cycles took the shortcut, mark %+v", n, full.state.Mark)
	}
	// Cycles 2, 3, the 3 of run, the second with --concurrency 2, and the
	// two after the delete.
	if n := fast.state.fastCycles(); n != 8 {
		t.Fatalf("%d cycles took the shortcut, want 6: %+v", n, fast.state.Cycles)
	}
	for i := range fast.outs {
		if fast.outs[i] != full.outs[i] {
			t.Errorf("step %d:\nshortcut: %s\nfull:     %s", i, fast.outs[i], full.outs[i])
		}
	}
	if !strings.Contains(fast.outs[1], "(incremental): created 0, updated 0, disabled 0, deleted 0, skipped 0, failed 0; 0 requests") {
		t.Errorf("second cycle: %s", fast.outs[1])
	}
	if a, b := normalize(fast.state.Job), normalize(full.state.Job); a != b {
		t.Errorf("job:\nshortcut: %s\nfull:     %s", a, b)
	}
	if fast.state.Records != full.state.Records {
		t.Errorf("log records: shortcut %d, full %d", fast.state.Records, full.state.Records)
	}
	if len(fast.state.Cycles) != len(full.state.Cycles) {
		t.Fatalf("cycles: shortcut %d, full %d", len(fast.state.Cycles), len(full.state.Cycles))
	}
	for i := range fast.state.Cycles {
		a, b := fast.state.Cycles[i], full.state.Cycles[i]
		a.ID, b.ID, a.SourceUnchanged = "", "", false
		if a != b {
			t.Errorf("cycle %d:\nshortcut: %+v\nfull:     %+v", i, a, b)
		}
	}
}

// The shortcut is taken only when nothing that decides the plan changed
// and the last cycle left nothing pending.
func TestUnchangedSourceShortcutNotTaken_Issue16(t *testing.T) {
	mappingFile := func(e *jobEnv, content string) string {
		p := filepath.Join(e.tmp, "mapping.yaml")
		e.write(p, content)
		return p
	}
	cases := []struct {
		name string
		// setUp runs the cycles before the one checked; it returns that
		// cycle's extra flags.
		setUp func(e *jobEnv) []string
		// code is the checked cycle's exit code.
		code int
	}{
		{"directory changed by one byte", func(e *jobEnv) []string {
			e.cycle("cycle")
			e.edit(func(s string) string { return s + "\n" })
			return nil
		}, ExitOK},
		{"directory edited", func(e *jobEnv) []string {
			e.cycle("cycle")
			e.edit(func(s string) string { return strings.Replace(s, "surname: N01", "surname: M01", 1) })
			return nil
		}, ExitOK},
		{"mapping file changed", func(e *jobEnv) []string {
			m := mappingFile(e, "base: gtmhub\n")
			e.cycle("cycle", "--mapping", m)
			mappingFile(e, "base: gtmhub\n# edited\n")
			return []string{"--mapping", m}
		}, ExitOK},
		{"mapping file given", func(e *jobEnv) []string {
			e.cycle("cycle")
			return []string{"--mapping", mappingFile(e, "base: gtmhub\n")}
		}, ExitOK},
		{"concurrency changed", func(e *jobEnv) []string {
			e.cycle("cycle")
			return []string{"--concurrency", "3"}
		}, ExitOK},
		{"reference check turned off", func(e *jobEnv) []string {
			e.cycle("cycle")
			return []string{"--reference-check=false"}
		}, ExitOK},
		{"allow deletes", func(e *jobEnv) []string {
			e.cycle("cycle")
			return []string{"--allow-deletes"}
		}, ExitOK},
		{"full scan asked", func(e *jobEnv) []string {
			e.cycle("cycle")
			return []string{"--full-scan"}
		}, ExitOK},
		{"previous cycle failed (duplicate matching value)", func(e *jobEnv) []string {
			e.edit(func(s string) string {
				return strings.Replace(s, "userPrincipalName: user02@", "userPrincipalName: user01@", 1)
			})
			if code, out := e.cycle("cycle"); code != ExitFailure {
				e.t.Fatalf("set-up cycle did not fail: %d %s", code, out)
			}
			return nil
		}, ExitFailure},
		{"escrow left from an earlier failure", func(e *jobEnv) []string {
			e.edit(func(s string) string {
				return strings.Replace(s, "userPrincipalName: user02@", "userPrincipalName: user01@", 1)
			})
			e.cycle("cycle")
			e.cycle("cycle")
			return nil
		}, ExitFailure},
		{"restarted", func(e *jobEnv) []string {
			e.cycle("cycle")
			e.cycle("cycle")
			if code, _, errOut := run("restart", "--state", e.state); code != ExitOK {
				e.t.Fatalf("restart: %d %s", code, errOut)
			}
			return nil
		}, ExitOK},
		{"staged deletes", func(e *jobEnv) []string {
			m := mappingFile(e, "base: gtmhub\naccidentalDeletions: {enabled: true, threshold: 1}\n")
			e.cycle("cycle", "--mapping", m)
			e.cycle("cycle", "--mapping", m)
			e.edit(func(s string) string {
				s = strings.Replace(s, "u03, ", "", 1)
				return strings.Replace(s, "u04, ", "", 1)
			})
			if _, out := e.cycle("cycle", "--mapping", m); !strings.Contains(out, "staged deletes 2") {
				e.t.Fatalf("set-up cycle staged nothing: %s", out)
			}
			return []string{"--mapping", m}
		}, ExitFailure},
		{"quarantined", func(e *jobEnv) []string {
			e.cycle("cycle")
			e.cycle("cycle")
			good := e.args
			e.args = []string{e.args[0], e.args[1], "--token", "wrong"}
			e.edit(func(s string) string { return strings.Replace(s, "surname: N01", "surname: M01", 1) })
			if _, out := e.cycle("cycle"); !strings.Contains(out, "Job Quarantine") {
				e.t.Fatalf("set-up cycle did not quarantine: %s", out)
			}
			e.args = good
			return nil
		}, ExitFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newJobEnv(t, 6)
			extra := c.setUp(e)
			before := readState(t, e.state)
			code, out := e.cycle("cycle", extra...)
			after := readState(t, e.state)
			if code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, out)
			}
			if after.fastCycles() != before.fastCycles() {
				t.Fatalf("the shortcut was taken: %s", out)
			}
		})
	}
}

// Unchanged second and third cycles, and the cycles of run, take the
// shortcut; a change ends it until a cycle over the new source leaves
// nothing pending.
func TestUnchangedSourceShortcutTaken_Issue16(t *testing.T) {
	e := newJobEnv(t, 6)
	want := func(step string, fast int) {
		t.Helper()
		v := readState(t, e.state)
		if got := v.fastCycles(); got != fast {
			t.Fatalf("%s: %d cycles took the shortcut, want %d: %+v", step, got, fast, v.Cycles)
		}
	}
	e.cycle("run", "--cycles", "3")
	want("run --cycles 3 from a new state", 2)
	v := readState(t, e.state)
	if v.Mark == nil || v.Mark.Objects != 6 || v.Cycles[2].Objects != 6 {
		t.Fatalf("mark %+v, cycles %+v", v.Mark, v.Cycles)
	}
	e.cycle("cycle")
	want("second cycle", 3)
	e.edit(func(s string) string { return strings.Replace(s, "surname: N01", "surname: M01", 1) })
	if _, out := e.cycle("cycle"); !strings.Contains(out, "updated 1") {
		t.Fatalf("changed source: %s", out)
	}
	want("changed source", 3)
	e.cycle("cycle")
	want("unchanged again", 4)

	// A user gone from the source is deleted and forgotten: the next
	// cycle evaluates one object less, as the mark says.
	e.edit(func(s string) string { return dropUser(s, "u03") })
	e.cycle("cycle")
	e.cycle("cycle")
	want("after a delete", 5)
	v = readState(t, e.state)
	last := v.Cycles[len(v.Cycles)-1]
	if last.Objects != 5 || v.Mark == nil || v.Mark.Objects != 5 {
		t.Fatalf("objects after a delete: %+v, mark %+v", v.Cycles, v.Mark)
	}
}

// An interrupted cycle leaves no mark, nor does the initial cycle that
// resumes it; the incremental cycle after them leaves one, and the next
// takes the shortcut.
func TestUnchangedSourceAfterInterrupt_Issue16(t *testing.T) {
	_, g, c, stateFile, args := interruptedCycle(t, 10, 4)
	g.open(false)
	wait(t, c.done, "the interrupted cycle to end")
	if v := readState(t, stateFile); v.Mark != nil || v.fastCycles() != 0 {
		t.Fatalf("after the interrupted cycle: mark %+v, cycles %+v", v.Mark, v.Cycles)
	}
	for i, want := range []struct {
		kind string
		fast bool
		mark bool
	}{{"initial", false, false}, {"incremental", false, true}, {"incremental", true, true}} {
		if code, out, errOut := run(args...); code != ExitOK {
			t.Fatalf("cycle %d: exit %d\n%s%s", i, code, out, errOut)
		}
		v := readState(t, stateFile)
		last := v.Cycles[len(v.Cycles)-1]
		if last.Kind != want.kind || last.SourceUnchanged != want.fast || (v.Mark != nil) != want.mark {
			t.Fatalf("cycle %d: %+v, mark %+v; want %+v", i, last, v.Mark, want)
		}
	}
}
