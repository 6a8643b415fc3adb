package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
)

// schemaAttr finds a top-level attribute in a /Schemas/{id} answer.
func schemaAttr(t *testing.T, doc resp, name string) map[string]any {
	t.Helper()
	attrs, _ := doc.body["attributes"].([]any)
	for _, a := range attrs {
		if m, _ := a.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no attribute %q in %s", name, doc.raw)
	return nil
}

func subAttr(t *testing.T, a map[string]any, name string) map[string]any {
	t.Helper()
	subs, _ := a["subAttributes"].([]any)
	for _, s := range subs {
		if m, _ := s.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no sub-attribute %q in %v", name, a["name"])
	return nil
}

func strs(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// ENTRA-REQ-15, RFC 7643 §7: the Group schema says what the server does
// with members: users only (referenceTypes ["User"], type "User", the
// description), and a group as a member is refused as it says.
func TestGroupSchemaMembersAreUsers_REQ15(t *testing.T) {
	e := newEnv(t)
	doc := e.get("/Schemas/" + protocol.GroupSchema)
	expect(t, doc, http.StatusOK)
	members := schemaAttr(t, doc, "members")
	if d, _ := members["description"].(string); !strings.Contains(d, "Members must be Users of this account") ||
		!strings.Contains(d, "no nested groups") || !strings.Contains(d, "400 invalidValue") {
		t.Fatalf("members description does not say members are users: %q", d)
	}
	if got := strs(subAttr(t, members, "$ref")["referenceTypes"]); !slices.Equal(got, []string{"User"}) {
		t.Fatalf("members.$ref referenceTypes %v, want [User]", got)
	}
	if got := strs(subAttr(t, members, "type")["canonicalValues"]); !slices.Equal(got, []string{"User"}) {
		t.Fatalf("members.type canonicalValues %v, want [User]", got)
	}
	// What it says holds: a group is no member, a user is.
	g, other, u := e.createGroup("G"), e.createGroup("Other"), e.createUser("u@x")
	for _, body := range []map[string]any{
		patchBody(op("add", "members", []any{map[string]any{"value": other}})),
		patchBody(op("add", "members", []any{map[string]any{"value": u}, map[string]any{"value": other, "type": "Group"}})),
	} {
		r := e.do("PATCH", "/Groups/"+g, body)
		expect(t, r, http.StatusBadRequest)
		if r.str("scimType") != protocol.ScimTypeInvalidValue {
			t.Fatalf("scimType %q", r.str("scimType"))
		}
	}
	for _, c := range []struct{ method, path string }{{"POST", "/Groups"}, {"PUT", "/Groups/" + g}} {
		r := e.do(c.method, c.path, map[string]any{"displayName": "G" + c.method, "members": []any{map[string]any{"value": other}}})
		expect(t, r, http.StatusBadRequest)
		if r.str("scimType") != protocol.ScimTypeInvalidValue {
			t.Fatalf("%s %s: scimType %q", c.method, c.path, r.str("scimType"))
		}
	}
	if r := e.get("/Groups/" + g); r.body["members"] != nil && len(r.body["members"].([]any)) != 0 {
		t.Fatalf("a refused PATCH changed the members: %s", r.raw)
	}
	expect(t, e.do("PATCH", "/Groups/"+g, patchBody(op("add", "members", []any{map[string]any{"value": u}}))), http.StatusNoContent)
	if got := e.get("/Users/" + u); !strings.Contains(string(got.raw), g) {
		t.Fatalf("user not a member: %s", got.raw)
	}
	// A user's groups refer to groups only.
	user := e.get("/Schemas/" + protocol.UserSchema)
	if got := strs(subAttr(t, schemaAttr(t, user, "groups"), "$ref")["referenceTypes"]); !slices.Equal(got, []string{"Group"}) {
		t.Fatalf("groups.$ref referenceTypes %v, want [Group]", got)
	}
}

// ENTRA-REQ-15: every writable multi-valued attribute of the User schema
// with a type says in /Schemas whether it keeps one element per type, and
// the server does as it says: two elements of one type are refused where
// the description says so and kept where it does not; a PATCH add of a
// present type replaces that element.
func TestUserSchemaOneElementPerType_REQ15(t *testing.T) {
	e := newEnv(t)
	doc := e.get("/Schemas/" + protocol.UserSchema)
	expect(t, doc, http.StatusOK)
	value := map[string]any{"emails": "a@x", "phoneNumbers": "+1 555", "ims": "im", "photos": "https://x.example/p.png",
		"roles": "r", "entitlements": "e"}
	attrs, _ := doc.body["attributes"].([]any)
	checked, unique := 0, 0
	for i, a := range attrs {
		m := a.(map[string]any)
		name, _ := m["name"].(string)
		if m["multiValued"] != true || m["type"] != "complex" || m["mutability"] == "readOnly" {
			continue
		}
		typ := subAttr(t, m, "type")
		t.Run(name, func(t *testing.T) {
			checked++
			tv := "x"
			if cv := strs(typ["canonicalValues"]); len(cv) > 0 {
				tv = cv[0]
			}
			elem := func(v string) map[string]any {
				el := map[string]any{"type": tv}
				if _, ok := value[name]; ok {
					el["value"] = v
				} else {
					el["locality"] = v // addresses have no value
				}
				return el
			}
			first, second := fmt.Sprint(value[name], "1"), fmt.Sprint(value[name], "2")
			if name == "photos" {
				first, second = "https://x.example/1.png", "https://x.example/2.png"
			}
			desc, _ := m["description"].(string)
			says := strings.Contains(desc, "At most one element per type")
			if says {
				unique++
			}
			r := e.do("POST", "/Users", user(fmt.Sprintf("u%d@x", i), name, []any{elem(first), elem(second)}))
			if says {
				expect(t, r, http.StatusBadRequest)
				if r.str("scimType") != protocol.ScimTypeInvalidValue {
					t.Fatalf("scimType %q", r.str("scimType"))
				}
			} else {
				expect(t, r, http.StatusCreated)
				return
			}
			id := e.createUser(fmt.Sprintf("v%d@x", i), name, []any{elem(first)})
			r = e.do("PATCH", "/Users/"+id, patchBody(op("replace", name, []any{elem(first), elem(second)})))
			expect(t, r, http.StatusBadRequest)
			r = e.do("PATCH", "/Users/"+id, patchBody(op("add", name, []any{elem(second)})))
			expect(t, r, http.StatusOK)
			got, _ := r.body[name].([]any)
			if len(got) != 1 || !strings.Contains(fmt.Sprint(got[0]), second) {
				t.Fatalf("PATCH add of a present type: %v, want the one element replaced by %q", got, second)
			}
		})
	}
	// emails, phoneNumbers, ims, photos, addresses; roles, entitlements.
	if checked != 7 || unique != 5 {
		t.Fatalf("checked %d attributes, %d one-per-type; want 7 and 5", checked, unique)
	}
}
