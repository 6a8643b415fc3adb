package engine

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// releasingSource is a ReleasingSource that forgets its directory when
// released, as the CLI's does.
type releasingSource struct {
	dir      *directory.Directory
	released int
}

func (s *releasingSource) Digest() string { return "" }
func (s *releasingSource) Directory() (*directory.Directory, error) {
	if s.dir == nil {
		return nil, fmt.Errorf("directory released")
	}
	return s.dir, nil
}
func (s *releasingSource) Release() { s.dir = nil; s.released++ }

// freeingObserver counts, when the cycle is done but not yet committed,
// the source users the collector has freed.
type freeingObserver struct {
	freed      *atomic.Int64
	want       int64
	freedAtEnd int64
}

func (o *freeingObserver) Exported(context.Context, Event) {}
func (o *freeingObserver) CycleDone(context.Context, *Summary) {
	// Finalizers run on their own goroutine after a collection.
	for deadline := time.Now().Add(10 * time.Second); o.freed.Load() < o.want && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	o.freedAtEnd = o.freed.Load()
}

// watchedSource is a directory of n users, each with a finalizer that
// counts it freed; only the source refers to the directory.
func watchedSource(t *testing.T, n int, freed *atomic.Int64) *releasingSource {
	users := make([]*directory.User, n)
	for i := range users {
		u := &directory.User{ObjectID: fmt.Sprintf("u-%03d", i), UserPrincipalName: fmt.Sprintf("user%03d@contoso.com", i),
			DisplayName: fmt.Sprintf("User %03d", i), AccountEnabled: true}
		runtime.SetFinalizer(u, func(*directory.User) { freed.Add(1) })
		users[i] = u
	}
	dir, err := directory.New(directory.App{Scope: directory.ScopeAll}, users, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &releasingSource{dir: dir}
}

// A cycle lets go of the directory once it planned and of each user once
// exported: at a million users the source attributes are not held to the
// commit (issue 16).
func TestCycleFreesSourceUsersBeforeCommit_Issue16(t *testing.T) {
	const n = 12
	env := newEnv(t, nil)
	var freed atomic.Int64
	src := watchedSource(t, n, &freed)
	obs := &freeingObserver{freed: &freed, want: n}
	eng := env.engine(mapping.Gtmhub(), func(o *Options) { o.Observer = obs })
	s, err := eng.CycleSource(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.Created != n || s.Counts.Failed != 0 {
		t.Fatalf("counts = %+v, want %d created", s.Counts, n)
	}
	if src.released != 1 {
		t.Errorf("Release called %d times, want once", src.released)
	}
	if obs.freedAtEnd != n {
		t.Errorf("%d of %d source users freed before the commit, want all", obs.freedAtEnd, n)
	}
}

// scopeAllEvictable is evictableDirectory's directory with every object in
// scope ("sync all"), loaded evictable.
func scopeAllEvictable(t *testing.T) *directory.Directory {
	s := string(fixtures.GenerateRealisticDirectory(11000, 40, 3))
	i, j := strings.Index(s, "\napp:\n"), strings.Index(s, "\nusers:\n")
	return loadEvictable(t, s[:i]+"\napp:\n  scope: all\n"+s[j:], true)
}

// A cycle over an evictable directory lets go of the directory's groups
// once their members are written, before its commit: at a million users
// what the cycle holds to the commit is its memory peak (issue 16).
func TestCycleFreesGroupsBeforeCommit_Issue16(t *testing.T) {
	d := scopeAllEvictable(t)
	var freed atomic.Int64
	want := int64(0)
	for _, g := range d.Groups {
		if g.Deleted == directory.NotDeleted {
			want++
			runtime.SetFinalizer(g, func(*directory.Group) { freed.Add(1) })
		}
	}
	if want < 30 {
		t.Fatalf("%d groups to export", want)
	}
	src := &releasingSource{dir: d}
	d = nil // only the source holds the directory
	env := newEnv(t, nil)
	obs := &freeingObserver{freed: &freed, want: want}
	eng := env.engine(mapping.Gtmhub(), func(o *Options) { o.Observer = obs })
	s, err := eng.CycleSource(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.Failed != 0 || s.Counts.Created < 10000 {
		t.Fatalf("counts = %+v", s.Counts)
	}
	if obs.freedAtEnd != want {
		t.Errorf("%d of %d groups freed before the commit, want all", obs.freedAtEnd, want)
	}
}

// executedRun runs an initial cycle of scopeAllEvictable's directory as
// CycleSource does, up to its finish: planned, its source released, its
// phases executed. Its spill file goes with the test.
func executedRun(t *testing.T, eng *Engine) *run {
	t.Helper()
	ctx := context.Background()
	job, ledger, err := eng.loadJob(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src := &releasingSource{dir: scopeAllEvictable(t)}
	r, err := eng.newRunFor(ctx, job, ledger, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.closeSpill)
	r.ledger = ledger
	if err := job.Status.CycleStarted(r.now); err != nil {
		t.Fatal(err)
	}
	if err := r.plan(ctx); err != nil {
		t.Fatal(err)
	}
	r.releaseSource(src)
	if err := r.startSpill(); err != nil {
		t.Fatal(err)
	}
	if err := r.execute(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// Once the reference phases ran, no item holds the mapping's references
// or, unless a deprovisioning phase acts on it, its source group.
func TestItemsDropWhatLaterPhasesDoNotRead_Issue16(t *testing.T) {
	env := newEnv(t, nil)
	r := executedRun(t, env.engine(mapping.Gtmhub(), nil))
	managers := 0
	for _, it := range r.users {
		if it.obj.Manager != "" {
			managers++
		}
		if it.refs != nil {
			t.Fatalf("user %s holds its references %v after the manager phase", it.key().SourceID, it.refs)
		}
	}
	groups := 0
	for _, it := range r.groups {
		if it.op == opExport {
			groups++
			if it.group != nil {
				t.Fatalf("group %s holds its source group after the members phase", it.key().SourceID)
			}
		}
	}
	if managers < 1000 || groups < 30 {
		t.Fatalf("%d managers set, %d groups exported: the phases had little to do", managers, groups)
	}
}

// By the time the commit writes a cycle's records, the cycle's state
// entries are written and collected: at a million users they were held
// to the end of the commit, its memory peak (issue 16). The entries are
// all in the file afterwards.
func TestCycleFreesStateObjectsBeforeRecords_Issue16(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	r := executedRun(t, env.engine(mapping.Gtmhub(), func(o *Options) { o.KeepRecords = false })) // records streamed
	var objs []weak.Pointer[state.Object]
	written := 0
	for _, items := range [][]*item{r.users, r.groups} {
		for _, it := range items {
			objs = append(objs, weak.Make(it.obj))
			if it.persist == persistUpsert {
				written++
			}
		}
	}
	live := -1
	recordsStreaming = func() {
		for range 3 { // a weak pointer clears in the collection that frees its object
			runtime.GC()
		}
		live = 0
		for _, w := range objs {
			if w.Value() != nil {
				live++
			}
		}
	}
	defer func() { recordsStreaming = nil }()
	s, err := r.finish(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.Failed != 0 || s.Counts.Created < 10000 {
		t.Fatalf("counts = %+v", s.Counts)
	}
	if live != 0 {
		t.Fatalf("%d of %d state entries still live as the records were written, want none", live, len(objs))
	}
	stored, err := env.store.Objects(ctx)
	if err != nil || len(stored) != written || written < 10000 {
		t.Fatalf("%d state entries stored (%v), want %d", len(stored), err, written)
	}
}
