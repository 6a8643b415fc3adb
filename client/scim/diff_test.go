package scim

import "testing"

// TestDiffBooleanAgainstMappingString_ENTRA_FLOW_07: the mapping produces
// active as "True"/"False" (MAP-03) while a target answers a JSON boolean;
// equal values are not changes, different ones are, and plain strings
// still compare exactly.
func TestDiffBooleanAgainstMappingString_ENTRA_FLOW_07(t *testing.T) {
	for _, tc := range []struct {
		name             string
		current, desired any
		change           bool
	}{
		{"true vs True", true, "True", false},
		{"false vs False", false, "False", false},
		{"true vs lower true", true, "true", false},
		{"True vs bool true", "True", true, false},
		{"true vs False", true, "False", true},
		{"false vs True", false, "True", true},
		{"bool vs bool", true, true, false},
		{"bool vs other string", true, "yes", true},
		{"string case differs", "True", "true", true},
		{"strings equal", "Sales", "Sales", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := Diff(Attributes{"active": tc.current}, Attributes{"active": tc.desired})
			if got := len(ch) == 1; got != tc.change {
				t.Fatalf("Diff(%v, %v) = %+v, want change %v", tc.current, tc.desired, ch, tc.change)
			}
		})
	}
}
