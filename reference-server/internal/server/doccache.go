package server

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// docCache keeps stored documents decoded, because decoding JSON into a map
// is the largest single cost of a filter request. It holds at most one
// entry per resource, its latest version seen: a newer version replaces
// the older one and DELETE forgets it, so memory follows the number of live
// resources rather than the number of writes (BenchmarkSoak). Entries are
// never modified: readers copy the top level before adding id and meta.
// When full, the cache starts over, which is cheap and bounds memory.
type docCache struct {
	mu      sync.RWMutex
	max     int
	entries map[docKey]docEntry
}

type docKey struct {
	account, id string
}

type docEntry struct {
	version int64
	res     resource.Resource
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, entries: make(map[docKey]docEntry)}
}

// decode returns a private top-level copy of the decoded document of the
// given version; nested values are shared and must not be modified
// (Project and Match never do; writers clone first).
func (c *docCache) decode(k docKey, version int64, doc json.RawMessage, what string) (resource.Resource, error) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if !ok || e.version != version {
		res, err := decodeDoc(doc, what)
		if err != nil {
			return nil, err
		}
		e = docEntry{version: version, res: res}
		c.mu.Lock()
		// An older reader must not put back a version a newer write replaced.
		if cur, ok := c.entries[k]; !ok || cur.version <= version {
			if !ok && len(c.entries) >= c.max {
				c.entries = make(map[docKey]docEntry)
			}
			c.entries[k] = e
		}
		c.mu.Unlock()
	}
	out := make(resource.Resource, len(e.res)+3)
	for k, v := range e.res {
		out[k] = v
	}
	return out, nil
}

// forget drops a resource's entry (DELETE).
func (c *docCache) forget(account, id string) {
	c.mu.Lock()
	delete(c.entries, docKey{account, id})
	c.mu.Unlock()
}

// writtenUser is a user document a request stored: the resource it was
// rendered from and the bytes.
type writtenUser struct {
	res resource.Resource
	doc []byte
}

// rememberWritten puts the user document a create just committed into the
// cache, so that the next read of it (Entra's manager check right after
// the create, ENTRA-FLOW-06) need not decode it. u is the user as
// read back in the committed transaction; the entry is the resource the
// document was rendered from, without the server's attributes, and only
// when decoding the document would give exactly that
// (resource.DecodesToItself).
func (c *call) rememberWritten(u *store.User) {
	w := c.written
	c.written = writtenUser{}
	if w.res == nil || !bytes.Equal(w.doc, u.Doc) {
		return
	}
	// The request is done with the resource: it becomes the entry.
	delete(w.res, "id")
	delete(w.res, "meta")
	delete(w.res, "groups")
	if !resource.DecodesToItself(map[string]any(w.res)) {
		return
	}
	c.s.docs.remember(docKey{c.acct.ID, u.ID}, u.Version, w.res)
}

// remember stores res as the decoded document of the given version, unless
// a newer version is there.
func (c *docCache) remember(k docKey, version int64, res resource.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.entries[k]
	if ok && cur.version > version {
		return
	}
	if !ok && len(c.entries) >= c.max {
		c.entries = make(map[docKey]docEntry)
	}
	c.entries[k] = docEntry{version: version, res: res}
}
