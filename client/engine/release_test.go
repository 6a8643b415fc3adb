package engine

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
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
