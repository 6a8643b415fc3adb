package protocol

import (
	"fmt"
	"reflect"
	"testing"
)

// TestParsePathCachedMatchesParsePath: the cached parse gives what
// ParsePath gives, on the first call and on repeats, and errors stay
// errors (ENTRA-PATCH-07 paths among them).
func TestParsePathCachedMatchesParsePath(t *testing.T) {
	paths := []string{
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
		"members",
		`members[value eq "abc"]`,
		`emails[type eq "work"].value`,
		"name.givenName",
		"active",
		`members[value eq "a\"b"]`,
		"",
		"emails[type eq",
		"a..b",
	}
	for _, s := range paths {
		t.Run(s, func(t *testing.T) {
			want, wantErr := ParsePath(s)
			for i := range 3 {
				got, err := ParsePathCached(s)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("call %d: err %v, want %v", i, err, wantErr)
				}
				if err != nil {
					if err.Error() != wantErr.Error() {
						t.Fatalf("call %d: err %q, want %q", i, err, wantErr)
					}
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("call %d: %#v, want %#v", i, got, want)
				}
			}
		})
	}
}

// TestParsePathCachedBounded: more distinct paths than the bound keep
// parsing correctly and the cache never grows past the bound.
func TestParsePathCachedBounded(t *testing.T) {
	for i := range maxCachedPaths + 10 {
		s := fmt.Sprintf("attr%d", i)
		p, err := ParsePathCached(s)
		if err != nil || p.AttributePath.AttributeName != s {
			t.Fatalf("%s: %+v %v", s, p, err)
		}
	}
	pathCache.mu.RLock()
	n := len(pathCache.paths)
	pathCache.mu.RUnlock()
	if n > maxCachedPaths {
		t.Fatalf("cache holds %d paths, bound %d", n, maxCachedPaths)
	}
}

// BenchmarkParsePathManager compares parsing Entra's manager path every
// time with the cached parse.
func BenchmarkParsePathManager(b *testing.B) {
	const s = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParsePath(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParsePathCached(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
