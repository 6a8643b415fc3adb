// Package patch applies SCIM PATCH operations (RFC 7644 §3.5.2) to a
// resource.Resource in both of Entra's dialects (spec section 3,
// ENTRA-PATCH-01..13, ENTRA-FLOW-07..10 and 15..17).
//
// Operations are applied in order to a deep copy; the first failing
// operation aborts the whole request and the input is left untouched
// (ENTRA-PATCH-11). Errors are *protocol.Error with status 400:
// invalidSyntax (missing or unknown op, missing value, value not JSON),
// invalidPath (malformed path, unknown attribute of a known schema, value
// filter on an attribute that is not multi-valued), invalidFilter (a value
// filter comparing the wrong types), invalidValue (value of the wrong type,
// duplicate type, clearing a required attribute), noTarget (remove without
// a path; a value filter that matches nothing where no upsert is possible),
// mutability (readOnly attributes such as id, meta, groups; removing a
// required attribute such as userName or displayName).
//
// Choices where the RFC leaves room or Entra needs more:
//   - op is case-insensitive ("Replace", ENTRA-PATCH-01);
//   - a path-less add/replace takes an object whose keys are attribute
//     paths: plain names, nested objects (merged), dotted
//     ("name.givenName") and URN-qualified names, and extension objects
//     under their URN (ENTRA-PATCH-04);
//   - add/replace with "" or null clears an optional attribute
//     (ENTRA-PATCH-12; the manager also with {"value":""}, ENTRA-FLOW-08);
//   - replace or add on `emails[type eq "work"].value` with no such element
//     creates {"type":"work","value":…} when the type is one of the
//     attribute's canonical values (ENTRA-PATCH-07), else noTarget;
//   - removing values that are not there (a non-member) is not an error
//     (ENTRA-FLOW-17); adding a member twice keeps one (ENTRA-FLOW-16);
//   - attributes no schema defines are written as sent, as on POST
//     (ENTRA-REQ-12), except under a known schema URN (invalidPath);
//   - the write-only password is never stored; Result.Password carries it.
package patch

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Result is what ApplyDetailed produced.
type Result struct {
	// Resource is the patched copy.
	Resource resource.Resource
	// MembersAdded and MembersRemoved are the member ids (Group "members"
	// values) that the request added or removed, compared with the input,
	// in order. An id added and removed in the same request appears in
	// neither (ENTRA-PATCH-13).
	MembersAdded   []string
	MembersRemoved []string
	// Password is set when an operation set the write-only password; it is
	// never stored in Resource.
	Password *string
}

// Apply applies ops to a copy of res (of type rt) and returns the copy.
// res is never modified; the copy shares the values of the attributes the
// operations leave alone with res (see ApplyOperations).
func Apply(rt *schema.Resource, res resource.Resource, ops []protocol.PatchOperation) (resource.Resource, error) {
	r, err := ApplyDetailed(rt, res, ops)
	if err != nil {
		return nil, err
	}
	return r.Resource, nil
}

// ApplyDetailed is Apply that also reports the member changes and a
// password set by the request.
func ApplyDetailed(rt *schema.Resource, res resource.Resource, ops []protocol.PatchOperation) (*Result, error) {
	return ApplyOperations(rt, res, FromProtocol(ops))
}

// ApplyOperations is ApplyDetailed for operations read by DecodeRequest.
// Their decoded values may end up in the result, so each slice of
// operations is applied once.
//
// The result shares with res the values of the top-level attributes the
// operations do not touch (a touched one is deep-copied before its first
// change, see own), so neither may be modified afterwards.
func ApplyOperations(rt *schema.Resource, res resource.Resource, ops []Operation) (*Result, error) {
	a := &applier{rt: rt, res: maps.Clone(res)}
	if a.res == nil {
		a.res = resource.Resource{}
	}
	for i := range ops {
		if err := a.apply(&ops[i]); err != nil {
			return nil, opError(i, err)
		}
	}
	a.tidyExtensions()
	out := &Result{Resource: a.res, Password: a.password}
	if members := rt.Core.Attr("members"); members != nil {
		before, after := memberIDs(res, members), memberIDs(a.res, members)
		out.MembersAdded = minus(after, before)
		out.MembersRemoved = minus(before, after)
	}
	return out, nil
}

