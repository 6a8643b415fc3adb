package directory

import (
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"
)

// codecChunk is a chunk of users with every kind of value the encoding
// keeps.
const codecChunk = `users:
- objectId: a
  userPrincipalName: a@contoso.com
  givenName: Ann
  jobTitle: Engineer
  manager: b
  accountEnabled: false
  deleted: soft
  attributes:
    s: text
    i: -42
    f: 2.5
    t: true
    n: false
    l: [x, y]
    e: []
- objectId: b
  attributes: {}
`

func codecPart(t *testing.T) (*builder, []byte) {
	t.Helper()
	pc := &piece{key: "users", data: []byte(codecChunk), items: 2, shift: 10}
	r := pc.parseYAML("x.yaml", map[string]string{})
	if !r.ok {
		t.Fatal("chunk does not parse")
	}
	body := encodeChunk(r.part, "users", 2, 10)
	if body == nil {
		t.Fatal("chunk not encoded")
	}
	return r.part, body
}

// A chunk decodes to what its parse gave, its lines moved by the shift
// given when decoded.
func TestChunkCodecRoundTrip(t *testing.T) {
	want, body := codecPart(t)
	got, err := decodeChunk(body, "users", 2, 10, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.d, want.d) || !reflect.DeepEqual(got.p.pos, want.p.pos) {
		t.Fatalf("decoded\n%+v %+v\nwant\n%+v %+v", got.d.Users, got.p.pos, want.d.Users, want.p.pos)
	}
	moved, err := decodeChunk(body, "users", 2, 110, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if moved.d.Users[1].Line != want.d.Users[1].Line+100 || moved.p.pos.userManager[0].line != want.p.pos.userManager[0].line+100 {
		t.Fatal("lines not moved with the chunk")
	}
	if moved.p.pos.userManager[1] != (pos{}) {
		t.Fatal("an unknown position became known")
	}
	for _, c := range []struct {
		key   string
		items int
	}{{"groups", 2}, {"users", 3}} {
		if _, err := decodeChunk(body, c.key, c.items, 10, map[string]string{}); err == nil {
			t.Errorf("decoded as %d %s", c.items, c.key)
		}
	}
}

// No damaged body makes the decoder panic, even one whose checksum was
// made to match; the checksum alone rejects the others.
func TestChunkCodecDamaged(t *testing.T) {
	_, body := codecPart(t)
	reseal := func(b []byte) []byte {
		n := len(b) - 4
		binary.LittleEndian.PutUint32(b[n:], crc32.Checksum(b[:n], crcTable))
		return b
	}
	try := func(b []byte) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic on %x: %v", b, r)
			}
		}()
		_, _ = decodeChunk(b, "users", 2, 10, map[string]string{})
	}
	for i := range body {
		try(body[:i])
		for _, x := range []byte{1, 0x80, 0xff} {
			b := append([]byte(nil), body...)
			b[i] ^= x
			if _, err := decodeChunk(b, "users", 2, 10, map[string]string{}); err == nil {
				t.Errorf("byte %d ^ %#x: accepted", i, x)
			}
			if i < len(body)-4 {
				try(reseal(b))
			}
		}
	}
}
