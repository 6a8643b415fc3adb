package httpbody

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

type failingReader struct{ data string }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, errors.New("connection reset")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestRead(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct {
		name     string
		body     string
		declared int64
		max      int64
		wantCap  int // capacity of the first buffer when the length is trusted; 0: not checked
	}{
		{"declared length sizes the buffer", `{"a":1}`, 7, 100, 8},
		{"unknown length", long, -1, 1 << 20, 0},
		{"declared above max is not trusted", long, 1 << 40, 1 << 20, 0},
		{"declared shorter than the body", long, 10, 1 << 20, 0},
		{"empty body", "", 0, 100, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Read(strings.NewReader(c.body), c.declared, c.max)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, []byte(c.body)) {
				t.Fatalf("read %d bytes, want %d", len(b), len(c.body))
			}
			if c.wantCap > 0 && cap(b) != c.wantCap {
				t.Fatalf("cap %d, want %d (one allocation sized from the declared length)", cap(b), c.wantCap)
			}
		})
	}
}

func TestReadReturnsReaderError(t *testing.T) {
	b, err := Read(&failingReader{data: "part"}, -1, 100)
	if err == nil || err == io.EOF {
		t.Fatalf("want the reader's error, got %v", err)
	}
	if string(b) != "part" {
		t.Fatalf("got %q, want what was read before the error", b)
	}
}
