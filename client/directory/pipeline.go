package directory

import (
	"runtime"

	"go.yaml.in/yaml/v3"
)

// piece is one cut of a directory file (see parseStream): a top-level
// field, or a chunk of the items of the users or groups block list.
type piece struct {
	key  string
	data []byte // the piece's YAML, starting with the field's header line
	// shift is added to the line of every node so that it is the line in
	// the file.
	shift int
	// items is the number of list items the cut counted in a chunk; -1
	// for a whole field. first is the index of the chunk's first item in
	// its list.
	items, first int
	res          chan pieceResult
	// sum is the chunk's cache key, set by parse when it ran with a
	// cache (summed is then true).
	sum    ChunkSum
	summed bool
}

// pieceResult is what a worker made of a piece.
type pieceResult struct {
	ok   bool       // the piece parsed to what the cut promised
	k, v *yaml.Node // a whole field's key and value
	part *builder   // a chunk's items, decoded
}

// parse parses a piece with yaml and, for a chunk, decodes its items into
// a builder of its own. strings is the worker's intern table. A chunk
// found in cache (nil: none) is decoded from it instead, and one parsed
// is recorded there.
func (pc *piece) parse(file string, strings map[string]string, cache *ChunkCache) pieceResult {
	if cache == nil || pc.items < 0 {
		return pc.parseYAML(file, strings)
	}
	sum := chunkSum(pc.data)
	pc.sum, pc.summed = sum, true
	if part := cache.lookup(sum, pc, strings); part != nil {
		part.packUsers()
		return pieceResult{ok: true, part: part}
	}
	r := pc.parseYAML(file, strings)
	if r.ok {
		cache.record(sum, encodeChunk(r.part, pc.key, pc.items, pc.shift))
	}
	return r
}

// parseYAML is parse without a cache.
func (pc *piece) parseYAML(file string, strings map[string]string) pieceResult {
	var doc yaml.Node
	if err := yaml.Unmarshal(pc.data, &doc); err != nil {
		return pieceResult{}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return pieceResult{}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || len(root.Content) != 2 {
		return pieceResult{}
	}
	k, v := root.Content[0], root.Content[1]
	if k.Kind != yaml.ScalarNode || k.Value != pc.key || k.Line != 1 || k.Column != 1 {
		return pieceResult{}
	}
	if pc.items < 0 {
		shiftLines(k, pc.shift)
		shiftLines(v, pc.shift)
		return pieceResult{ok: true, k: k, v: v}
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) != pc.items {
		return pieceResult{}
	}
	// The chunk's items are named and decoded as the whole parse does at
	// their place in the list; absorb appends the result where it belongs.
	part := &builder{p: &parser{file: file, strings: strings}, d: &Directory{}, users: pc.first, groups: pc.first}
	for _, n := range v.Content {
		shiftLines(n, pc.shift)
		part.item(pc.key, n)
	}
	part.packUsers()
	return pieceResult{ok: true, part: part}
}

// pipeline parses pieces on a bounded pool of workers and feeds the
// results to a builder strictly in the order the pieces were submitted,
// so that the directory and the first errors are those of a sequential
// parse. At most a few pieces per worker are in flight, which bounds the
// memory held in raw YAML, yaml nodes and decoded chunks.
type pipeline struct {
	jobs  chan *piece   // to the workers
	order chan *piece   // to the consumer, in file order
	abort chan struct{} // closed by the consumer when a piece failed
	done  chan bool     // the consumer's verdict: every piece was ok
}

// startPipeline starts workers (GOMAXPROCS when 0) and the consumer
// feeding b; cache (nil: none) serves and records chunks.
func startPipeline(b *builder, workers int, cache *ChunkCache) *pipeline {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	inflight := 2 * workers
	pl := &pipeline{
		// A piece waits in jobs only while it is in order or held by the
		// consumer, so a send to jobs never waits for long.
		jobs:  make(chan *piece, inflight+1),
		order: make(chan *piece, inflight),
		abort: make(chan struct{}),
		done:  make(chan bool, 1),
	}
	for range workers {
		go func() {
			// Strings interned per worker: the same values are shared
			// across its chunks without a lock.
			strings := map[string]string{}
			for pc := range pl.jobs {
				pc.res <- pc.parse(b.p.file, strings, cache)
			}
		}()
	}
	go pl.consume(b)
	return pl
}

// submit queues a piece; false means the pipeline gave up, and the rest
// of the file need not be read.
func (pl *pipeline) submit(pc *piece) bool {
	pc.res = make(chan pieceResult, 1)
	select {
	case pl.order <- pc:
	case <-pl.abort:
		return false
	}
	pl.jobs <- pc
	return true
}

// close waits for every submitted piece and reports whether all were ok.
func (pl *pipeline) close() bool {
	close(pl.order)
	close(pl.jobs)
	return <-pl.done
}

// consume applies results in file order until the first failed piece,
// then only drains, so that submit and the workers never block.
func (pl *pipeline) consume(b *builder) {
	ok := true
	for pc := range pl.order {
		r := <-pc.res
		if !ok {
			continue
		}
		switch {
		case !r.ok:
			ok = false
			close(pl.abort)
		case r.part != nil:
			start := len(b.d.Users)
			b.absorb(r.part, pc.key, pc.items)
			b.userChunk(pc, start)
		default:
			b.field(pc.key, r.k, r.v)
		}
	}
	pl.done <- ok
}
