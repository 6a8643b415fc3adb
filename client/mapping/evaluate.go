package mapping

import (
	"fmt"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/expr"
)

// Result is the outcome of evaluating an object mapping for one object.
type Result struct {
	// Values maps target paths to values: string, bool or []string
	// (integers and DateTimes are rendered as strings, as Entra sends
	// them). Null values are left out (ENTRA-NULL-01), so a missing key
	// means "do not send".
	Values map[string]any
	// References maps reference target paths (manager, members) to the
	// source object ids to resolve; the engine sends them after the
	// referenced objects exist (ENTRA-REF-01). Empty references are left
	// out.
	References map[string][]string
	// IfTargetEmpty holds None-type defaults on update: write them only if
	// the target attribute has no value (MAP-04).
	IfTargetEmpty map[string]any
}

// Evaluate evaluates every applicable row of the object mapping against a
// source object. isCreate selects create-only behaviour: rows applied
// "only during creation" are skipped on update, and "default value if
// null" is used on create only (ENTRA-NULL-01). env supplies Now, Guid and
// SelectUniqueValue's uniqueness check (nil: real clock, all unique).
func Evaluate(m *ObjectMapping, get expr.Getter, isCreate bool, env *expr.Env) (*Result, error) {
	r := &Result{Values: map[string]any{}}
	for _, a := range m.Attributes {
		if a.Apply == OnlyDuringCreation && !isCreate {
			continue
		}
		if a.Reference {
			v, _ := get(a.Source)
			if ids := toIDs(v); len(ids) > 0 {
				if r.References == nil {
					r.References = map[string][]string{}
				}
				r.References[a.Target] = ids
			}
			continue
		}
		if a.Type == None {
			if isCreate {
				r.Values[a.Target] = a.Default
			} else {
				if r.IfTargetEmpty == nil {
					r.IfTargetEmpty = map[string]any{}
				}
				r.IfTargetEmpty[a.Target] = a.Default
			}
			continue
		}
		v, err := EvaluateAttribute(a, get, env)
		if err != nil {
			return nil, err
		}
		if v == nil && isCreate && a.HasDefault {
			v = a.Default
		}
		if v != nil {
			r.Values[a.Target] = v
		}
	}
	return r, nil
}

// EvaluateUser evaluates a user mapping for a directory user. inScope
// (assignment and scoping) feeds IsSoftDeleted (MAP-03).
func EvaluateUser(m *ObjectMapping, u *directory.User, inScope, isCreate bool, env *expr.Env) (*Result, error) {
	return Evaluate(m, directory.UserSource(u, inScope), isCreate, env)
}

// EvaluateGroup evaluates a group mapping for a directory group.
func EvaluateGroup(m *ObjectMapping, g *directory.Group, isCreate bool, env *expr.Env) (*Result, error) {
	return Evaluate(m, directory.GroupSource(g), isCreate, env)
}

// EvaluateAttribute computes one row's value (nil for null), without the
// create-only default. The engine uses it for matching values.
func EvaluateAttribute(a *Attribute, get expr.Getter, env *expr.Env) (any, error) {
	var v any
	switch a.Type {
	case Direct:
		v, _ = get(a.Source)
	case Constant:
		v = a.Constant
	case Expression:
		if a.expr == nil {
			return nil, fmt.Errorf("attribute %q: mapping not compiled", a.Target)
		}
		var err error
		if v, err = a.expr.Eval(get, env); err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Target, err)
		}
	case None:
		return nil, nil
	}
	return normalize(v), nil
}

// normalize renders values as the SCIM client expects them.
func normalize(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		if t == "" {
			return nil
		}
		return t
	case bool:
		return t
	case []string:
		if len(t) == 0 {
			return nil
		}
		return t
	case int64, int, float64, time.Time:
		s, _ := expr.ToString(t)
		return s
	}
	s, _ := expr.ToString(v)
	return s
}

// MatchValue returns the string value of a matching attribute, or "" when
// it has none (the object is then skipped with ImportSkipped if no
// matching attribute has a value, ENTRA-MATCH-02).
func MatchValue(a *Attribute, get expr.Getter, env *expr.Env) (string, error) {
	v, err := EvaluateAttribute(a, get, env)
	if err != nil || v == nil {
		return "", err
	}
	s, _ := expr.ToString(v)
	return s, nil
}

func toIDs(v any) []string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case []string:
		return t
	}
	return nil
}
