package server

import (
	"strings"
	"testing"
)

// mentions is strings.Contains on lower-cased copies, exactly.
func TestMentionsAgrees(t *testing.T) {
	for _, c := range [][2]string{{`userName eq "a"`, "groups"}, {`GROUPS[value eq "x"]`, "groups"}, {`members eq "1"`, "Members"},
		{"", "groups"}, {"grou", "groups"}, {`é groups`, "groups"}, {"\u212a", "k"}, {"xGroUpSx", "groups"}} {
		if got, want := mentions(c[0], c[1]), strings.Contains(strings.ToLower(c[0]), strings.ToLower(c[1])); got != want {
			t.Fatalf("%q %q: %v, want %v", c[0], c[1], got, want)
		}
	}
}
