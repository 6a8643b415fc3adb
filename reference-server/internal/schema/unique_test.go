package schema

import (
	"strings"
	"testing"
)

// Attribute, sub-attribute and schema names are unique ignoring case, so
// the lookups may return an exact match before trying case-insensitive
// ones.
func TestNamesUniqueIgnoringCase(t *testing.T) {
	for _, rt := range []*Resource{User(), Group()} {
		schemas := rt.Schemas()
		for i, s := range schemas {
			for _, o := range schemas[i+1:] {
				if strings.EqualFold(s.ID, o.ID) {
					t.Fatalf("%s: schemas %s and %s", rt.Name, s.ID, o.ID)
				}
			}
			checkUnique(t, s.ID, s.Attributes)
		}
	}
}

func checkUnique(t *testing.T, where string, attrs []*Attribute) {
	t.Helper()
	for i, a := range attrs {
		for _, b := range attrs[i+1:] {
			if strings.EqualFold(a.Name, b.Name) {
				t.Fatalf("%s: attributes %s and %s", where, a.Name, b.Name)
			}
		}
		checkUnique(t, where+":"+a.Name, a.SubAttributes)
	}
}
