package directory

import (
	"crypto/sha256"
	"sync"
)

// ChunkSum names a chunk of a directory file by its exact bytes (a
// SHA-256 of them and of chunkSumPrefix).
type ChunkSum [sha256.Size]byte

// chunkSumPrefix is hashed before a chunk's bytes. Change it whenever the
// parser decodes the same YAML differently or the encoding changes, so
// that entries written by another version are never found.
const chunkSumPrefix = "entrasim directory chunk v1\n"

func chunkSum(data []byte) ChunkSum {
	h := sha256.New()
	h.Write([]byte(chunkSumPrefix))
	h.Write(data)
	var s ChunkSum
	h.Sum(s[:0])
	return s
}

// ChunkStore holds the decoded chunks of an earlier load (issue 16: an
// incremental cycle re-parses only the chunks of the file that changed).
type ChunkStore interface {
	// Chunk returns what Chunks gave for sum after an earlier load; nil
	// when there is none. An error counts as a miss: the chunk is parsed.
	Chunk(sum ChunkSum) ([]byte, error)
}

// ChunkCache is one load's use of a ChunkStore (LoadCached): a chunk of
// the users or groups list whose bytes are in the store is decoded from
// it instead of parsed. Whatever the store holds, results and errors are
// a full parse's: only chunks that parsed with no problem are stored,
// validation always runs on the whole directory, and an entry that does
// not decode is parsed again.
type ChunkCache struct {
	store ChunkStore

	mu sync.Mutex
	// chunks is every chunk of the loaded file that can be cached, with
	// its encoding when it was parsed (to be stored), nil when it was
	// found in the store.
	chunks map[ChunkSum][]byte
	// streamed is false while the load did not take the chunked path to
	// its end; the file then has no cacheable chunks.
	streamed     bool
	hits, parsed int
	// loaded is the directory the last load made, and userChunks the
	// chunks its users came from (EnableEviction).
	loaded     *Directory
	userChunks []userChunk
	// sink, when set, takes the encodings of parsed chunks (SetSink).
	sink func(ChunkSum, []byte) error
}

// SetSink hands the encoding of each chunk parsed to sink as soon as it
// is made, under the cache's lock, instead of keeping it for Chunks, where
// it is then nil: a million users' encodings are a large share of memory,
// which a load held to its end (issue 16). An encoding the sink fails to
// take is kept.
func (c *ChunkCache) SetSink(sink func(ChunkSum, []byte) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sink = sink
}

// NewChunkCache returns a cache reading store (nil: none, every chunk is
// parsed and recorded).
func NewChunkCache(store ChunkStore) *ChunkCache {
	return &ChunkCache{store: store}
}

// Chunks returns every cacheable chunk of the file the last load read,
// with its encoding when the store does not have it yet (nil when it
// does). A store that keeps exactly these chunks serves the next load of
// the same file entirely. It is empty when the file was parsed whole.
func (c *ChunkCache) Chunks() map[ChunkSum][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.streamed {
		return map[ChunkSum][]byte{}
	}
	return c.chunks
}

// Stats returns how many chunks the last load decoded from the store and
// how many it parsed.
func (c *ChunkCache) Stats() (hits, parsed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.parsed
}

// reset starts a load.
func (c *ChunkCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chunks, c.streamed, c.hits, c.parsed = map[ChunkSum][]byte{}, false, 0, 0
	c.loaded, c.userChunks = nil, nil
}

// lookup returns the chunk pc decoded from the store, nil when the store
// has no usable entry. strings is the worker's intern table.
func (c *ChunkCache) lookup(sum ChunkSum, pc *piece, strings map[string]string) *builder {
	if c.store == nil {
		return nil
	}
	body, err := c.store.Chunk(sum)
	if err != nil || body == nil {
		return nil
	}
	part, err := decodeChunk(body, pc.key, pc.items, pc.shift, strings)
	if err != nil {
		return nil // parsed again, and stored anew
	}
	c.mu.Lock()
	c.chunks[sum] = nil
	c.hits++
	c.mu.Unlock()
	return part
}

// record keeps a parsed chunk's encoding (nil: not cacheable), or hands
// it to the sink.
func (c *ChunkCache) record(sum ChunkSum, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parsed++
	if body == nil {
		return
	}
	if c.sink != nil && c.sink(sum, body) == nil {
		c.chunks[sum] = nil
		return
	}
	c.chunks[sum] = body
}
