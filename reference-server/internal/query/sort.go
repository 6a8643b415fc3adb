package query

import (
	"sort"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Sort orders resources in place by the attribute path sortBy
// (RFC 7644 §3.4.2.3), ascending unless sortOrder is "descending"
// (case-insensitive). A multi-valued attribute sorts by its primary (else
// first) value; a complex one by its "value". Resources without a value
// sort last in either order. Strings compare according to caseExact,
// numbers numerically, dateTimes chronologically. The sort is stable; an
// empty sortBy leaves the order as is. A sortBy that names a complex
// attribute without a "value", or an unknown attribute of a known schema
// URN, is 400 invalidValue; attributes no schema defines sort by their
// stored value (strings ignoring case). A sortOrder other than ascending
// or descending is 400 invalidValue.
func Sort(rt *schema.Resource, resources []resource.Resource, sortBy, sortOrder string) error {
	desc := false
	switch strings.ToLower(strings.TrimSpace(sortOrder)) {
	case "", "ascending":
	case "descending":
		desc = true
	default:
		return protocol.Errorf(400, protocol.ScimTypeInvalidValue, "sortOrder must be ascending or descending, got %q", sortOrder)
	}
	sortBy = strings.TrimSpace(sortBy)
	if sortBy == "" {
		return nil
	}
	key, err := sortKeyFunc(rt, sortBy)
	if err != nil {
		return err
	}
	type keyed struct {
		r   resource.Resource
		k   any
		typ string
		ce  bool
	}
	ks := make([]keyed, len(resources))
	for i, r := range resources {
		k, typ, ce := key(r)
		ks[i] = keyed{r, k, typ, ce}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.k == nil || b.k == nil {
			return a.k != nil // values first, missing last
		}
		c := cmpValues(a.k, b.k, a.typ, a.ce)
		if desc {
			return c > 0
		}
		return c < 0
	})
	for i := range ks {
		resources[i] = ks[i].r
	}
	return nil
}

// sortKeyFunc returns a function giving a resource's sort key, the type
// to compare it as and caseExact.
func sortKeyFunc(rt *schema.Resource, sortBy string) (func(resource.Resource) (any, string, bool), error) {
	ref, ok := rt.Find(sortBy)
	if !ok {
		if uri, _ := schema.SplitURN(rt, sortBy); uri != "" {
			return nil, protocol.Errorf(400, protocol.ScimTypeInvalidValue, "sortBy: unknown attribute %q", sortBy)
		}
		name, sub, _ := strings.Cut(sortBy, ".")
		return func(r resource.Resource) (any, string, bool) {
			vals := genericValues(getCI(r, name), sub)
			k := pick(vals)
			return k, guessType(k), false
		}, nil
	}
	target := ref.Target()
	useValue := false
	if target.Complex() {
		if target.Sub("value") == nil {
			return nil, protocol.Errorf(400, protocol.ScimTypeInvalidValue, "sortBy: %q is complex; name a sub-attribute", ref.String())
		}
		target, useValue = target.Sub("value"), true
	}
	return func(r resource.Resource) (any, string, bool) {
		v := attrValue(r, ref)
		if ref.Attr.MultiValued {
			v = primaryElement(v)
		}
		vals := values(v, useValue, ref.Sub)
		return pick(vals), target.Type, target.CaseExact
	}, nil
}

// primaryElement returns the element flagged primary, else the first.
func primaryElement(v any) any {
	els := elements(v)
	for _, e := range els {
		if m, ok := e.(map[string]any); ok {
			if p, _ := resource.ParseBool(m["primary"]); p {
				return e
			}
		}
	}
	if len(els) > 0 {
		return els[0]
	}
	return nil
}

func pick(vals []any) any {
	for _, v := range vals {
		if present(v) {
			return v
		}
	}
	return nil
}

// cmpValues three-way compares two sort keys; keys of mismatched types
// compare by their text.
func cmpValues(a, b any, typ string, caseExact bool) int {
	switch typ {
	case schema.TypeInteger, schema.TypeDecimal:
		fa, ok1 := resource.Number(a)
		fb, ok2 := resource.Number(b)
		if ok1 && ok2 {
			return cmpFloat(fa, fb)
		}
	case schema.TypeBoolean:
		ba, ok1 := resource.ParseBool(a)
		bb, ok2 := resource.ParseBool(b)
		if ok1 && ok2 {
			switch {
			case ba == bb:
				return 0
			case !ba:
				return -1
			}
			return 1
		}
	case schema.TypeDateTime:
		sa, _ := a.(string)
		sb, _ := b.(string)
		ta, err1 := resource.ParseDateTime(sa)
		tb, err2 := resource.ParseDateTime(sb)
		if err1 == nil && err2 == nil {
			return ta.Compare(tb)
		}
	}
	sa, sb := textOf(a), textOf(b)
	if !caseExact {
		sa, sb = strings.ToLower(sa), strings.ToLower(sb)
	}
	return strings.Compare(sa, sb)
}
