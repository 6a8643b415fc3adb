package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/patch"
)

func TestReferencedMembers(t *testing.T) {
	o := func(op, path, value string) protocol.PatchOperation {
		return protocol.PatchOperation{Op: op, Path: path, Value: json.RawMessage(value)}
	}
	cases := []struct {
		name string
		ops  []protocol.PatchOperation
		ids  []string
		ok   bool
	}{
		{"legacy add", []protocol.PatchOperation{o("Add", "members", `[{"$ref":null,"value":"a"},{"value":"b"}]`)}, []string{"a", "b"}, true},
		{"legacy remove", []protocol.PatchOperation{o("Remove", "members", `[{"value":"a"}]`)}, []string{"a"}, true},
		{"compliant remove", []protocol.PatchOperation{o("remove", `members[value eq "a"]`, ``)}, []string{"a"}, true},
		{"add then remove", []protocol.PatchOperation{o("add", "members", `[{"value":"a"}]`), o("remove", `members[value eq "a"]`, ``)}, []string{"a", "a"}, true},
		{"remove all", []protocol.PatchOperation{o("remove", "members", ``)}, nil, false},
		{"replace", []protocol.PatchOperation{o("replace", "members", `[{"value":"a"}]`)}, nil, false},
		{"rename too", []protocol.PatchOperation{o("add", "members", `[{"value":"a"}]`), o("replace", "displayName", `"x"`)}, nil, false},
		{"other filter", []protocol.PatchOperation{o("remove", `members[display eq "a"]`, ``)}, nil, false},
		{"or filter", []protocol.PatchOperation{o("remove", `members[value eq "a" or value eq "b"]`, ``)}, nil, false},
		{"object value", []protocol.PatchOperation{o("add", "members", `{"value":"a"}`)}, nil, false},
		{"no path", []protocol.PatchOperation{o("add", "", `{"members":[{"value":"a"}]}`)}, nil, false},
	}
	for _, c := range cases {
		ids, ok := referencedMembers(patch.FromProtocol(c.ops))
		if ok != c.ok || (ok && !reflect.DeepEqual(ids, c.ids)) {
			t.Errorf("%s: got %v %v, want %v %v", c.name, ids, ok, c.ids, c.ok)
		}
	}
}

// ENTRA-FLOW-16/17 on a group with other members: the patch on the
// referenced members keeps the others.
func TestMemberPatchKeepsOtherMembers_FLOW16(t *testing.T) {
	e := newEnv(t)
	u1, u2, u3 := e.createUser("k1@contoso.com"), e.createUser("k2@contoso.com"), e.createUser("k3@contoso.com")
	gid := e.createGroup("Keep")
	add := func(id string) {
		if r := e.do("PATCH", "/Groups/"+gid, patchBody(op("Add", "members", []any{map[string]any{"value": id}}))); r.status != http.StatusNoContent {
			t.Fatalf("add %s: %d %s", id, r.status, r.raw)
		}
	}
	add(u1)
	add(u2)
	add(u3)
	add(u2) // idempotent
	e.do("PATCH", "/Groups/"+gid, patchBody(op("Remove", "members", []any{map[string]any{"value": u2}})))
	if got := memberValues(e.get("/Groups/" + gid)); !reflect.DeepEqual(got, []string{u1, u3}) {
		t.Fatalf("members %v, want [%s %s]", got, u1, u3)
	}
	// Path-less and replace forms still work on the whole member list.
	if r := e.do("PATCH", "/Groups/"+gid, patchBody(op("replace", "members", []any{map[string]any{"value": u2}}))); r.status != http.StatusNoContent {
		t.Fatalf("replace members: %d %s", r.status, r.raw)
	}
	if got := memberValues(e.get("/Groups/" + gid)); !reflect.DeepEqual(got, []string{u2}) {
		t.Fatalf("after replace: %v", got)
	}
	if r := e.do("PATCH", "/Groups/"+gid, patchBody(op("remove", "members", nil))); r.status != http.StatusNoContent {
		t.Fatalf("remove all: %d %s", r.status, r.raw)
	}
	if got := memberValues(e.get("/Groups/" + gid)); len(got) != 0 {
		t.Fatalf("after remove all: %v", got)
	}
}
