package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// TestSpilledRecordsAreTheSame_Issue16: cycles whose records wait in a
// spill file (SpillRecordsAbove forced below every cycle, records not kept
// in the summary, so the commit streams them) write the same records and
// state as cycles holding every record in memory: creates with managers
// and members, create and reference failures, skips, disables and
// deletes, and an interrupted cycle. The spill file was used and is gone
// afterwards.
func TestSpilledRecordsAreTheSame_Issue16(t *testing.T) {
	small := smallYAML(t)
	unassigned := edit(t, edit(t, small, "users: [u01, u09]", "users: [u01]"), "groups: [g-sales, g-eng]", "groups: [g-sales]")
	for _, tc := range []struct {
		name   string
		faults string
		dirs   []string // one cycle each
		// interruptAfter interrupts the last cycle once that many objects
		// are done (0: never).
		interruptAfter int
	}{
		{name: "creates with managers and members", dirs: []string{small}},
		{name: "create and reference failures", dirs: []string{small},
			faults: `{"name":"group-409","method":"POST","path":"^/Groups$","status":409,"times":1},` +
				`{"name":"manager-400","method":"PATCH","path":"^/Users/","status":400,"times":2},` +
				`{"name":"members-400","method":"PATCH","path":"^/Groups/","status":400,"times":1}`},
		{name: "skips, disables and deletes", dirs: []string{small, unassigned}},
		{name: "interrupted", dirs: []string{small}, interruptAfter: 4},
		{name: "interrupted, then resumed", dirs: []string{small, small}, interruptAfter: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inMemory, _ := spillRun(t, tc.faults, tc.dirs, tc.interruptAfter, false)
			spilled, spillBytes := spillRun(t, tc.faults, tc.dirs, tc.interruptAfter, true)
			if spillBytes == 0 {
				t.Fatal("no record went to the spill file")
			}
			if spilled != inMemory {
				t.Fatalf("spilled cycles wrote other records or state:\n%s", lineDiff(inMemory, spilled))
			}
		})
	}
}

