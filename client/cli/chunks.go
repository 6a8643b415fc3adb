package cli

import (
	"context"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/state"
)

// sourceChunks is the cache of decoded directory chunks that cycle and
// run keep in the state file (directory.ChunkCache, issue 16): a big YAML
// file is parsed only where it changed since the last load.
type sourceChunks struct {
	ctx context.Context
	// st is the job's state; nil until it is open. A load before that
	// (a new state file, --full-scan) parses everything and keeps its
	// chunks in pending, written once st is set.
	st *state.Store
	// read is false with --full-scan: every chunk is parsed, and the
	// cache only refreshed.
	read    bool
	pending map[directory.ChunkSum][]byte
	// spoolDir is where a load spools the encodings it makes (chunkSpool;
	// "" keeps them in memory), and spool the last load's spool.
	spoolDir string
	// spoolName is the state file's name, which a spool's name holds.
	spoolName string
	spool     *chunkSpool
	// cache and dir are the last load's, whose users may be evicted once
	// the state holds every chunk of the file (enableEviction).
	cache *directory.ChunkCache
	dir   *directory.Directory
}

// Chunk implements directory.ChunkStore.
func (c *sourceChunks) Chunk(sum directory.ChunkSum) ([]byte, error) {
	return c.st.SourceChunk(c.ctx, sum[:])
}

// load loads the directory at path through the cache, and stores what the
// next load will need once it succeeded.
func (c *sourceChunks) load(path string) (*directory.Directory, error) {
	var store directory.ChunkStore
	if c.st != nil && c.read {
		store = c
	}
	cache := directory.NewChunkCache(store)
	c.closeSpool()
	if c.spoolDir != "" {
		if sp, err := newChunkSpool(c.spoolDir, c.spoolName); err == nil {
			c.spool = sp
			cache.SetSink(sp.put)
		} // else: the encodings stay in memory
	}
	dir, err := directory.LoadCached(path, cache)
	if err != nil {
		c.closeSpool()
		return nil, err
	}
	c.pending = cache.Chunks()
	c.cache, c.dir = cache, dir
	c.flush()
	return dir, nil
}

// open sets the state the cache lives in, writing what a load before
// held.
func (c *sourceChunks) open(ctx context.Context, st *state.Store) {
	c.ctx, c.st = ctx, st
	c.flush()
}

// flush writes pending chunks when the state is open. A failed write is
// not the cycle's failure: the cache only saves time, the transaction
// leaves it as it was, and a load parses whatever it does not find.
func (c *sourceChunks) flush() {
	if c.st == nil || c.pending == nil {
		return
	}
	keep := make(map[string][]byte, len(c.pending))
	for sum, body := range c.pending {
		keep[string(sum[:])] = body
	}
	c.pending = nil
	var more func(put func(digest, body []byte) error) error
	if c.spool != nil {
		more = c.spool.each
	}
	if err := c.st.KeepSourceChunksFrom(c.ctx, keep, more); err == nil {
		c.enableEviction()
	}
	c.closeSpool()
	c.dir = nil // the source holds it; a failed write leaves it whole
}

// closeSpool removes the last load's spool.
func (c *sourceChunks) closeSpool() {
	if c.spool != nil {
		c.spool.close()
		c.spool = nil
	}
}

// enableEviction lets a cycle evict the loaded directory's users and
// decode them again from the state, which now holds every chunk of the
// file (engine.ReleasingSource, issue 16).
func (c *sourceChunks) enableEviction() {
	if c.dir != nil && c.cache != nil {
		c.cache.EnableEviction(c.dir, c)
	}
	c.cache = nil
}
