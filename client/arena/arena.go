// Package arena allocates values that live as long as a cycle in blocks.
//
// A cycle keeps a few small values per object (work items, state entries,
// parked log builders, ids, watermarks). Allocated one by one, among the
// garbage of parsing and of the exports, each kept a span of the heap in
// use, and a large cycle's heap in use was about twice its live heap
// (issue 16). A block lives as long as any value handed out from it,
// which suits values that live for the cycle. Nothing here is safe for
// concurrent use: callers that share one lock it.
package arena

import "strings"

// Slab hands out values of T from blocks of Size (DefaultSize when 0).
type Slab[T any] struct {
	Size  int
	block []T
}

// DefaultSize is a Slab's block size when its Size is 0.
const DefaultSize = 512

func (s *Slab[T]) size() int {
	if s.Size > 0 {
		return s.Size
	}
	return DefaultSize
}

// Next returns a new zero value.
func (s *Slab[T]) Next() *T {
	return &s.Take(1)[0]
}

// Take returns n contiguous zero values, as a slice whose capacity is n,
// so that appending to it never reaches another value. More than a
// quarter of a block is allocated alone.
func (s *Slab[T]) Take(n int) []T {
	if n > s.size()/4 {
		return make([]T, n)
	}
	b := s.block
	if cap(b)-len(b) < n {
		b = make([]T, 0, s.size())
	}
	s.block = b[:len(b)+n]
	return b[len(b) : len(b)+n : len(b)+n]
}

// Strings keeps copies of strings side by side in blocks of BlockSize.
type Strings struct {
	b strings.Builder
}

// BlockSize is the size of a Strings block; a string longer than a
// sixteenth of it is copied alone.
const BlockSize = 16 << 10

// Keep returns a copy of s.
func (a *Strings) Keep(s string) string {
	if s == "" || len(s) > BlockSize/16 {
		return strings.Clone(s)
	}
	start := a.room(len(s))
	a.b.WriteString(s)
	return a.b.String()[start:]
}

// KeepBytes returns b as a string kept like Keep's.
func (a *Strings) KeepBytes(b []byte) string {
	if len(b) == 0 || len(b) > BlockSize/16 {
		return string(b)
	}
	start := a.room(len(b))
	a.b.Write(b)
	return a.b.String()[start:]
}

// room makes room for n bytes in the current block and returns where
// they start. A new block leaves the strings handed out with the old one.
func (a *Strings) room(n int) int {
	if a.b.Cap()-a.b.Len() < n {
		a.b = strings.Builder{}
		a.b.Grow(BlockSize)
	}
	return a.b.Len()
}
