package state

import (
	"cmp"
	"slices"
	"strings"
)

// ObjectSet is the objects of a state sorted by key, which Store.
// ObjectSet reads for a cycle. At a million objects a map by key took
// about 90 bytes an object and a set of the objects seen another 40,
// the largest shares of an incremental cycle's memory after the objects
// themselves, and its collector ran back to back for want of room (issue
// 16); the sorted slice takes a pointer an object, and a position found
// once marks an object in a slice of flags. A nil *ObjectSet is empty.
type ObjectSet struct {
	objs []*Object
}

// NewObjectSet sorts objs by key into a set; objs must not hold a key
// twice.
func NewObjectSet(objs []*Object) *ObjectSet {
	slices.SortFunc(objs, func(a, b *Object) int { return a.Key().Compare(b.Key()) })
	return &ObjectSet{objs: objs}
}

// Compare orders keys by source id, then kind (source ids differ far
// more often than kinds, so most comparisons end at the first).
func (k Key) Compare(o Key) int {
	if c := strings.Compare(k.SourceID, o.SourceID); c != 0 {
		return c
	}
	return cmp.Compare(k.Kind, o.Kind)
}

// Len is the number of objects.
func (s *ObjectSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.objs)
}

// At returns the object at position i, 0 <= i < Len, in key order.
func (s *ObjectSet) At(i int) *Object { return s.objs[i] }

// Find returns the position of the object of k, and whether there is one.
func (s *ObjectSet) Find(k Key) (int, bool) {
	if s == nil {
		return 0, false
	}
	return slices.BinarySearchFunc(s.objs, k, func(o *Object, k Key) int { return o.Key().Compare(k) })
}

// Get returns the object of k, nil when there is none.
func (s *ObjectSet) Get(k Key) *Object {
	if i, ok := s.Find(k); ok {
		return s.objs[i]
	}
	return nil
}
