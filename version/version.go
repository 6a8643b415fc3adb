// Package version says which build of a command is running, from the Go
// build information: the module version (a tag, or a pseudo-version for
// `go install …@commit`), the VCS revision and time for a build inside a
// checkout, and the Go version. Both entrasim and refserver print it for
// --version, so a bug report can name the exact build.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// String is the one-line version of command name, e.g.
// "entrasim v1.2.0 (revision 3f9a7c1d2e4b, 2026-12-04T19:04:12Z, go1.26.8)".
func String(name string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (no build information)"
	}
	return format(name, info)
}

func format(name string, info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var parts []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += "+modified"
		}
		parts = append(parts, "revision "+rev)
	}
	if at != "" {
		parts = append(parts, at)
	}
	parts = append(parts, info.GoVersion)
	return fmt.Sprintf("%s %s (%s)", name, v, strings.Join(parts, ", "))
}
