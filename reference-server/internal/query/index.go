package query

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Indexed attribute names returned by IndexLookup and IndexTerms.
const (
	IndexID          = "id"
	IndexUserName    = "userName"
	IndexExternalID  = "externalId"
	IndexDisplayName = "displayName"
	// IndexManager is the enterprise manager's value (manager.value).
	IndexManager = "manager"
	// IndexWorkEmail is the value of the emails element of type "work".
	IndexWorkEmail = "emails.work"
	// IndexMember is a group member's value (`members eq "id"`,
	// `members[value eq "id"]`).
	IndexMember = "members"
)

// IndexCaseExact reports whether values of the indexed attribute compare
// case-sensitively (id, externalId, manager, members: ids) or not
// (userName, displayName, emails.work); a store must fold case
// (strings.ToLower) for the latter when it indexes and looks up.
func IndexCaseExact(attr string) bool {
	switch attr {
	case IndexID, IndexExternalID, IndexManager, IndexMember:
		return true
	}
	return false
}

// Term is an equality on an indexed attribute.
type Term struct {
	Attr  string // one of the Index* names
	Value string // as written in the filter; fold per IndexCaseExact
}

// indexPreference orders the terms IndexLookup picks from: the most
// selective first.
var indexPreference = []string{IndexID, IndexUserName, IndexExternalID, IndexDisplayName, IndexWorkEmail, IndexManager, IndexMember}

// IndexLookup finds an equality `attr eq "value"` on an indexed attribute
// that must hold for the whole of expr to hold (a top-level term, or a term
// on either side of an `and`), e.g. the id of `id eq "x" and manager eq "y"`.
// The store can fetch the candidates by index and then call Match on each.
// ok is false when no such equality exists (scan everything). Preference:
// id, userName, externalId, displayName, emails.work, manager, members. A
// store that lacks one of these indexes should use IndexTerms instead and
// pick a term it has.
func IndexLookup(expr filter.Expression) (attr, value string, ok bool) {
	var buf [4]Term
	terms := buf[:0]
	collectTerms(expr, &terms, 0)
	for _, want := range indexPreference {
		for _, t := range terms {
			if t.Attr == want {
				return t.Attr, t.Value, true
			}
		}
	}
	return "", "", false
}

// IndexTerms lists every indexed equality that must hold for expr to hold,
// in the order they appear. Terms under `or` or `not` are not listed, as
// they need not hold.
func IndexTerms(expr filter.Expression) []Term {
	var out []Term
	collectTerms(expr, &out, 0)
	return out
}

func collectTerms(expr filter.Expression, out *[]Term, depth int) {
	if depth > maxDepth {
		return
	}
	switch x := expr.(type) {
	case *filter.LogicalExpression:
		if strings.EqualFold(string(x.Operator), string(filter.AND)) {
			collectTerms(x.Left, out, depth+1)
			collectTerms(x.Right, out, depth+1)
		}
	case *filter.AttributeExpression:
		if t, ok := attrTerm(x); ok {
			*out = append(*out, t)
		}
	case *filter.ValuePath:
		if t, ok := valuePathTerm(x); ok {
			*out = append(*out, t)
		}
	}
}

// indexedPaths maps lower-cased attribute paths, with the URN of their
// schema or without, to index names.
var indexedPaths = func() map[string]string {
	m := map[string]string{}
	add := func(uris []string, path, index string) {
		m[strings.ToLower(path)] = index
		for _, u := range uris {
			m[strings.ToLower(u+":"+path)] = index
		}
	}
	core := []string{protocol.UserSchema, protocol.GroupSchema}
	add(core, "id", IndexID)
	add(core, "userName", IndexUserName)
	add(core, "externalId", IndexExternalID)
	add(core, "displayName", IndexDisplayName)
	add(core, "members", IndexMember)
	add(core, "members.value", IndexMember)
	ent := []string{protocol.EnterpriseUserSchema}
	add(ent, "manager", IndexManager)
	add(ent, "manager.value", IndexManager)
	return m
}()

func attrTerm(x *filter.AttributeExpression) (Term, bool) {
	if normOp(x.Operator) != filter.EQ {
		return Term{}, false
	}
	v, ok := x.CompareValue.(string)
	if !ok {
		return Term{}, false
	}
	idx, ok := indexedPaths[strings.ToLower(x.AttributePath.String())]
	if !ok {
		return Term{}, false
	}
	return Term{Attr: idx, Value: v}, true
}

// valuePathTerm recognises emails[type eq "work" and value eq "x"] (the
// form protocol.ParseFilter gives `emails[type eq "work"].value eq "x"`)
// and members[value eq "id"].
func valuePathTerm(x *filter.ValuePath) (Term, bool) {
	p := x.AttributePath
	if p.SubAttribute != nil {
		return Term{}, false
	}
	switch strings.ToLower(p.AttributeName) {
	case "emails":
		if p.URIPrefix != nil && !strings.EqualFold(p.URI(), protocol.UserSchema) {
			return Term{}, false
		}
		eqs := subEqualities(x.ValueFilter)
		if t, ok := eqs["type"]; ok && strings.EqualFold(t, "work") {
			if v, ok := eqs["value"]; ok {
				return Term{Attr: IndexWorkEmail, Value: v}, true
			}
		}
	case "members":
		if p.URIPrefix != nil && !strings.EqualFold(p.URI(), protocol.GroupSchema) {
			return Term{}, false
		}
		if v, ok := subEqualities(x.ValueFilter)["value"]; ok {
			return Term{Attr: IndexMember, Value: v}, true
		}
	}
	return Term{}, false
}

// subEqualities collects `sub eq "string"` terms joined by `and` inside a
// value filter, keyed by lower-cased sub-attribute name. A name that
// appears twice is left out (it cannot be both).
func subEqualities(expr filter.Expression) map[string]string {
	out := map[string]string{}
	dup := map[string]bool{}
	var walk func(filter.Expression)
	walk = func(e filter.Expression) {
		switch x := e.(type) {
		case *filter.LogicalExpression:
			if strings.EqualFold(string(x.Operator), string(filter.AND)) {
				walk(x.Left)
				walk(x.Right)
			}
		case *filter.AttributeExpression:
			v, ok := x.CompareValue.(string)
			if !ok || normOp(x.Operator) != filter.EQ || x.AttributePath.SubAttribute != nil || x.AttributePath.URIPrefix != nil {
				return
			}
			k := strings.ToLower(x.AttributePath.AttributeName)
			if _, seen := out[k]; seen {
				dup[k] = true
			}
			out[k] = v
		}
	}
	walk(expr)
	for k := range dup {
		delete(out, k)
	}
	return out
}
