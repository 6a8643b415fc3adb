package directory

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
)

// This file is the binary form of a decoded chunk (see ChunkCache): the
// users or groups of a chunk that decoded without a problem, with the
// positions validate may report, lines counted from the chunk's start so
// that the same bytes elsewhere in the file decode to their new lines.
// Decoding it is several times faster than parsing the chunk's YAML.
//
// Its strings are laid out by how long the loaded directory keeps them,
// so that decoding allocates little and retains no more than the parse:
// the values the directory keeps are one section, decoded as one string
// that they all slice; references (manager, members), which shareIDs
// points at the referenced object's id once loaded, another; values of
// low cardinality (names, titles, attribute names) a third, interned as
// the parser interns them. Varints (lengths, positions, flags) come
// first:
//
//	version | len(meta) | len(kept) | len(refs) | meta | kept | refs | low | crc32c

// chunkCodecVersion is the first byte of an encoded chunk. It changes
// with the encoding; chunkSumPrefix, which changes with the parser too,
// keeps old entries from being found at all.
const chunkCodecVersion = 2

// chunkKind is the list a chunk belongs to.
const (
	chunkUsers  = 0
	chunkGroups = 1
)

// Attribute value types in the encoding.
const (
	attrString = iota
	attrTrue
	attrFalse
	attrInt
	attrFloat
	attrList
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errBadChunk is any encoded chunk that does not decode: truncated,
// corrupt or of another version.
var errBadChunk = errors.New("bad cached chunk")

// encodeChunk encodes part, the decoded items of a chunk of list key
// whose lines were shifted by shift, or returns nil when part holds
// anything the encoding does not keep (a problem, an item not kept).
func encodeChunk(part *builder, key string, items, shift int) []byte {
	p := part.p
	if len(p.errs) != 0 {
		return nil
	}
	rel := func(line int) uint64 {
		if line == 0 {
			return 0 // unknown stays unknown wherever the chunk moves
		}
		return uint64(line - shift)
	}
	e := &chunkEncoder{}
	if key == "users" {
		if len(part.d.Users) != items || len(p.pos.userID) != items || len(p.pos.userManager) != items {
			return nil
		}
		e.uint(chunkUsers)
		e.uint(uint64(items))
		for i, u := range part.d.Users {
			for _, s := range [...]string{u.ObjectID, u.UserPrincipalName, u.MailNickname, u.Mail, u.DisplayName, u.EmployeeID} {
				e.str(&e.kept, s)
			}
			for _, s := range [...]string{u.GivenName, u.Surname, u.JobTitle, u.Department} {
				e.str(&e.low, s)
			}
			e.str(&e.refs, u.Manager)
			flags := uint64(0)
			if u.AccountEnabled {
				flags = 1
			}
			e.uint(flags)
			if !e.deletion(u.Deleted) {
				return nil
			}
			e.uint(rel(u.Line))
			e.pos(p.pos.userID[i], rel)
			e.pos(p.pos.userManager[i], rel)
			if !e.attrs(u.Attributes) {
				return nil
			}
		}
	} else {
		if len(part.d.Groups) != items || len(p.pos.groupID) != items || len(p.pos.memberStart) != items {
			return nil
		}
		e.uint(chunkGroups)
		e.uint(uint64(items))
		members := 0
		for i, g := range part.d.Groups {
			start := int(p.pos.memberStart[i])
			if start != members || start+len(g.Members) > len(p.pos.memberPos) {
				return nil
			}
			members += len(g.Members)
			e.str(&e.kept, g.ObjectID)
			e.str(&e.kept, g.DisplayName)
			if !e.deletion(g.Deleted) {
				return nil
			}
			e.uint(rel(g.Line))
			e.pos(p.pos.groupID[i], rel)
			e.uint(uint64(len(g.Members)))
			for j, m := range g.Members {
				e.str(&e.refs, m)
				e.pos(p.pos.memberPos[start+j], rel)
			}
			if !e.attrs(g.Attributes) {
				return nil
			}
		}
		if members != len(p.pos.memberPos) {
			return nil
		}
	}
	return e.finish()
}

// chunkEncoder builds an encoded chunk's sections (see the layout above).
type chunkEncoder struct{ meta, kept, refs, low []byte }

func (e *chunkEncoder) uint(v uint64) { e.meta = binary.AppendUvarint(e.meta, v) }

// str writes s to section sec, its length to meta.
func (e *chunkEncoder) str(sec *[]byte, s string) {
	e.uint(uint64(len(s)))
	*sec = append(*sec, s...)
}

func (e *chunkEncoder) pos(p pos, rel func(int) uint64) {
	e.uint(rel(int(p.line)))
	e.uint(uint64(p.col))
}

// deletion writes a Deletion as a number; false for a value the parser
// does not make.
func (e *chunkEncoder) deletion(d Deletion) bool {
	for i, v := range deletions {
		if d == v {
			e.uint(uint64(i))
			return true
		}
	}
	return false
}

var deletions = [...]Deletion{NotDeleted, SoftDeleted, HardDeleted}

// finish lays the sections out and appends the checksum.
func (e *chunkEncoder) finish() []byte {
	b := make([]byte, 0, 1+3*binary.MaxVarintLen64+len(e.meta)+len(e.kept)+len(e.refs)+len(e.low)+4)
	b = append(b, chunkCodecVersion)
	b = binary.AppendUvarint(b, uint64(len(e.meta)))
	b = binary.AppendUvarint(b, uint64(len(e.kept)))
	b = binary.AppendUvarint(b, uint64(len(e.refs)))
	b = append(append(append(append(b, e.meta...), e.kept...), e.refs...), e.low...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// attrs encodes an attribute map; nil and empty differ (an absent field
// and an empty mapping), as do an empty list and none, which the parser
// never makes. false means a value of a type the parser does not make.
func (e *chunkEncoder) attrs(m map[string]any) bool {
	if m == nil {
		e.uint(0)
		return true
	}
	e.uint(uint64(len(m)) + 1)
	for k, v := range m {
		e.str(&e.low, k)
		switch v := v.(type) {
		case string:
			e.uint(attrString)
			e.str(&e.kept, v)
		case bool:
			if v {
				e.uint(attrTrue)
			} else {
				e.uint(attrFalse)
			}
		case int64:
			e.uint(attrInt)
			e.meta = binary.AppendVarint(e.meta, v)
		case float64:
			e.uint(attrFloat)
			e.meta = binary.LittleEndian.AppendUint64(e.meta, math.Float64bits(v))
		case []string:
			if v != nil && len(v) == 0 {
				return false // the parser makes nil for an empty list
			}
			e.uint(attrList)
			e.uint(uint64(len(v)))
			for _, s := range v {
				e.str(&e.kept, s)
			}
		default:
			return false
		}
	}
	return true
}

// decodeChunk decodes an encoded chunk of list key that must hold items
// items, whose lines are shifted by shift, into a builder as piece.parse
// makes one; strings is the worker's intern table. Any mismatch is
// errBadChunk.
func decodeChunk(body []byte, key string, items, shift int, strings map[string]string) (*builder, error) {
	if len(body) < 5 || body[0] != chunkCodecVersion {
		return nil, errBadChunk
	}
	n := len(body) - 4
	if crc32.Checksum(body[:n], crcTable) != binary.LittleEndian.Uint32(body[n:]) {
		return nil, errBadChunk
	}
	h := chunkDecoder{meta: body[1:n]}
	lm, lk, lr := h.uint(), h.uint(), h.uint()
	rest := uint64(len(h.meta) - h.i)
	if h.bad || lm > rest || lk > rest-lm || lr > rest-lm-lk {
		return nil, errBadChunk
	}
	sec := h.meta[h.i:]
	d := chunkDecoder{
		meta: sec[:lm],
		// The kept values are slices of one string: one allocation for
		// the chunk's ids, names and mails instead of one each.
		kept:    string(sec[lm : lm+lk]),
		refs:    string(sec[lm+lk : lm+lk+lr]),
		low:     sec[lm+lk+lr:],
		shift:   shift,
		strings: strings,
	}
	part := &builder{p: &parser{}, d: &Directory{}}
	kind := d.uint()
	if d.uint() != uint64(items) {
		return nil, errBadChunk
	}
	ps := &part.p.pos
	switch {
	case kind == chunkUsers && key == "users":
		part.d.Users = make([]*User, 0, items)
		ps.userID, ps.userManager = make([]pos, 0, items), make([]pos, 0, items)
		users := make([]User, items)
		for i := range items {
			u := &users[i]
			for _, dst := range [...]*string{&u.ObjectID, &u.UserPrincipalName, &u.MailNickname, &u.Mail, &u.DisplayName, &u.EmployeeID} {
				*dst = d.kept1()
			}
			for _, dst := range [...]*string{&u.GivenName, &u.Surname, &u.JobTitle, &u.Department} {
				*dst = d.low1()
			}
			u.Manager = d.ref()
			u.AccountEnabled = d.uint() == 1
			u.Deleted = d.deletion()
			u.Line = d.line()
			ps.userID = append(ps.userID, d.pos())
			ps.userManager = append(ps.userManager, d.pos())
			u.Attributes = d.attrs()
			part.d.Users = append(part.d.Users, u)
		}
	case kind == chunkGroups && key == "groups":
		part.d.Groups = make([]*Group, 0, items)
		ps.groupID, ps.memberStart = make([]pos, 0, items), make([]int32, 0, items)
		groups := make([]Group, items)
		for i := range items {
			g := &groups[i]
			g.ObjectID, g.DisplayName, g.Deleted = d.kept1(), d.kept1(), d.deletion()
			g.Line = d.line()
			ps.groupID = append(ps.groupID, d.pos())
			ps.memberStart = append(ps.memberStart, int32(len(ps.memberPos)))
			if m := d.count(); m > 0 {
				g.Members = make([]string, m)
				for j := range g.Members {
					g.Members[j] = d.ref()
					ps.memberPos = append(ps.memberPos, d.pos())
				}
			}
			g.Attributes = d.attrs()
			part.d.Groups = append(part.d.Groups, g)
		}
	default:
		return nil, errBadChunk
	}
	if d.bad || d.i != len(d.meta) || d.k != len(d.kept) || d.r != len(d.refs) || d.l != len(d.low) {
		return nil, errBadChunk
	}
	return part, nil
}

// chunkDecoder reads an encoded chunk's sections, each from its cursor;
// bad is set, and zero values are returned, from the first read past the
// end or out of range on.
type chunkDecoder struct {
	meta       []byte
	kept, refs string
	low        []byte
	i, k, r, l int
	shift      int
	strings    map[string]string
	bad        bool
}

func (d *chunkDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.meta[d.i:])
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.i += n
	return v
}

// count reads a number of things each taking at least a byte of meta.
func (d *chunkDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.meta)-d.i) {
		d.bad = true
		return 0
	}
	return int(n)
}

