package provlog

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/quantive/entra-scim-harness/client/arena"
)

// A cycle holds a record per object from the object's export to the
// cycle's commit, about 3 KB each: gigabytes at a million objects (issue
// 16). Spill moves a builder's record to a SpillFile while the engine
// works on other objects; what is set and added afterwards stays in the
// builder as a delta, and Unspill merges it all back. A record may be
// spilled several times: each spill appends one segment, the first the
// whole record, the later ones a delta pointing to the segment before.

// fieldSet says which of a record's "set" fields a delta set.
type fieldSet uint8

const (
	setAction fieldSet = 1 << iota // Action
	setTarget                      // Target
	setStatus                      // Fail, Warn, Skip
)

// segment locates one encoded segment in a spill file.
type segment struct {
	off int64
	n   uint32
}

// SpillFile is a temporary file that holds spilled records for one cycle.
// It is safe for concurrent use. Close removes it.
type SpillFile struct {
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
	size int64
	// buf is the encoding buffer of put's callers, reused under mu.
	buf []byte
	// parked allocates the spilled builders, under mu: a cycle parks a
	// builder per object (package arena).
	parked arena.Slab[Builder]
}

// spillBuffer is how much of the file is written at once.
const spillBuffer = 1 << 20

// Spill files are named SpillFilePrefix, then, when it has one, the
// name NewNamedSpillFile was given and "-", then digits, then
// SpillFileSuffix.
const (
	SpillFilePrefix = "entrasim-records-"
	SpillFileSuffix = ".spill"
)

// NewSpillFile creates a spill file in dir (os.TempDir() when "").
func NewSpillFile(dir string) (*SpillFile, error) { return NewNamedSpillFile(dir, "") }

// NewNamedSpillFile is NewSpillFile with name in the file's name, so that
// its owner finds the files of a process killed before it could remove
// them (the CLI names them after the state file).
func NewNamedSpillFile(dir, name string) (*SpillFile, error) {
	if name != "" {
		name += "-"
	}
	f, err := os.CreateTemp(dir, SpillFilePrefix+name+"*"+SpillFileSuffix)
	if err != nil {
		return nil, fmt.Errorf("records spill file: %w", err)
	}
	return &SpillFile{f: f, w: bufio.NewWriterSize(f, spillBuffer)}, nil
}

// Path is the file's name.
func (s *SpillFile) Path() string { return s.f.Name() }

// Size is the number of bytes spilled so far.
func (s *SpillFile) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Close closes and removes the file. Records still spilled in it are
// lost: Unspill them first.
func (s *SpillFile) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.f.Close()
	if rerr := os.Remove(s.f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("records spill file: %w", err)
	}
	return nil
}

// put appends what enc encodes as one segment.
func (s *SpillFile) put(enc func([]byte) []byte) (segment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = enc(s.buf[:0])
	if len(s.buf) > int(^uint32(0)) {
		return segment{}, fmt.Errorf("records spill file: a segment of %d bytes", len(s.buf))
	}
	if _, err := s.w.Write(s.buf); err != nil {
		return segment{}, fmt.Errorf("records spill file: %w", err)
	}
	seg := segment{off: s.size, n: uint32(len(s.buf))}
	s.size += int64(len(s.buf))
	if cap(s.buf) > spillBuffer {
		s.buf = nil // a huge record's buffer is not kept
	}
	return seg, nil
}

// newParked allocates a spilled builder.
func (s *SpillFile) newParked() *Builder {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parked.Next()
}

// get reads a segment back.
func (s *SpillFile) get(seg segment) ([]byte, error) {
	s.mu.Lock()
	err := s.w.Flush() // a no-op once flushed: reads come after the writes
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("records spill file: %w", err)
	}
	b := make([]byte, seg.n)
	if _, err := s.f.ReadAt(b, seg.off); err != nil {
		return nil, fmt.Errorf("records spill file: read %d bytes at %d: %w", seg.n, seg.off, err)
	}
	return b, nil
}

// SpillRef locates bytes kept in a SpillFile by Put.
type SpillRef struct{ seg segment }

