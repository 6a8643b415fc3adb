package engine

import "fmt"

// A cycle whose source lets go of the directory (ReleasingSource) and
// whose directory can load users again (directory.ChunkCache.
// EnableEviction) evicts every user before it reads the state's objects,
// decodes them again in order to plan them (Directory.EachUser), lets go
// of each once planned, and loads a user back when a phase needs it (its
// export, its deprovision). At a million users the users then never
// sit in memory next to the state's objects or the whole plan, which
// made planning the cycle's memory peak (issue 16).

// planned notes that Users[i] was planned into it (nil: none): the item
// lets go of the user EachUser decoded for planning, and loadUser brings
// it back when a phase needs it.
func (r *run) planned(i int, it *item) {
	if r.evict && it != nil {
		it.userIdx, it.evicted, it.user = int32(i), true, nil
	}
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
