package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// memChunks is a directory.ChunkStore in memory.
type memChunks map[directory.ChunkSum][]byte

func (m memChunks) Chunk(sum directory.ChunkSum) ([]byte, error) { return m[sum], nil }

// evictableDirectory writes a directory above the size parsed in chunks
// (every 40th user assigned, so that a cycle exports a few hundred users
// spread over every chunk) and loads it as the CLI does; evict enables
// the eviction of its users.
func evictableDirectory(t *testing.T, evict bool) *directory.Directory {
	t.Helper()
	s := string(fixtures.GenerateRealisticDirectory(11000, 40, 3))
	i, j, k := strings.Index(s, "\napp:\n"), strings.Index(s, "\nusers:\n"), strings.Index(s, "\ngroups:\n")
	var ids []string
	for n, l := range strings.Split(s[j:k], "\n") {
		if id, ok := strings.CutPrefix(l, "  - objectId: "); ok && n%40 == 1 {
			ids = append(ids, id)
		}
	}
	s = s[:i] + "\napp:\n  scope: assigned\n  assignments:\n    users: [" + strings.Join(ids, ", ") + "]" + s[j:]
	return loadEvictable(t, s, evict)
}

// loadEvictable loads a directory file's text through a chunk cache, as
// the CLI does; evict enables the eviction of its users.
func loadEvictable(t *testing.T, s string, evict bool) *directory.Directory {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := directory.NewChunkCache(nil)
	d, err := directory.LoadCached(path, cache)
	if err != nil {
		t.Fatal(err)
	}
	if evict {
		store := memChunks{}
		for sum, body := range cache.Chunks() {
			store[sum] = body
		}
		if !cache.EnableEviction(d, store) {
			t.Fatal("eviction not enabled")
		}
	}
	return d
}

// recordLine is what of a record two runs against two servers share.
func recordLine(r provlog.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s:", r.SourceIdentity.ID, r.SourceIdentity.DisplayName, r.ProvisioningAction, r.ProvisioningStatusInfo.Status)
	for _, p := range r.ModifiedProperties {
		if p.DisplayName != "manager" && p.NewValue != nil { // a manager is a target id, the server's
			fmt.Fprintf(&b, " %s=%s", p.DisplayName, *p.NewValue)
		}
	}
	for _, s := range r.ProvisioningSteps {
		fmt.Fprintf(&b, " [%s %s]", s.Name, s.Status)
	}
	return b.String()
}

// A cycle that evicts its users, decodes them again to plan them and again
// to export them sends and logs what a cycle that holds them all does
// (issue 16).
func TestEvictingCycleIsTheSame_Issue16(t *testing.T) {
	run := func(evict bool) *Summary {
		env := newEnv(t, nil)
		d := evictableDirectory(t, evict)
		s, _ := cycleOver(t, env.engine(mapping.Gtmhub(), nil), d, evict)
		if evict && d.Users[0] != nil && d.Users[len(d.Users)-1] != nil {
			t.Error("the cycle evicted no user")
		}
		return s
	}
	held, evicted := run(false), run(true)
	if held.Counts != evicted.Counts || held.Counts.Created < 200 || held.Counts.Failed != 0 {
		t.Fatalf("counts: held %+v, evicted %+v", held.Counts, evicted.Counts)
	}
	sameRecords(t, held, evicted)
}

// cycleOver runs a cycle over d: through a source that releases it (as
// the CLI's does) when evict, which it returns, else over d held.
func cycleOver(t *testing.T, eng *Engine, d *directory.Directory, evict bool) (*Summary, *releasingSource) {
	t.Helper()
	var s *Summary
	var err error
	var src *releasingSource
	if evict {
		src = &releasingSource{dir: d}
		s, err = eng.CycleSource(context.Background(), src)
	} else {
		s, err = eng.Cycle(context.Background(), d)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s, src
}

// sameRecords fails at the first record the evicting cycle logged
// otherwise than the one holding its users.
func sameRecords(t *testing.T, held, evicted *Summary) {
	t.Helper()
	if len(held.Records) != len(evicted.Records) {
		t.Fatalf("%d records held, %d evicted", len(held.Records), len(evicted.Records))
	}
	for i := range held.Records {
		if h, e := recordLine(held.Records[i]), recordLine(evicted.Records[i]); h != e {
			t.Fatalf("record %d:\nheld:    %s\nevicted: %s", i, h, e)
		}
	}
}

// An incremental cycle that evicts every user before it reads the state's
// objects, and decodes them again to plan them, does what one that holds
// them all does (issue 16: at a million users the directory and the
// objects no longer sit in memory together).
func TestEvictingIncrementalCycleIsTheSame_Issue16(t *testing.T) {
	first := string(fixtures.GenerateRealisticDirectory(11000, 40, 3))
	// Every 50th user gets a new job title: changes in every chunk.
	lines := strings.Split(first, "\n")
	n := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "    jobTitle: ") {
			if n%50 == 0 {
				lines[i] = fmt.Sprintf("    jobTitle: Changed %d", n)
			}
			n++
		}
	}
	second := strings.Join(lines, "\n")
	run := func(evict bool) *Summary {
		eng := newEnv(t, nil).engine(mapping.Gtmhub(), nil)
		var s *Summary
		for _, text := range []string{first, second} {
			var src *releasingSource
			s, src = cycleOver(t, eng, loadEvictable(t, text, evict), evict)
			if evict && src.released != 1 {
				t.Errorf("the cycle released its source %d times, want once", src.released)
			}
		}
		return s // the incremental cycle's
	}
	held, evicted := run(false), run(true)
	if held.Kind != KindIncremental || held.Counts != evicted.Counts || held.Counts.Updated < 100 || held.Counts.Failed != 0 {
		t.Fatalf("%s cycle counts: held %+v, evicted %+v", held.Kind, held.Counts, evicted.Counts)
	}
	sameRecords(t, held, evicted)
}

// By the time a cycle holds the state's objects it holds no user of an
// evictable directory, and the source has let go of it (issue 16).
func TestUsersAreEvictedBeforeObjectsAreRead_Issue16(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(mapping.Gtmhub(), nil)
	if _, err := eng.Cycle(context.Background(), evictableDirectory(t, false)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	job, ledger, err := eng.loadJob(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := evictableDirectory(t, true)
	src := &releasingSource{dir: d}
	r, err := eng.newRunFor(ctx, job, ledger, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.objs) < 200 || !r.evict || src.released != 1 {
		t.Fatalf("run with %d objects, evict %v, source released %d times", len(r.objs), r.evict, src.released)
	}
	for i, u := range d.Users {
		if u != nil {
			t.Fatalf("user %d of %d is held next to the objects", i, len(d.Users))
		}
	}
}
