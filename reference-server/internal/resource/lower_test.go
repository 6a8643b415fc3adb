package resource

import (
	"strings"
	"testing"
)

var lowerSeeds = [][2]string{{"", ""}, {"urn:A", "urn:a"}, {"a", "b"}, {"ab", "a"}, {"K", "k"}, {"\u212a", "k"}, {"ſ", "s"}, {"İ", "i"}, {"É", "é"}, {"x\xff", "X\xff"}}

// sameLower is strings.ToLower(a) == strings.ToLower(b), exactly.
func TestSameLower(t *testing.T) {
	for _, c := range lowerSeeds {
		if got, want := sameLower(c[0], c[1]), strings.ToLower(c[0]) == strings.ToLower(c[1]); got != want { //nolint:staticcheck // the agreement test compares with ToLower exactly, not EqualFold
			t.Fatalf("%q %q: %v, want %v", c[0], c[1], got, want)
		}
	}
}

func FuzzSameLower(f *testing.F) {
	for _, c := range lowerSeeds {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := sameLower(a, b), strings.ToLower(a) == strings.ToLower(b); got != want { //nolint:staticcheck // as above
			t.Fatalf("%q %q: %v, want %v", a, b, got, want)
		}
	})
}
