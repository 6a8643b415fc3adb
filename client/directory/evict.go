package directory

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// A directory loaded through a chunk cache knows which chunk of the file
// each user came from, so that a cycle can let go of its users and decode
// them again from the store when it plans and exports them: at a million
// users the users are a large share of memory, which a cycle would hold
// alongside the state's objects and the whole plan (issue 16). The store
// must hold every chunk of the file (ChunkCache.EnableEviction).

// userChunk is one chunk of the users list: d.Users[start:end], its cache
// key and the line shift its decoding needs.
type userChunk struct {
	start, end int
	// items is how many list items the chunk has: a chunk with an item
	// that did not become a user cannot be decoded into its range.
	items int
	sum   ChunkSum
	shift int
}

// evictable is the state of eviction: the chunk table, the store, and the
// chunks decoded again, most recent first.
type evictable struct {
	chunks []userChunk
	store  ChunkStore
	mu     sync.Mutex
	recent []reloaded
}

type reloaded struct {
	chunk int
	users []*User
}

// reloadedKept is how many decoded chunks LoadUser keeps: a cycle's
// workers export neighbouring users, so a few chunks serve them all.
const reloadedKept = 8

// userChunk records the users chunk absorbed from pc as Users[start:].
func (b *builder) userChunk(pc *piece, start int) {
	if pc.key != "users" || !pc.summed {
		return
	}
	b.userChunks = append(b.userChunks, userChunk{start: start, end: len(b.d.Users), items: pc.items, sum: pc.sum, shift: pc.shift})
}

// EnableEviction makes the users of d, the directory this cache's last
// load made, evictable: store must serve every chunk of that file (what
// Chunks gave, once kept). It reports false, and changes nothing, for
// another directory or one with users outside the file's chunks.
func (c *ChunkCache) EnableEviction(d *Directory, store ChunkStore) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d == nil || c.loaded != d || store == nil {
		return false
	}
	next := 0
	for _, uc := range c.userChunks {
		if uc.start != next || uc.end-uc.start != uc.items {
			return false
		}
		next = uc.end
	}
	if next != len(d.Users) || next == 0 {
		return false
	}
	d.evict = &evictable{chunks: c.userChunks, store: store}
	return true
}

// LoadUser returns Users[i], decoding its chunk from the store again when
// it was evicted. Safe for concurrent use once no EvictAllUsers runs.
func (d *Directory) LoadUser(i int) (*User, error) {
	l := Reloader{users: d.Users, ev: d.evict}
	return l.LoadUser(i)
}

// Reloader loads the users of a directory again (LoadUser) and holds
// nothing else of it: a cycle that planned the directory keeps only this,
// so that the groups and everything else it no longer reads are freed
// (issue 16).
type Reloader struct {
	users []*User
	ev    *evictable
}

// Reloader returns the directory's reloader. EvictAllUsers acts on what
// it loads; EachUser does not.
func (d *Directory) Reloader() *Reloader { return &Reloader{users: d.Users, ev: d.evict} }

// LoadUser is Directory.LoadUser.
func (l *Reloader) LoadUser(i int) (*User, error) {
	if u := l.users[i]; u != nil {
		return u, nil
	}
	ev := l.ev
	if ev == nil {
		return nil, fmt.Errorf("directory: user %d was evicted and cannot be loaded again", i)
	}
	ci := sort.Search(len(ev.chunks), func(c int) bool { return ev.chunks[c].end > i })
	if ci == len(ev.chunks) || ev.chunks[ci].start > i {
		return nil, fmt.Errorf("directory: user %d was evicted and cannot be loaded again", i)
	}
	c := ev.chunks[ci]
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, r := range ev.recent {
		if r.chunk == ci {
			return r.users[i-c.start], nil
		}
	}
	users, err := ev.decode(ci)
	if err != nil {
		return nil, err
	}
	if len(ev.recent) == reloadedKept {
		ev.recent = ev.recent[:reloadedKept-1]
	}
	ev.recent = append([]reloaded{{chunk: ci, users: users}}, ev.recent...)
	return users[i-c.start], nil
}

// decode decodes the users of chunk ci from the store.
func (ev *evictable) decode(ci int) ([]*User, error) {
	c := ev.chunks[ci]
	body, err := ev.store.Chunk(c.sum)
	if err == nil && body == nil {
		err = fmt.Errorf("not in the store")
	}
	if err != nil {
		return nil, fmt.Errorf("directory: users %d-%d: %w", c.start, c.end-1, err)
	}
	part, err := decodeChunk(body, "users", c.end-c.start, c.shift, map[string]string{})
	if err != nil || len(part.d.Users) != c.end-c.start {
		return nil, fmt.Errorf("directory: users %d-%d: the stored chunk does not decode (%v)", c.start, c.end-1, err)
	}
	part.packUsers()
	return part.d.Users, nil
}

// EvictAllUsers drops every user, which LoadUser brings back, and
// reports whether it did: only once eviction is enabled, whose chunks
// cover Users whole. A cycle that reads the state's objects after loading
// the directory evicts the users first, so that the two never sit in
// memory together (issue 16), and reads them again with EachUser. The
// Directory is then no longer immutable: only its owner may call it (a
// cycle whose source it is, engine.ReleasingSource).
func (d *Directory) EvictAllUsers() bool {
	if d.evict == nil {
		return false
	}
	clear(d.Users)
	return true
}

// decodeAhead is how many chunks EachUser decodes ahead of its caller.
const decodeAhead = 2

// EachUser calls fn with every user and its index in Users, in order,
// until fn returns an error, which it returns. A user evicted is decoded
// again from the store, on another goroutine a few chunks ahead of fn, and
// handed to fn without being put back into Users: fn decides what it
// keeps. Only the directory's owner may call it (see EvictAllUsers).
func (d *Directory) EachUser(fn func(i int, u *User) error) error {
	ev := d.evict
	if ev == nil {
		for i, u := range d.Users {
			if err := fn(i, u); err != nil {
				return err
			}
		}
		return nil
	}
	type decoded struct {
		users []*User
		err   error
	}
	out := make(chan decoded, decodeAhead)
	stop, done := make(chan struct{}), make(chan struct{})
	// The decoder has stopped when EachUser returns: it reads Users and
	// the store, which the caller may change next.
	defer func() { close(stop); <-done }()
	go func() {
		defer close(done)
		for ci, c := range ev.chunks {
			next := decoded{users: d.Users[c.start:c.end]}
			if slices.Contains(next.users, nil) {
				next.users, next.err = ev.decode(ci)
			}
			select {
			case out <- next:
			case <-stop:
				return
			}
			if next.err != nil {
				return
			}
		}
	}()
	for _, c := range ev.chunks {
		next := <-out
		if next.err != nil {
			return next.err
		}
		for j, u := range next.users {
			if err := fn(c.start+j, u); err != nil {
				return err
			}
		}
	}
	return nil
}
