package directory

// ParseWhole parses data as one document, never in chunks.
func ParseWhole(name string, data []byte) (*Directory, error) { return parseWhole(name, data) }

// ParseChunked parses data in chunks of at most items list items (or
// about size bytes), whatever its size; streamed is false when it fell
// back to the whole-document parse.
func ParseChunked(name string, data []byte, items, size int) (d *Directory, err error, streamed bool) {
	return ParseChunkedWorkers(name, data, items, size, 0)
}

// ParseChunkedWorkers is ParseChunked with that many parse workers (0:
// GOMAXPROCS).
func ParseChunkedWorkers(name string, data []byte, items, size, workers int) (d *Directory, err error, streamed bool) {
	c := chunking{threshold: 0, items: items, bytes: size, workers: workers}
	if d, err, ok := parseStreamBytes(name, data, c); ok {
		return d, err, true
	}
	d, err = parseWhole(name, data)
	return d, err, false
}

// LoadChunked loads a file in chunks of at most items list items.
func LoadChunked(path string, items int) (*Directory, error) {
	return loadWith(path, chunking{threshold: 0, items: items, bytes: 1 << 20}, nil)
}

// LoadChunkedCached is LoadChunked with a chunk cache.
func LoadChunkedCached(path string, items int, cache *ChunkCache) (*Directory, error) {
	return loadWith(path, chunking{threshold: 0, items: items, bytes: 1 << 20}, cache)
}

// UserChunkSum is the store key of chunk ci of d's users (UserChunks).
func UserChunkSum(d *Directory, ci int) ChunkSum { return d.evict.chunks[ci].sum }

// UserChunks returns the ranges of Users that eviction covers, in order;
// none unless eviction is enabled (ChunkCache.EnableEviction). Tests evict
// and reload chunk by chunk with them.
func UserChunks(d *Directory) [][2]int {
	if d.evict == nil {
		return nil
	}
	out := make([][2]int, len(d.evict.chunks))
	for i, c := range d.evict.chunks {
		out[i] = [2]int{c.start, c.end}
	}
	return out
}
