package engine

import "fmt"

// A cycle whose source lets go of the directory (ReleasingSource) and
// whose directory can load users again (directory.ChunkCache.
// EnableEviction) evicts every user before it reads the state's objects,
// decodes them again in order to plan them (Directory.EachUser), lets go
// of each chunk once planned, and loads a user back when a phase needs it
// (its export, its deprovision). At a million users the users then never
// sit in memory next to the state's objects or the whole plan, which
// made planning the cycle's memory peak (issue 16).

// eviction is planning's progress through the directory's user chunks.
type eviction struct {
	r      *run
	chunks [][2]int
	items  []*item // the items of the current chunk's users
}

// newEviction returns the eviction of this cycle, nil when it evicts
// nothing.
func (r *run) newEviction() *eviction {
	if !r.evict {
		return nil
	}
	return &eviction{r: r, chunks: r.dir.UserChunks()}
}

// planned notes that Users[i] was planned (into it, nil for none) and
// evicts its chunk once it was the chunk's last.
func (ev *eviction) planned(i int, it *item) {
	if ev == nil {
		return
	}
	if it != nil {
		it.userIdx, it.evicted = int32(i), true
		ev.items = append(ev.items, it)
	}
	c := ev.chunks[0]
	if i+1 < c[1] {
		return
	}
	for _, it := range ev.items {
		it.user = nil
	}
	ev.items = ev.items[:0]
	ev.r.dir.EvictUsers(c[0], c[1])
	ev.chunks = ev.chunks[1:]
}

// loadUser brings back the item's user when planning evicted it.
func (r *run) loadUser(it *item) error {
	if it.user != nil || !it.evicted {
		return nil
	}
	u, err := r.reload.LoadUser(int(it.userIdx))
	if err != nil {
		return fmt.Errorf("cycle: user %s: %w", it.key().SourceID, err)
	}
	it.user = u
	return nil
}
