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

// chunkCodecVersion is the first byte of an encoded chunk. It changes
// with the encoding; chunkSumPrefix, which changes with the parser too,
// keeps old entries from being found at all.
const chunkCodecVersion = 1

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
	e := chunkEncoder{b: make([]byte, 0, 64<<10)}
	e.b = append(e.b, chunkCodecVersion)
	if key == "users" {
		if len(part.d.Users) != items || len(p.pos.userID) != items || len(p.pos.userManager) != items {
			return nil
		}
		e.uint(chunkUsers)
		e.uint(uint64(items))
		for i, u := range part.d.Users {
			for _, s := range [...]string{u.ObjectID, u.UserPrincipalName, u.MailNickname, u.Mail, u.GivenName,
				u.Surname, u.DisplayName, u.JobTitle, u.Department, u.EmployeeID, u.Manager} {
				e.str(s)
			}
			flags := uint64(0)
			if u.AccountEnabled {
				flags = 1
			}
			e.uint(flags)
			e.str(string(u.Deleted))
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
			e.str(g.ObjectID)
			e.str(g.DisplayName)
			e.str(string(g.Deleted))
			e.uint(rel(g.Line))
			e.pos(p.pos.groupID[i], rel)
			e.uint(uint64(len(g.Members)))
			for j, m := range g.Members {
				e.str(m)
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
	return binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, crcTable))
}

type chunkEncoder struct{ b []byte }

func (e *chunkEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *chunkEncoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *chunkEncoder) pos(p pos, rel func(int) uint64) {
	e.uint(rel(int(p.line)))
	e.uint(uint64(p.col))
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
		e.str(k)
		switch v := v.(type) {
		case string:
			e.uint(attrString)
			e.str(v)
		case bool:
			if v {
				e.uint(attrTrue)
			} else {
				e.uint(attrFalse)
			}
		case int64:
			e.uint(attrInt)
			e.b = binary.AppendVarint(e.b, v)
		case float64:
			e.uint(attrFloat)
			e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
		case []string:
			if v != nil && len(v) == 0 {
				return false // the parser makes nil for an empty list
			}
			e.uint(attrList)
			e.uint(uint64(len(v)))
			for _, s := range v {
				e.str(s)
			}
		default:
			return false
		}
	}
	return true
}

// decodeChunk decodes an encoded chunk of list key that must hold items
// items, whose lines are shifted by shift, into a builder as piece.parse
// makes one. Any mismatch is errBadChunk.
func decodeChunk(body []byte, key string, items, shift int) (*builder, error) {
	if len(body) < 5 || body[0] != chunkCodecVersion {
		return nil, errBadChunk
	}
	n := len(body) - 4
	if crc32.Checksum(body[:n], crcTable) != binary.LittleEndian.Uint32(body[n:]) {
		return nil, errBadChunk
	}
	// Every string of the chunk is a piece of one copy of its bytes: one
	// allocation instead of a dozen per user.
	d := chunkDecoder{s: string(body[1:n]), shift: shift}
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
			for _, dst := range [...]*string{&u.ObjectID, &u.UserPrincipalName, &u.MailNickname, &u.Mail, &u.GivenName,
				&u.Surname, &u.DisplayName, &u.JobTitle, &u.Department, &u.EmployeeID, &u.Manager} {
				*dst = d.str()
			}
			u.AccountEnabled = d.uint() == 1
			u.Deleted = Deletion(d.str())
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
			g.ObjectID, g.DisplayName, g.Deleted = d.str(), d.str(), Deletion(d.str())
			g.Line = d.line()
			ps.groupID = append(ps.groupID, d.pos())
			ps.memberStart = append(ps.memberStart, int32(len(ps.memberPos)))
			if m := d.count(); m > 0 {
				g.Members = make([]string, m)
				for j := range g.Members {
					g.Members[j] = d.str()
					ps.memberPos = append(ps.memberPos, d.pos())
				}
			}
			g.Attributes = d.attrs()
			part.d.Groups = append(part.d.Groups, g)
		}
	default:
		return nil, errBadChunk
	}
	if d.bad || d.i != len(d.s) {
		return nil, errBadChunk
	}
	return part, nil
}

// chunkDecoder reads an encoded chunk; bad is set, and zero values are
// returned, from the first read past the end or out of range on.
type chunkDecoder struct {
	s     string
	i     int
	shift int
	bad   bool
}

func (d *chunkDecoder) uint() uint64 {
	var v uint64
	for k := uint(0); k < 64; k += 7 {
		if d.i >= len(d.s) {
			d.bad = true
			return 0
		}
		c := d.s[d.i]
		d.i++
		v |= uint64(c&0x7f) << k
		if c < 0x80 {
			return v
		}
	}
	d.bad = true
	return 0
}

// count reads a length, which cannot be more than the bytes left.
func (d *chunkDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.s)-d.i) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *chunkDecoder) str() string {
	n := d.count()
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
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
	// Every entry takes at least two bytes.
	if n-1 > uint64(len(d.s)-d.i)/2 {
		d.bad = true
		return nil
	}
	m := make(map[string]any, n-1)
	for range n - 1 {
		k := d.str()
		switch d.uint() {
		case attrString:
			m[k] = d.str()
		case attrTrue:
			m[k] = true
		case attrFalse:
			m[k] = false
		case attrInt:
			v, w := binary.Varint([]byte(d.s[d.i:min(len(d.s), d.i+binary.MaxVarintLen64)]))
			if w <= 0 {
				d.bad = true
				return nil
			}
			d.i += w
			m[k] = v
		case attrFloat:
			if len(d.s)-d.i < 8 {
				d.bad = true
				return nil
			}
			m[k] = math.Float64frombits(binary.LittleEndian.Uint64([]byte(d.s[d.i : d.i+8])))
			d.i += 8
		case attrList:
			var vals []string
			if c := d.count(); c > 0 {
				vals = make([]string, c)
				for j := range vals {
					vals[j] = d.str()
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
