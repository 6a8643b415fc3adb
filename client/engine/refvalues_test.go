package engine

import (
	"slices"
	"testing"
)

func TestRefValues(t *testing.T) {
	refs := compactRefs(map[string][]string{
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
	if got := compactRefs(nil).get("members"); got != nil {
		t.Errorf("no references: get = %q", got)
	}
}
