package protocol

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// MaxFilterLength bounds filters and paths so that a hostile query cannot
// make the parser work for long; Entra's filters are a few hundred bytes.
const MaxFilterLength = 4096

// ParseFilter parses a SCIM filter (RFC 7644 §3.4.2.2) as Entra and other
// clients send it. On top of the RFC grammar it accepts:
//   - `emails[type eq "work"].value eq "x"`, the form Entra uses for a
//     matching attribute with a value path (ENTRA-FLOW-03), read as
//     `emails[(type eq "work") and value eq "x"]`;
//   - unquoted string values (`externalId eq jyoung`, ENTRA-HTTP-05);
//   - JSON escapes inside quoted values (`"a \"b\""` compares with `a "b"`).
//
// Errors are *Error with scimType invalidFilter.
func ParseFilter(s string) (expr filter.Expression, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, NewError(400, ScimTypeInvalidFilter, "empty filter")
	}
	if len(s) > MaxFilterLength {
		return nil, Errorf(400, ScimTypeInvalidFilter, "filter longer than %d bytes", MaxFilterLength)
	}
	if err := checkFilterLimits(s, ScimTypeInvalidFilter, "filter"); err != nil {
		return nil, err
	}
	toks, err := lexFilter(s)
	if err != nil {
		return nil, Errorf(400, ScimTypeInvalidFilter, "invalid filter %q: %v", s, err)
	}
	rewritten := strings.Join(rewriteFilterTokens(toks), " ")
	defer func() {
		// The parser library is not ours; a panic on odd input must still
		// end as a 400, never a 500.
		if r := recover(); r != nil {
			expr, err = nil, Errorf(400, ScimTypeInvalidFilter, "invalid filter %q", s)
		}
	}()
	expr, perr := filter.ParseFilter([]byte(rewritten))
	if perr != nil {
		return nil, Errorf(400, ScimTypeInvalidFilter, "invalid filter %q: %v", s, perr)
	}
	if err := unescapeExpression(expr); err != nil {
		return nil, Errorf(400, ScimTypeInvalidFilter, "invalid filter %q: %v", s, err)
	}
	return expr, nil
}

// ParsePath parses a PATCH path (RFC 7644 §3.5.2): `name.givenName`,
// `emails[type eq "work"].value`, `members[value eq "id"]`,
// `urn:…:enterprise:2.0:User:manager`. Errors are *Error with scimType
// invalidPath.
func ParsePath(s string) (p filter.Path, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return p, NewError(400, ScimTypeInvalidPath, "empty path")
	}
	if len(s) > MaxFilterLength {
		return p, Errorf(400, ScimTypeInvalidPath, "path longer than %d bytes", MaxFilterLength)
	}
	if err := checkFilterLimits(s, ScimTypeInvalidPath, "path"); err != nil {
		return p, err
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = filter.Path{}, Errorf(400, ScimTypeInvalidPath, "invalid path %q", s)
		}
	}()
	toks, lerr := lexFilter(s)
	if lerr == nil {
		s = strings.Join(rewriteFilterTokens(toks), " ")
		s = strings.ReplaceAll(strings.ReplaceAll(s, " [ ", "["), " ]", "]")
		s = strings.ReplaceAll(s, "] .", "].")
	}
	p, perr := filter.ParsePath([]byte(s))
	if perr != nil {
		return filter.Path{}, Errorf(400, ScimTypeInvalidPath, "invalid path %q: %v", s, perr)
	}
	if p.ValueExpression != nil {
		if err := unescapeExpression(p.ValueExpression); err != nil {
			return filter.Path{}, Errorf(400, ScimTypeInvalidPath, "invalid path %q: %v", s, err)
		}
	}
	return p, nil
}

// QuoteFilterValue renders s as a quoted filter value with JSON escaping,
// the way a client must put a user's value into a filter.
func QuoteFilterValue(s string) string {
	b, _ := json.Marshal(s) // marshalling a string cannot fail
	return string(b)
}

