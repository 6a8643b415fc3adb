package arena

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// Values taken from a slab are zero, apart, and keep what was written to
// them whatever is taken after; a long run is allocated alone.
func TestSlabTake(t *testing.T) {
	s := Slab[int]{Size: 16}
	var runs [][]int
	for i, n := range []int{1, 3, 4, 2, 5, 1, 16, 1, 3} {
		r := s.Take(n)
		if len(r) != n || cap(r) != n {
			t.Fatalf("take %d: len %d cap %d", n, len(r), cap(r))
		}
		for j := range r {
			if r[j] != 0 {
				t.Fatalf("take %d: not zero", n)
			}
			r[j] = i*100 + j
		}
		runs = append(runs, r)
	}
	for i, r := range runs {
		for j, v := range r {
			if v != i*100+j {
				t.Fatalf("run %d value %d = %d: overwritten", i, j, v)
			}
		}
	}
	p, q := s.Next(), s.Next()
	if p == q || *p != 0 || *q != 0 {
		t.Fatal("Next gave the same or a used value")
	}
}

// Kept strings equal what was given, share no memory with it, and survive
// new blocks; long strings are copied alone.
func TestStringsKeep(t *testing.T) {
	var a Strings
	var want, got []string
	for i := range 5000 {
		s := fmt.Sprintf("value-%d", i)
		if i%1000 == 0 {
			s = strings.Repeat("x", BlockSize) // alone
		}
		src := []byte(s)
		k := a.Keep(s)
		if i%2 == 1 {
			k = a.KeepBytes(src)
		}
		src[0] = '!' // the kept copy is not the caller's bytes
		if unsafe.StringData(k) == unsafe.StringData(s) {
			t.Fatalf("%d: Keep shares the caller's string", i)
		}
		want, got = append(want, s), append(got, k)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%d: kept %q, want %q", i, got[i], want[i])
		}
	}
	if a.Keep("") != "" || a.KeepBytes(nil) != "" {
		t.Error("empty not kept as empty")
	}
}
