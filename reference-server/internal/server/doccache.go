package server

import (
	"encoding/json"
	"sync"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
)

// docCache keeps stored documents decoded, keyed by account, id and
// version, because decoding JSON into a map is the largest single cost of
// a filter request. Entries are never modified: readers copy the top level
// before adding id and meta. When full, the cache starts over, which is
// cheap and bounds memory.
type docCache struct {
	mu      sync.RWMutex
	max     int
	entries map[docKey]resource.Resource
}

type docKey struct {
	account, id string
	version     int64
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, entries: make(map[docKey]resource.Resource)}
}

// decode returns a private top-level copy of the decoded document; nested
// values are shared and must not be modified (Project and Match never do;
// writers clone first).
func (c *docCache) decode(k docKey, doc json.RawMessage, what string) (resource.Resource, error) {
	c.mu.RLock()
	res, ok := c.entries[k]
	c.mu.RUnlock()
	if !ok {
		var err error
		res, err = decodeDoc(doc, what)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.entries) >= c.max {
			c.entries = make(map[docKey]resource.Resource)
		}
		c.entries[k] = res
		c.mu.Unlock()
	}
	out := make(resource.Resource, len(res)+3)
	for k, v := range res {
		out[k] = v
	}
	return out, nil
}