// Put appends b to the file, for other per-object data that waits for the
// cycle's commit (a state object's exported values, state.Object.SealTo):
// it then shares the cycle's spill file and goes when the file does.
func (s *SpillFile) Put(b []byte) (SpillRef, error) {
	seg, err := s.put(func(buf []byte) []byte { return append(buf, b...) })
	return SpillRef{seg}, err
}

// Get reads back what Put kept.
func (s *SpillFile) Get(ref SpillRef) ([]byte, error) { return s.get(ref.seg) }

// Spill moves the record to s and returns the builder to use from now on,
// which holds only where the record is (b must not be used again). The
// builder's methods then collect a delta, which a later Spill appends as
// a further segment; Unspill brings the whole record back. A builder
// spilled in another file is an error; on error b is unchanged and is
// returned.
func (b *Builder) Spill(s *SpillFile) (*Builder, error) {
	if b.spill != nil && b.spill != s {
		return b, errors.New("provlog: record spilled in another file")
	}
	if b.spill != nil && b.r == nil {
		return b, nil // nothing new since the last spill
	}
	var seg segment
	var err error
	if b.spill == nil {
		seg, err = s.put(func(buf []byte) []byte { return appendRecord(buf, b.cur()) })
	} else {
		seg, err = s.put(func(buf []byte) []byte { return appendDelta(buf, b.seg, b.set, b.r) })
	}
	if err != nil {
		return b, err
	}
	parked := Builder{job: b.job, elapsed: b.elapsed, spill: s, seg: seg}
	if b.spill != nil {
		// A spilled builder is one of the file's own: it takes the new
		// segment in place, so that a record spilled after every phase
		// keeps one builder rather than one per phase, each pinning its
		// block.
		*b = parked
		return b, nil
	}
	nb := s.newParked()
	*nb = parked
	// b may sit in memory with other data in use: cleared, it no longer
	// keeps its record alive.
	*b = Builder{}
	return nb, nil
}

// Spilled reports whether the record is in a spill file.
func (b *Builder) Spilled() bool { return b.spill != nil }

// Unspill brings a spilled record back into the builder: the record as
// first spilled, then each delta in order, the builder's own last; a
// field set in a delta replaces it, steps and modified properties are
// appended. The builder then gives exactly the record it would have
// given had it never been spilled. It is a no-op for a builder not
// spilled.
func (b *Builder) Unspill() error {
	if b.spill == nil {
		return nil
	}
	// The segments, newest first: each delta names the one before.
	var deltas []string
	seg := b.seg
	var base *Record
	for base == nil {
		at := seg.off
		raw, err := b.spill.get(seg)
		if err != nil {
			return err
		}
		// One string per segment: the decoded strings share it.
		d := &decoder{s: string(raw)}
		switch kind := d.byte(); kind {
		case kindRecord:
			base = d.record()
		case kindDelta:
			seg = d.segment()
			deltas = append(deltas, d.s[d.i:])
		default:
			d.fail(fmt.Errorf("unknown segment kind %d", kind))
		}
		if d.err != nil {
			return fmt.Errorf("records spill file: segment at %d: %w", at, d.err)
		}
	}
	for i := len(deltas) - 1; i >= 0; i-- {
		d := &decoder{s: deltas[i]}
		set, delta := d.delta()
		if d.err != nil {
			return fmt.Errorf("records spill file: delta: %w", d.err)
		}
		merge(base, set, delta)
	}
	if b.r != nil {
		merge(base, b.set, b.r)
	}
	b.r, b.set, b.spill, b.seg = base, 0, nil, segment{}
	return nil
}

// merge applies a delta to r as the builder's methods would have: set
// fields replace, steps and modified properties are appended.
func merge(r *Record, set fieldSet, d *Record) {
	if set&setAction != 0 {
		r.ProvisioningAction = d.ProvisioningAction
	}
	if set&setTarget != 0 {
		r.TargetIdentity = d.TargetIdentity
	}
	if set&setStatus != 0 {
		r.ProvisioningStatusInfo = d.ProvisioningStatusInfo
	}
	r.ProvisioningSteps = append(r.ProvisioningSteps, d.ProvisioningSteps...)
	r.ModifiedProperties = append(r.ModifiedProperties, d.ModifiedProperties...)
}
