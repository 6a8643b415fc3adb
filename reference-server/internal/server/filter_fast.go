package server

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Fast path: skips the general filter parser for Entra's eq filters (BenchmarkMemRequests/user-sequence).
//
// parseFilter parses a SCIM filter. The forms Entra sends on every match
// and reference check — `attr eq "value"` and `a eq "x" and b eq "y"`
// (ENTRA-FLOW-03, FLOW-06, FLOW-12) — are recognised directly, because
// the general parser costs more than the rest of the request; every other
// filter goes to protocol.ParseFilter. Both give the same expression
// (TestFastFilterAgreesWithParser, FuzzFastFilter).
func parseFilter(s string) (filter.Expression, error) {
	if e, ok := fastFilter(s); ok {
		return e, nil
	}
	return protocol.ParseFilter(s)
}

// fastFilter recognises T or T and T, where T is name[.sub] eq "string"
// with a quoted value free of escapes.
func fastFilter(s string) (filter.Expression, bool) {
	s = strings.TrimSpace(s)
	if len(s) > protocol.MaxFilterLength {
		return nil, false
	}
	left, rest, ok := fastTerm(s)
	if !ok {
		return nil, false
	}
	if rest == "" {
		return left, true
	}
	r, ok := cutWord(rest, "and")
	if !ok {
		return nil, false
	}
	right, rest, ok := fastTerm(r)
	if !ok || rest != "" {
		return nil, false
	}
	return &filter.LogicalExpression{Left: left, Right: right, Operator: filter.AND}, true
}

// fastTerm reads `name[.sub] eq "value"` at the start of s and returns the
// text after it (leading spaces removed).
func fastTerm(s string) (*filter.AttributeExpression, string, bool) {
	name, rest, ok := fastName(s)
	if !ok {
		return nil, "", false
	}
	rest, ok = cutWord(rest, "eq")
	if !ok || !strings.HasPrefix(rest, `"`) {
		return nil, "", false
	}
	end := strings.IndexByte(rest[1:], '"')
	if end < 0 {
		return nil, "", false
	}
	value := rest[1 : 1+end]
	for i := 0; i < len(value); i++ {
		// Escapes and control characters are left to the full parser.
		if c := value[i]; c == '\\' || c < 0x20 || c == 0x7f {
			return nil, "", false
		}
	}
	after := rest[2+end:]
	if after != "" && after[0] != ' ' {
		return nil, "", false
	}
	path := filter.AttributePath{AttributeName: name}
	if i := strings.IndexByte(name, '.'); i >= 0 {
		sub := name[i+1:]
		path = filter.AttributePath{AttributeName: name[:i], SubAttribute: &sub}
	}
	return &filter.AttributeExpression{AttributePath: path, Operator: filter.EQ, CompareValue: value},
		strings.TrimLeft(after, " "), true
}

// fastName reads an attribute name, optionally with one sub-attribute,
// followed by at least one space.
func fastName(s string) (name, rest string, ok bool) {
	i, dots := 0, 0
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '_' || c == '-') && i > 0 && s[i-1] != '.':
		case c == '.' && i > 0 && s[i-1] != '.' && dots == 0:
			dots++
		default:
			goto done
		}
		i++
	}
done:
	if i == 0 || i >= len(s) || s[i] != ' ' || s[i-1] == '.' {
		return "", "", false
	}
	name = s[:i]
	// name is ASCII here, where EqualFold is lower-case equality.
	if strings.EqualFold(name, "and") || strings.EqualFold(name, "or") || strings.EqualFold(name, "not") {
		return "", "", false
	}
	return name, strings.TrimLeft(s[i:], " "), true
}

// cutWord removes a case-insensitive keyword followed by spaces.
func cutWord(s, word string) (string, bool) {
	if len(s) <= len(word) || !strings.EqualFold(s[:len(word)], word) || s[len(word)] != ' ' {
		return "", false
	}
	return strings.TrimLeft(s[len(word):], " "), true
}
