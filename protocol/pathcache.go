package protocol

import (
	"sync"

	filter "github.com/scim2/filter-parser/v2"
)

// maxCachedPaths bounds the path cache; Entra sends a handful of distinct
// paths, so the bound only matters against a client inventing new ones.
const maxCachedPaths = 1024

var pathCache struct {
	mu    sync.RWMutex
	paths map[string]filter.Path
}

// ParsePathCached is ParsePath with a cache of the paths parsed so far:
// Entra sends the same few PATCH paths (the enterprise manager URN,
// members, active…) on every request, and the grammar's parser costs more
// CPU and allocations than the rest of a PATCH. The result is shared
// between callers and must not be modified; errors are not cached.
func ParsePathCached(s string) (filter.Path, error) {
	pathCache.mu.RLock()
	p, ok := pathCache.paths[s]
	pathCache.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := ParsePath(s)
	if err != nil {
		return p, err
	}
	pathCache.mu.Lock()
	if pathCache.paths == nil || len(pathCache.paths) >= maxCachedPaths {
		pathCache.paths = make(map[string]filter.Path) // start over: cheap, and bounds memory
	}
	pathCache.paths[s] = p
	pathCache.mu.Unlock()
	return p, nil
}
