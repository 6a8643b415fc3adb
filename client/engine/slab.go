package engine

// slab hands out values from blocks of slabBlock. Planning makes an item
// and often a state entry per source object; allocated one by one, in
// among the garbage of planning and of the exports, a million of them
// left the heap's spans half empty (issue 16: at 100k users the heap in
// use was twice the live heap after the user export). A block lives as
// long as any of its values, which suits values that live for the cycle.
// Not safe for concurrent use: planning is sequential.
type slab[T any] struct{ block []T }

const slabBlock = 512

// next returns a new zero value.
func (s *slab[T]) next() *T {
	if len(s.block) == 0 {
		s.block = make([]T, slabBlock)
	}
	p := &s.block[0]
	s.block = s.block[1:]
	return p
}
