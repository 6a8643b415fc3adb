package mapping_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/scim"
)

// TestBuiltinRowsFollowTheDocumentedOrder: requests list attributes in the
// mapping's row order, and the client's default order is MAP-01's, the
// order of Microsoft's examples. The non-gallery mapping has exactly that
// order; the Gtmhub mapping's rows come in the same relative order, so a
// client given either mapping's Targets sends what it sends by default.
func TestBuiltinRowsFollowTheDocumentedOrder(t *testing.T) {
	def := scim.DefaultAttributeOrder()
	index := func(p string) int {
		return slices.IndexFunc(def, func(d string) bool { return strings.EqualFold(d, p) })
	}
	for _, tc := range []struct {
		name  string
		users mapping.ObjectMapping
		exact bool
	}{
		{"nonGallery", mapping.NonGalleryUsers(), true},
		{"gtmhub", mapping.GtmhubUsers(), false},
	} {
		got := tc.users.Targets()
		if tc.exact && !slices.Equal(got, def) {
			t.Errorf("%s: rows %v, default order %v", tc.name, got, def)
		}
		last := -1
		for _, p := range got {
			i := index(p)
			if i < 0 {
				t.Errorf("%s: row %s is not in the default order", tc.name, p)
				continue
			}
			if i < last {
				t.Errorf("%s: row %s comes after %s, which the default order puts later", tc.name, p, def[last])
			}
			last = i
		}
	}
}

// TestTargets lists the rows in table order, a row added by a mapping file
// last.
func TestTargets(t *testing.T) {
	cfg, err := mapping.Parse("m.yaml", []byte("base: nonGallery\nusers:\n  attributes:\n    - {target: nickName, type: Direct, source: nickName}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Users.Targets()
	if len(got) != len(scim.DefaultAttributeOrder())+1 || got[0] != "userName" || got[len(got)-1] != "nickName" {
		t.Errorf("Targets() = %v", got)
	}
	if g := cfg.Groups.Targets(); !slices.Equal(g, []string{"displayName", "externalId", "members"}) {
		t.Errorf("group Targets() = %v", g)
	}
}
