package reproduce

import (
	"strings"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// BaseCode strips the application prefix Entra puts on the error codes of
// some gallery apps ("GtmhubEntryConflict" for EntryConflict): a code of
// the harness's table (spec section 9) is returned as it is; otherwise a
// leading app name (case-insensitive, letters and digits only) is cut off,
// else the longest code of the table that the code ends with, preceded by
// letters and digits, is returned. "Conflict" and "EntryConflict" stay
// distinct: both are codes of the table.
func BaseCode(code, app string) string {
	code = strings.TrimSpace(code)
	if code == "" || isKnownCode(code) {
		return code
	}
	if a := alnum(app); a != "" && len(code) > len(a) && strings.EqualFold(code[:len(a)], a) {
		return code[len(a):]
	}
	best := ""
	for _, k := range outcome.Codes() {
		if len(k) < len(code) && strings.HasSuffix(code, k) && len(k) > len(best) && alnum(code[:len(code)-len(k)]) == code[:len(code)-len(k)] {
			best = k
		}
	}
	if best != "" {
		return best
	}
	return code
}

// SameCode reports whether two error codes are the same once an app
// prefix is removed from either (BaseCode); "" (success) equals only "".
func SameCode(a, b, app string) bool { return BaseCode(a, app) == BaseCode(b, app) }

func isKnownCode(code string) bool {
	for _, k := range outcome.Codes() {
		if k == code {
			return true
		}
	}
	return false
}

func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FaultPlansFor lists the fault plans of the catalogue (fixtures/faults)
// whose errorCode is code, app prefix removed; nil for "" or when none is.
func FaultPlansFor(code, app string) ([]string, error) {
	base := BaseCode(code, app)
	if base == "" {
		return nil, nil
	}
	plans, err := fixtures.FaultPlans()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range plans {
		if p.ErrorCode != "" && BaseCode(p.ErrorCode, "") == base {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// SCIM attribute names (RFC 7643 sections 4.1, 4.2, 4.3), lower case.
var (
	coreAttributes = setOf("id", "externalid", "meta", "schemas", "username", "name", "displayname", "nickname", "profileurl",
		"title", "usertype", "preferredlanguage", "locale", "timezone", "active", "password", "emails", "phonenumbers",
		"ims", "photos", "addresses", "groups", "entitlements", "roles", "x509certificates", "members")
	enterpriseAttributes = setOf("employeenumber", "costcenter", "organization", "division", "department", "manager")
	coreSchemas          = setOf("urn:ietf:params:scim:schemas:core:2.0:user", "urn:ietf:params:scim:schemas:core:2.0:group")
	enterpriseSchema     = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

// attributeCheck says whether a modifiedProperties name is a SCIM
// attribute path; when it is an enterprise attribute written without its
// schema (as the portal shows "manager"), qualified is the full path.
// Attributes of other extension schemas (urn:…) are accepted as they are.
func attributeCheck(name string) (ok bool, qualified string) {
	t, err := mapping.ParseTarget(name)
	if err != nil {
		return false, ""
	}
	attr := strings.ToLower(t.Attr)
	switch schema := strings.ToLower(t.Schema); {
	case schema == "":
		if coreAttributes[attr] {
			return true, name
		}
		if enterpriseAttributes[attr] {
			return true, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:" + name
		}
		return false, ""
	case coreSchemas[schema]:
		return coreAttributes[attr], name
	case schema == enterpriseSchema:
		return enterpriseAttributes[attr], name
	}
	return true, name
}

// sourceHint names the SCIM attribute Entra's default mapping (MAP-01)
// fills from an Entra source attribute, "" when it maps none.
func sourceHint(name string) string {
	if strings.EqualFold(name, "accountEnabled") || strings.EqualFold(name, "IsSoftDeleted") {
		return "active"
	}
	for _, a := range mapping.NonGallery().Users.Attributes {
		if a.Source != "" && strings.EqualFold(a.Source, name) {
			return a.Target
		}
	}
	for _, a := range mapping.NonGallery().Groups.Attributes {
		if a.Source != "" && strings.EqualFold(a.Source, name) {
			return a.Target
		}
	}
	return ""
}