// opError prefixes the detail with the failing operation's index.
func opError(i int, err error) error {
	var se *protocol.Error
	if errors.As(err, &se) {
		return protocol.Errorf(se.StatusCode(), se.ScimType, "Operations[%d]: %s", i, se.Detail)
	}
	return protocol.Errorf(400, protocol.ScimTypeInvalidValue, "Operations[%d]: %v", i, err)
}

type applier struct {
	rt       *schema.Resource
	res      resource.Resource // top level private; values shared until owned
	password *string
	owned    []string // top-level keys whose values are private copies
}

// own makes the value of the top-level key k a private deep copy, once,
// before anything below it is changed: the input's nested values are
// shared (ENTRA-PATCH-11: the input is never modified).
func (a *applier) own(k string) {
	if slices.Contains(a.owned, k) {
		return
	}
	a.owned = append(a.owned, k)
	if v, ok := a.res[k]; ok {
		a.res[k] = resource.CloneValue(v)
	}
}

func (a *applier) apply(op *Operation) error {
	name := protocol.NormalizeOp(op.Op)
	switch name {
	case protocol.OpAdd, protocol.OpRemove, protocol.OpReplace:
	case "":
		return protocol.NewError(400, protocol.ScimTypeInvalidSyntax, "op is required (add, remove or replace)")
	default:
		return protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "unknown op %q (want add, remove or replace)", op.Op)
	}
	val, hasValue, err := op.Decoded()
	if err != nil {
		return err
	}
	if name != protocol.OpRemove && !hasValue {
		return protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "%s needs a value", name)
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		if name == protocol.OpRemove {
			return protocol.NewError(400, protocol.ScimTypeNoTarget, "remove needs a path")
		}
		return a.pathless(name, val)
	}
	return a.applyPath(name, path, val, hasValue)
}

// pathless applies an add/replace without a path: each key of the value
// object is a path (ENTRA-PATCH-04). Keys are applied in sorted order so
// that "name" comes before "name.givenName".
func (a *applier) pathless(op string, val any) error {
	m, ok := val.(map[string]any)
	if !ok {
		return protocol.Errorf(400, protocol.ScimTypeInvalidValue, "%s without a path needs an object value, got %s", op, kindOf(val))
	}
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(k, "schemas") {
			continue // the resource's schemas follow from its attributes
		}
		if id, ok := m[k].(string); ok && strings.EqualFold(k, "id") && id == a.res["id"] {
			continue // a client echoing the resource's own id changes nothing
		}
		if err := a.applyKey(op, k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// applyKey applies one key of a path-less value object, or of an
// extension object (then k is URN-qualified).
func (a *applier) applyKey(op, k string, v any) error {
	if isURN(k) && a.rt.Extension(k) == nil && a.rt.Schema(k) == nil {
		// A custom extension's object under its URN ({"urn:…:Contoso:2.0:User":
		// {"badge":"7"}}): its keys are that extension's attributes.
		if obj, ok := v.(map[string]any); ok {
			for _, sk := range sortedKeys(obj) {
				if err := a.applyPath(op, k+":"+sk, obj[sk], true); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return a.applyPath(op, k, v, true)
}

func isURN(s string) bool { return len(s) > 4 && strings.EqualFold(s[:4], "urn:") }

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// tidyExtensions drops empty extension objects and lists the URN of every
// extension in use in "schemas".
func (a *applier) tidyExtensions() {
	for _, ext := range a.rt.Extensions {
		id := ext.Schema.ID
		obj, ok := a.res[id].(map[string]any)
		if !ok {
			continue
		}
		if len(obj) == 0 {
			delete(a.res, id)
			continue
		}
		schemas, _ := a.res["schemas"].([]any)
		listed := false
		for _, s := range schemas {
			if str, ok := s.(string); ok && strings.EqualFold(str, id) {
				listed = true
			}
		}
		if !listed {
			a.res["schemas"] = append(slices.Clone(schemas), id)
		}
	}
}

// memberIDs lists the member values of a group.
func memberIDs(r resource.Resource, members *schema.Attribute) []string {
	var ids []string
	arr, _ := r[members.Name].([]any)
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			if v, ok := m["value"].(string); ok {
				ids = append(ids, v)
			}
		}
	}
	return ids
}

// minus returns the ids of a that are not in b, without duplicates.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, id := range b {
		in[id] = true
	}
	var out []string
	for _, id := range a {
		if !in[id] {
			in[id] = true
			out = append(out, id)
		}
	}
	return out
}
