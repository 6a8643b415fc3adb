package scim

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Dialect is the PATCH dialect Entra speaks (ENTRA-PATCH-01..06).
type Dialect string

// The two dialects. Legacy is Entra's default today (UNC-06).
const (
	Legacy    Dialect = "legacy"
	Compliant Dialect = "compliant"
)

// LegacyFlag is the tenant-URL flag documented as the way back to the
// legacy dialect once compliant becomes the default (ENTRA-PATCH-06).
const LegacyFlag = "AzureAdScimPatch2017"

// ParseDialect reads "legacy" or "compliant" (any case).
func ParseDialect(s string) (Dialect, error) {
	switch Dialect(strings.ToLower(strings.TrimSpace(s))) {
	case Legacy:
		return Legacy, nil
	case Compliant:
		return Compliant, nil
	}
	return "", fmt.Errorf("unknown dialect %q: want legacy or compliant", s)
}

// DialectFromURL returns the dialect a tenant URL selects through its
// feature flags (ENTRA-HTTP-01), and false when it carries none.
func DialectFromURL(u *url.URL) (Dialect, bool) {
	for _, part := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		switch {
		case strings.EqualFold(name, protocol.CompliantFlag):
			return Compliant, true
		case strings.EqualFold(name, LegacyFlag):
			return Legacy, true
		}
	}
	return "", false
}

// op spells an operation name in the dialect: "Replace" in legacy,
// "replace" in compliant (ENTRA-PATCH-01).
func (d Dialect) op(name string) string {
	if d == Compliant {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// active encodes the active flag: the strings "True"/"False" in legacy, JSON
// booleans in compliant (ENTRA-PATCH-02).
func (d Dialect) active(v bool) any {
	if d == Compliant {
		return v
	}
	if v {
		return "True"
	}
	return "False"
}
