package state

import "strings"

// objectReader allocates the objects Store.Objects reads, and their
// strings, in blocks. A million objects read one by one, nine strings
// each, were the biggest share of an incremental cycle's memory (issue
// 16); kinds, statuses and the like take a few values, shared.
type objectReader struct {
	objs  []Object
	text  strings.Builder
	words map[string]string
}

const (
	objectBlock = 512
	textBlock   = 32 << 10
)

// next returns a new object.
func (rd *objectReader) next() *Object {
	if len(rd.objs) == 0 {
		rd.objs = make([]Object, objectBlock)
	}
	o := &rd.objs[0]
	rd.objs = rd.objs[1:]
	return o
}

// str copies b into the current text block.
func (rd *objectReader) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > textBlock/16 {
		return string(b)
	}
	if rd.text.Cap()-rd.text.Len() < len(b) {
		rd.text = strings.Builder{} // strings handed out keep the old block
		rd.text.Grow(textBlock)
	}
	start := rd.text.Len()
	rd.text.Write(b)
	return rd.text.String()[start:]
}

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
