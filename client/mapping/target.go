package mapping

import (
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Target is a parsed target attribute path.
type Target struct {
	// Schema is the extension schema URN ("" for core attributes).
	Schema string
	// Attr is the top-level attribute (e.g. "emails", "name", "department").
	Attr string
	// FilterAttr and FilterValue hold a [type eq "work"] selector.
	FilterAttr, FilterValue string
	// Sub is the sub-attribute (e.g. "value", "givenName"); "" for none.
	Sub string
}

// ParseTarget parses the target paths Entra's mapping table uses:
// "attr", "attr.sub", `attr[type eq "x"].sub` and "urn:...:attr[.sub]".
func ParseTarget(path string) (Target, error) {
	var t Target
	p := path
	if strings.HasPrefix(strings.ToLower(p), "urn:") {
		i := strings.LastIndex(p, ":")
		t.Schema, p = p[:i], p[i+1:]
		if t.Schema == "" || p == "" {
			return t, fmt.Errorf("target %q: malformed extension path", path)
		}
	}
	if i := strings.Index(p, "["); i >= 0 {
		j := strings.Index(p, "]")
		if j < i {
			return t, fmt.Errorf("target %q: unbalanced '['", path)
		}
		f := strings.Fields(p[i+1 : j])
		if len(f) != 3 || !strings.EqualFold(f[1], "eq") || len(f[2]) < 2 || f[2][0] != '"' || f[2][len(f[2])-1] != '"' {
			return t, fmt.Errorf("target %q: selector must look like [type eq \"work\"]", path)
		}
		t.FilterAttr, t.FilterValue = f[0], f[2][1:len(f[2])-1]
		rest := p[j+1:]
		p = p[:i]
		if rest != "" {
			if !strings.HasPrefix(rest, ".") || len(rest) < 2 {
				return t, fmt.Errorf("target %q: expected .subAttribute after the selector", path)
			}
			t.Sub = rest[1:]
		}
	} else if i := strings.Index(p, "."); i >= 0 {
		p, t.Sub = p[:i], p[i+1:]
	}
	t.Attr = p
	if t.Attr == "" || strings.ContainsAny(t.Attr, " \"]") || strings.ContainsAny(t.Sub, " .[]\"") {
		return t, fmt.Errorf("target %q: malformed attribute path", path)
	}
	return t, nil
}

// IsManager reports whether the path is the enterprise manager reference.
func (t Target) IsManager() bool {
	return strings.EqualFold(t.Schema, protocol.EnterpriseUserSchema) && strings.EqualFold(t.Attr, "manager")
}
