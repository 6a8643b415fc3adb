package engine

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"

	"github.com/quantive/entra-scim-harness/client/arena"
)

func TestRefValues(t *testing.T) {
	a := &refArena{canon: (&strArena{}).keep}
	refs := a.compact(map[string][]string{
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": {"m1"},
		"members": {"u1", "u2"},
	})
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"members", []string{"u1", "u2"}},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", []string{"m1"}},
		{"manager", nil},
		{"", nil},
	} {
		if got := refs.get(tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("get(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	if refs[0].path != "members" {
		t.Errorf("paths not in order: %+v", refs)
	}
	if got := a.compact(nil).get("members"); got != nil {
		t.Errorf("no references: get = %q", got)
	}
}

// The arena's values are copies that stay as they were whatever comes
// after them: blocks fill up and new ones start, a long list is
// allocated alone, and appending to a value's ids never reaches its
// neighbour's.
func TestRefArenaKeepsEachValue(t *testing.T) {
	a := &refArena{canon: (&strArena{}).keep}
	type kept struct {
		refs refValues
		want []string
	}
	var all []kept
	for i := 0; i < 3*arena.DefaultSize; i++ {
		n := 1 + i%3
		if i%500 == 0 {
			n = arena.DefaultSize // alone
		}
		ids := make([]string, n)
		for j := range ids {
			ids[j] = fmt.Sprintf("id-%d-%d", i, j)
		}
		src := slices.Clone(ids)
		refs := a.compact(map[string][]string{"members": src})
		src[0] = "changed" // the arena holds a copy
		all = append(all, kept{refs, ids})
	}
	for i, k := range all {
		got := k.refs.get("members")
		if !slices.Equal(got, k.want) {
			t.Fatalf("value %d = %q, want %q", i, got, k.want)
		}
		if cap(got) != len(got) {
			t.Fatalf("value %d: ids have room to grow into a neighbour (cap %d, len %d)", i, cap(got), len(got))
		}
		if unsafe.StringData(got[0]) == unsafe.StringData(k.want[0]) {
			t.Fatalf("value %d shares the caller's string", i)
		}
	}
}