var compareOps = map[string]bool{
	"eq": true, "ne": true, "co": true, "sw": true, "ew": true,
	"gt": true, "ge": true, "lt": true, "le": true,
}

// lexFilter splits a filter into words, quoted strings and brackets,
// keeping quoted strings intact.
func lexFilter(s string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string at byte %d", i)
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case c == '(' || c == ')' || c == '[' || c == ']':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r\"()[]", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

// rewriteFilterTokens quotes bare values and moves `].sub op value` inside
// the brackets, then glues brackets back to their attribute.
func rewriteFilterTokens(toks []string) []string {
	out := make([]string, 0, len(toks)+4)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// attr [ inner ] .sub op value  ->  attr[(inner) and sub op value]
		if t == "]" && i+2 < len(toks) && strings.HasPrefix(toks[i+1], ".") && len(toks[i+1]) > 1 {
			op := strings.ToLower(toks[i+2])
			if compareOps[op] && i+3 < len(toks) || op == "pr" {
				open := lastOpenBracket(out)
				if open >= 0 {
					// The parser takes no parentheses inside brackets, so an inner
					// `or` stays unsupported (400) rather than changing meaning.
					if containsWord(out[open+1:], "or") {
						out = append(out, "]")
						continue
					}
					out = append(out, "and", toks[i+1][1:], toks[i+2])
					i += 2
					if op != "pr" {
						out = append(out, quoteBare(toks[i+1]))
						i++
					}
					out = append(out, "]")
					continue
				}
			}
		}
		if compareOps[strings.ToLower(t)] && i+1 < len(toks) && len(out) > 0 {
			out = append(out, t, quoteBare(toks[i+1]))
			i++
			continue
		}
		out = append(out, t)
	}
	return glueBrackets(out)
}

func containsWord(toks []string, w string) bool {
	for _, t := range toks {
		if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

func lastOpenBracket(out []string) int {
	for j := len(out) - 1; j >= 0; j-- {
		if out[j] == "[" {
			return j
		}
	}
	return -1
}

// quoteBare quotes a bare word value; literals, numbers and quoted strings
// pass through.
func quoteBare(v string) string {
	switch strings.ToLower(v) {
	case "true", "false", "null":
		return v
	}
	if strings.HasPrefix(v, "\"") || v == "(" || v == ")" || v == "[" || v == "]" {
		return v
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return v
	}
	return QuoteFilterValue(v)
}

// glueBrackets joins "attr" "[" … "]" ".sub" back into attr[…].sub, as the
// parser does not accept spaces around value-path brackets.
func glueBrackets(toks []string) []string {
	out := make([]string, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "[" && len(out) > 0:
			out[len(out)-1] += "["
			if i+1 < len(toks) {
				out[len(out)-1] += toks[i+1]
				i++
			}
		case t == "]" && len(out) > 0:
			out[len(out)-1] += "]"
			if i+1 < len(toks) && strings.HasPrefix(toks[i+1], ".") {
				out[len(out)-1] += toks[i+1]
				i++
			}
		case len(out) > 0 && strings.HasSuffix(out[len(out)-1], "["):
			out[len(out)-1] += t
		default:
			out = append(out, t)
		}
	}
	return out
}

// unescapeExpression decodes JSON escapes in string compare values, which
// the parser library leaves as written.
func unescapeExpression(e filter.Expression) error {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		if s, ok := x.CompareValue.(string); ok && strings.Contains(s, `\`) {
			var out string
			if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
				return fmt.Errorf("bad escape in %q", s)
			}
			x.CompareValue = out
		}
	case *filter.LogicalExpression:
		if err := unescapeExpression(x.Left); err != nil {
			return err
		}
		return unescapeExpression(x.Right)
	case *filter.NotExpression:
		return unescapeExpression(x.Expression)
	case *filter.ValuePath:
		return unescapeExpression(x.ValueFilter)
	}
	return nil
}
