package engine

import (
	"strings"
	"sync"
)

// strArena keeps strings that live for the cycle (target ids,
// watermarks, display names) side by side in large blocks. Decoded one by one from the
// server's answers, each sat alone among the answer's garbage and kept a
// span of the heap in use (issue 16). Safe for concurrent use.
type strArena struct {
	mu sync.Mutex
	b  strings.Builder
}

// arenaBlock is the size of a block; longer strings are copied alone.
const arenaBlock = 16 << 10

// keep returns a copy of s in the arena.
func (a *strArena) keep(s string) string {
	if s == "" || len(s) > arenaBlock/16 {
		return strings.Clone(s)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.b.Cap()-a.b.Len() < len(s) {
		// A new block: strings already handed out keep the old one.
		a.b = strings.Builder{}
		a.b.Grow(arenaBlock)
	}
	start := a.b.Len()
	a.b.WriteString(s)
	return a.b.String()[start:]
}
