package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"tagged, from a checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "3f9a7c1d2e4b5a6978"}, {Key: "vcs.time", Value: "2026-12-04T19:04:12Z"}, {Key: "vcs.modified", Value: "false"}}},
			"entrasim v1.2.0 (revision 3f9a7c1d2e4b, 2026-12-04T19:04:12Z, go1.26.8)"},
		{"local changes", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"entrasim (devel) (revision abc+modified, go1.26.8)"},
		{"no VCS (-buildvcs=false)", debug.BuildInfo{GoVersion: "go1.26.8"}, "entrasim (devel) (go1.26.8)"},
	} {
		if got := format("entrasim", &tc.info); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := String("refserver"); !strings.HasPrefix(got, "refserver ") || !strings.Contains(got, "go1.") {
		t.Errorf("String = %q", got)
	}
}