// length reads the length of a string with at most left bytes.
func (d *chunkDecoder) length(left int) int {
	n := d.uint()
	if n > uint64(left) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *chunkDecoder) kept1() string {
	n := d.length(len(d.kept) - d.k)
	s := d.kept[d.k : d.k+n]
	d.k += n
	return s
}

func (d *chunkDecoder) ref() string {
	n := d.length(len(d.refs) - d.r)
	s := d.refs[d.r : d.r+n]
	d.r += n
	return s
}

// low1 reads a value of the low section, interned.
func (d *chunkDecoder) low1() string {
	n := d.length(len(d.low) - d.l)
	b := d.low[d.l : d.l+n]
	d.l += n
	if n == 0 {
		return ""
	}
	if s, ok := d.strings[string(b)]; ok {
		return s
	}
	s := string(b)
	d.strings[s] = s
	return s
}

func (d *chunkDecoder) deletion() Deletion {
	v := d.uint()
	if v >= uint64(len(deletions)) {
		d.bad = true
		return NotDeleted
	}
	return deletions[v]
}

func (d *chunkDecoder) line() int {
	v := d.uint()
	if v == 0 || v > math.MaxInt32 {
		return 0
	}
	return int(v) + d.shift
}

func (d *chunkDecoder) pos() pos {
	line := d.line()
	col := d.uint()
	if col > math.MaxInt32 {
		d.bad = true
	}
	return pos{int32(line), int32(col)}
}

func (d *chunkDecoder) attrs() map[string]any {
	n := d.uint() // entries + 1
	if n == 0 {
		return nil
	}
	// Every entry takes at least two bytes of meta.
	if n-1 > uint64(len(d.meta)-d.i)/2 {
		d.bad = true
		return nil
	}
	m := make(map[string]any, n-1)
	for range n - 1 {
		k := d.low1()
		switch d.uint() {
		case attrString:
			m[k] = d.kept1()
		case attrTrue:
			m[k] = true
		case attrFalse:
			m[k] = false
		case attrInt:
			v, w := binary.Varint(d.meta[d.i:])
			if w <= 0 {
				d.bad = true
				return nil
			}
			d.i += w
			m[k] = v
		case attrFloat:
			if len(d.meta)-d.i < 8 {
				d.bad = true
				return nil
			}
			m[k] = math.Float64frombits(binary.LittleEndian.Uint64(d.meta[d.i:]))
			d.i += 8
		case attrList:
			var vals []string
			if c := d.count(); c > 0 {
				vals = make([]string, c)
				for j := range vals {
					vals[j] = d.kept1()
				}
			}
			m[k] = vals
		default:
			d.bad = true
			return nil
		}
		if d.bad {
			return nil
		}
	}
	return m
}
