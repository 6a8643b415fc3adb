package state

import "github.com/quantive/entra-scim-harness/client/arena"

// objectReader allocates the objects Store.Objects reads, and their
// strings, in blocks (package arena). A million objects read one by one,
// nine strings each, were the biggest share of an incremental cycle's
// memory (issue 16); kinds, statuses and the like take a few values,
// shared.
type objectReader struct {
	objs  arena.Slab[Object]
	text  arena.Strings
	words map[string]string
}

// next returns a new object.
func (rd *objectReader) next() *Object { return rd.objs.Next() }

// str copies b into the current text block.
func (rd *objectReader) str(b []byte) string { return rd.text.KeepBytes(b) }

// word returns b as a string shared by every equal value.
func (rd *objectReader) word(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if w, ok := rd.words[string(b)]; ok {
		return w
	}
	if rd.words == nil {
		rd.words = map[string]string{}
	}
	w := string(b)
	rd.words[w] = w
	return w
}
