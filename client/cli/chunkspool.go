package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/quantive/entra-scim-harness/client/directory"
)

// chunkSpool keeps the encodings of the chunks a load parses in a
// temporary file until the state takes them (sourceChunks.flush): a
// million users' encodings are a large share of memory, which the load
// otherwise held next to the directory, at the cycle's peak (issue 16).
// The file sits beside the state file, not in /tmp, which is often in
// memory.
type chunkSpool struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	at   map[directory.ChunkSum][2]int64 // offset, length
}

// Chunk spools are named chunkSpoolPrefix, the state file's name, "-",
// digits, chunkSpoolSuffix (leftovers.go).
const (
	chunkSpoolPrefix = "entrasim-chunks-"
	chunkSpoolSuffix = ".spool"
)

// newChunkSpool creates the spool of the state file named state in dir.
func newChunkSpool(dir, state string) (*chunkSpool, error) {
	f, err := os.CreateTemp(dir, chunkSpoolPrefix+state+"-*"+chunkSpoolSuffix)
	if err != nil {
		return nil, fmt.Errorf("chunk spool: %w", err)
	}
	return &chunkSpool{f: f, w: bufio.NewWriterSize(f, 1<<20), at: map[directory.ChunkSum][2]int64{}}, nil
}

// put appends a chunk's encoding (the cache's sink: it calls it under its
// lock).
func (s *chunkSpool) put(sum directory.ChunkSum, body []byte) error {
	if _, err := s.w.Write(body); err != nil {
		return fmt.Errorf("chunk spool: %w", err)
	}
	s.at[sum] = [2]int64{s.size, int64(len(body))}
	s.size += int64(len(body))
	return nil
}

// each calls put for every chunk spooled, in no particular order.
func (s *chunkSpool) each(put func(digest, body []byte) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("chunk spool: %w", err)
	}
	for sum, at := range s.at {
		body := make([]byte, at[1])
		if _, err := s.f.ReadAt(body, at[0]); err != nil && err != io.EOF {
			return fmt.Errorf("chunk spool: %w", err)
		}
		if err := put(sum[:], body); err != nil {
			return err
		}
	}
	return nil
}

// close removes the spool.
func (s *chunkSpool) close() {
	name := s.f.Name()
	_ = s.f.Close()
	_ = os.Remove(name)
}