// A group's members are added (ENTRA-FLOW-16) a window of batches at a
// time, its record spilled after each window (issue 16): with batches of
// 2 members, groups of hundreds of members take several windows, one
// with a failed batch, and the records and state are those of cycles
// that keep every record in memory.
func TestMembersWindowsSpillTheSameRecords_ENTRA_FLOW_16_Issue16(t *testing.T) {
	dir := string(fixtures.GenerateRealisticDirectoryScopeAll(1500, 12, 5))
	batch := func(o *scim.Options) { o.BatchSize = 2 }
	const faults = `{"name":"members-400","method":"PATCH","path":"^/Groups/","status":400,"times":1,"probability":0.004}`
	inMemory, _ := spillRunWith(t, batch, faults, []string{dir}, 0, false)
	spilled, spillBytes := spillRunWith(t, batch, faults, []string{dir}, 0, true)
	if spillBytes == 0 {
		t.Fatal("no record went to the spill file")
	}
	if spilled != inMemory {
		t.Fatalf("spilled cycles wrote other records or state:\n%s", lineDiff(inMemory, spilled))
	}
	// Each group's record adds the members its state entry holds.
	added, held := map[string]int{}, map[string]int{}
	for _, line := range strings.Split(spilled, "\n") {
		var v struct {
			SourceIdentity     struct{ ID, IdentityType string }
			ModifiedProperties []struct{ DisplayName string }
			Kind, SourceID     string
			Members            []string
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		switch {
		case v.SourceIdentity.IdentityType == "Group":
			for _, m := range v.ModifiedProperties {
				if m.DisplayName == "members" {
					added[v.SourceIdentity.ID]++
				}
			}
		case v.Kind == string(state.KindGroup):
			held[v.SourceID] = len(v.Members)
		}
	}
	most := 0
	for id, n := range held {
		if added[id] != n {
			t.Errorf("group %s: its record adds %d members, its state entry holds %d", id, added[id], n)
		}
		most = max(most, n)
	}
	if most < 2*membersWindow*2+1 {
		t.Fatalf("the largest group has %d members: none took three windows of %d", most, membersWindow*2)
	}
	if !strings.Contains(spilled, `"status":"failure"`) {
		t.Fatal("no member batch failed")
	}
}

// spillRun runs the cycles on a fresh server and state, one object at a
// time, and returns the stored records and objects as normalised JSON
// lines, and how many bytes the spill files held.
func spillRun(t *testing.T, faults string, dirs []string, interruptAfter int, spill bool) (string, int64) {
	t.Helper()
	return spillRunWith(t, nil, faults, dirs, interruptAfter, spill)
}

// spillRunWith is spillRun with the SCIM client's options adjusted.
func spillRunWith(t *testing.T, adjust func(*scim.Options), faults string, dirs []string, interruptAfter int, spill bool) (string, int64) {
	t.Helper()
	env := newEnv(t, adjust)
	if faults != "" {
		env.setFaults(faults)
	}
	spillDir := t.TempDir()
	var mu sync.Mutex
	var spilled int64
	spillDone = func(sf *provlog.SpillFile) {
		mu.Lock()
		defer mu.Unlock()
		spilled += sf.Size()
	}
	defer func() { spillDone = nil }()
	for i, y := range dirs {
		interrupt := make(chan struct{})
		var once sync.Once
		eng := env.engine(nil, func(o *Options) {
			o.Concurrency = 1
			o.KeepRecords = !spill
			if spill {
				o.SpillRecordsAbove, o.SpillDir = -1, spillDir
			}
			if interruptAfter > 0 && i == 0 {
				o.Interrupt = interrupt
				o.Progress = func(done, _ int) {
					if done >= interruptAfter {
						once.Do(func() { close(interrupt) })
					}
				}
			}
		})
		s := env.cycle(eng, parseDir(t, y))
		if interruptAfter > 0 && i == 0 && !s.Interrupted {
			t.Fatalf("cycle %d was not interrupted", i+1)
		}
		if spill && len(s.Records) != 0 {
			t.Fatalf("cycle %d: the summary holds %d records, none asked for", i+1, len(s.Records))
		}
		if !spill && len(s.Records) != s.Logged {
			t.Fatalf("cycle %d: the summary holds %d records, %d logged", i+1, len(s.Records), s.Logged)
		}
	}
	if left, err := os.ReadDir(spillDir); err != nil || len(left) != 0 {
		t.Fatalf("spill folder after the cycles: %v (%v)", left, err)
	}
	return storedJSON(t, env.store), spilled
}

// storedJSON is every stored record, then every object, one JSON line
// each, normalised: durations (wall time) are 0, and the GUIDs and times
// each run draws anew (record, change and cycle ids, target ids, the
// clock) are numbered in order of appearance.
func storedJSON(t *testing.T, st *state.Store) string {
	t.Helper()
	ctx := context.Background()
	recs, err := st.Records(ctx, state.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("no record stored")
	}
	var lines []string
	for _, r := range recs {
		r.DurationInMilliseconds = 0
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	objs, err := st.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]state.Key, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b state.Key) int { return strings.Compare(string(a.Kind)+a.SourceID, string(b.Kind)+b.SourceID) })
	for _, k := range keys {
		o := objs[k]
		if err := o.Decode(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return renumber(strings.Join(lines, "\n"))
}

// drawn matches the values a run draws anew: GUIDs, 32-digit hex ids and
// RFC 3339 times.
var drawn = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b|\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)`)

// renumber replaces each drawn value by its order of first appearance.
func renumber(s string) string {
	seen := map[string]string{}
	return drawn.ReplaceAllStringFunc(s, func(v string) string {
		if n, ok := seen[v]; ok {
			return n
		}
		n := fmt.Sprintf("<%d>", len(seen))
		seen[v] = n
		return n
	})
}
