package engine

import (
	"sync"

	"github.com/quantive/entra-scim-harness/client/arena"
)

// strArena keeps strings that live for the cycle (target ids, watermarks,
// display names) in blocks (package arena). Safe for concurrent use: the
// export workers keep target ids.
type strArena struct {
	mu sync.Mutex
	s  arena.Strings
}

// keep returns a copy of s in the arena.
func (a *strArena) keep(s string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s.Keep(s)
}

// reset lets go of the arena's current block; the strings already kept
// stay valid and hold their blocks for as long as they are used.
func (a *strArena) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.s = arena.Strings{}
}
