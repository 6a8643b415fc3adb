package directory_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// loadEvictable loads a generated directory through a chunk cache and
// gives it the store that now holds its chunks.
func loadEvictable(t *testing.T, users, groups int) (*directory.Directory, memChunks) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dir.yaml")
	if err := os.WriteFile(path, fixtures.GenerateDirectory(users, groups), 0o644); err != nil {
		t.Fatal(err)
	}
	store := memChunks{}
	cache := directory.NewChunkCache(nil)
	d, err := directory.LoadChunkedCached(path, 256, cache)
	if err != nil {
		t.Fatal(err)
	}
	store.save(cache.Chunks())
	if !cache.EnableEviction(d, store) {
		t.Fatal("eviction not enabled")
	}
	return d, store
}

// Users evicted chunk by chunk load again as they were, from any number of
// goroutines (issue 16: a cycle drops planned users and exports them
// later).
func TestEvictedUsersLoadAgain(t *testing.T) {
	d, _ := loadEvictable(t, 3000, 40)
	chunks := directory.UserChunks(d)
	if len(chunks) < 3 || chunks[0][0] != 0 || chunks[len(chunks)-1][1] != len(d.Users) {
		t.Fatalf("user chunks %v for %d users", chunks, len(d.Users))
	}
	want := make([]directory.User, len(d.Users))
	for i, u := range d.Users {
		want[i] = *u
	}
	for _, c := range chunks {
		clear(d.Users[c[0]:c[1]])
	}
	for i, u := range d.Users {
		if u != nil {
			t.Fatalf("user %d not evicted", i)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(want); i += 4 {
				u, err := d.LoadUser(i)
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(*u, want[i]) {
					t.Errorf("user %d loaded as %+v, want %+v", i, *u, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Without a store, or with one that lost a chunk, nothing is evictable or
// the loss is an error naming the users, never a wrong user.
func TestEvictionNeedsTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir.yaml")
	if err := os.WriteFile(path, fixtures.GenerateDirectory(1000, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, err := directory.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cache := directory.NewChunkCache(nil)
	if cache.EnableEviction(plain, memChunks{}) || directory.UserChunks(plain) != nil {
		t.Errorf("a directory the cache did not load offers chunks %v", directory.UserChunks(plain))
	}
	whole, err := directory.LoadCached(path, cache) // small: parsed whole
	if err != nil {
		t.Fatal(err)
	}
	if cache.EnableEviction(whole, memChunks{}) || directory.UserChunks(whole) != nil {
		t.Errorf("a directory parsed whole offers chunks %v", directory.UserChunks(whole))
	}

	d, store := loadEvictable(t, 1000, 10)
	c := directory.UserChunks(d)[1]
	clear(d.Users[c[0]:c[1]])
	clear(store)
	if _, err := d.LoadUser(c[0]); err == nil || !strings.Contains(err.Error(), "not in the store") {
		t.Errorf("LoadUser of a lost chunk: %v", err)
	}
	if u, err := d.LoadUser(0); err != nil || u == nil {
		t.Errorf("a user not evicted: %v, %v", u, err)
	}
}

// EachUser hands over every user in order, decoding the evicted ones from
// the store, and stops at the first error, its caller's or the store's
// (issue 16: planning reads the users again after the state's objects).
func TestEachUserDecodesEvictedUsersInOrder(t *testing.T) {
	d, store := loadEvictable(t, 3000, 40)
	want := make([]directory.User, len(d.Users))
	for i, u := range d.Users {
		want[i] = *u
	}
	d.EvictAllUsers()
	for i, u := range d.Users {
		if u != nil {
			t.Fatalf("user %d not evicted", i)
		}
	}
	next := 0
	err := d.EachUser(func(i int, u *directory.User) error {
		if i != next {
			t.Fatalf("user %d handed over after %d", i, next-1)
		}
		next++
		if !reflect.DeepEqual(*u, want[i]) {
			t.Fatalf("user %d decoded as %+v, want %+v", i, *u, want[i])
		}
		return nil
	})
	if err != nil || next != len(want) {
		t.Fatalf("EachUser: %v after %d of %d users", err, next, len(want))
	}
	if d.Users[0] != nil {
		t.Error("EachUser put a decoded user back into Users")
	}

	stop := errors.New("stop")
	seen := 0
	if err := d.EachUser(func(i int, _ *directory.User) error {
		seen++
		if i == 700 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) || seen != 701 {
		t.Errorf("EachUser after the caller's error at user 700: %v, %d users seen", err, seen)
	}

	lost := directory.UserChunks(d)[2]
	delete(store, directory.UserChunkSum(d, 2))
	seen = 0
	err = d.EachUser(func(int, *directory.User) error { seen++; return nil })
	if err == nil || !strings.Contains(err.Error(), "not in the store") || seen != lost[0] {
		t.Errorf("EachUser with chunk %v lost: %v after %d users", lost, err, seen)
	}
}
