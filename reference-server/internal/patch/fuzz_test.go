package patch

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

const fuzzUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"id":"u1","userName":"alice","active":true,"name":{"givenName":"A","familyName":"B"},
	"emails":[{"type":"work","value":"a@w","primary":true},{"type":"home","value":"a@h"}],
	"roles":[{"value":"r","type":"t"}],"custom":{"x":[1,"y"]},
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m1"}}}`

const fuzzGroup = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"G",
	"members":[{"value":"u1"},{"value":"u2","type":"User"}]}`

// FuzzApply checks that no operation panics, that every error is a
// *protocol.Error with status 400, that the input is never modified and
// that a successful result is still valid JSON with its required attribute.
func FuzzApply(f *testing.F) {
	seeds := []struct{ op, path, value string }{
		{"Replace", "active", `"False"`},
		{"replace", "", `{"displayName":"x","name.givenName":"y","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1"}`},
		{"Replace", `emails[type eq "work"].value`, `"b@w"`},
		{"add", `phoneNumbers[type eq "mobile"].value`, `"1"`},
		{"add", protocol.ManagerPath, `"m2"`},
		{"Add", "manager", `[{"$ref":null,"value":"m3"}]`},
		{"replace", protocol.ManagerPath, `{"value":""}`},
		{"Add", "members", `[{"$ref":null,"value":"u3"}]`},
		{"Remove", "members", `[{"value":"u1"}]`},
		{"remove", `members[value eq "u2"]`, ``},
		{"replace", "members", `[{"value":"u9"}]`},
		{"remove", "userName", ``},
		{"replace", "title", `null`},
		{"replace", "name", `""`},
		{"add", "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge", `{"a":1}`},
		{"replace", "", `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m"}}`},
		{"remove", "emails.value", ``},
		{"replace", `emails[type eq "work" and primary eq true]`, `{"value":"z"}`},
		{"replace", "meta.created", `"x"`},
		{"", "", ``},
		{"add", "emails", `{"value":"single"}`},
		{"replace", "x[y eq 1].z", `1e999`},
		{"add", "displayName", `"g2"`},
	}
	for _, s := range seeds {
		f.Add(s.op, s.path, s.value, false)
		f.Add(s.op, s.path, s.value, true)
	}
	user, _ := resource.Decode([]byte(fuzzUser))
	group, _ := resource.Decode([]byte(fuzzGroup))
	f.Fuzz(func(t *testing.T, op, path, value string, isGroup bool) {
		rt, start := schema.User(), user
		if isGroup {
			rt, start = schema.Group(), group
		}
		orig := start.Clone()
		o := protocol.PatchOperation{Op: op, Path: path, Value: json.RawMessage(value)}
		got, err := Apply(rt, start, []protocol.PatchOperation{o, o})
		if !reflect.DeepEqual(start, orig) {
			t.Fatal("input modified")
		}
		if err != nil {
			var se *protocol.Error
			if !errors.As(err, &se) || se.Status != "400" || se.ScimType == "" {
				t.Fatalf("want *protocol.Error 400 with scimType, got %T %v", err, err)
			}
			return
		}
		if _, err := got.Marshal(); err != nil {
			t.Fatalf("result not marshalable: %v", err)
		}
		required := "userName"
		if isGroup {
			required = "displayName"
		}
		if s, _ := got[required].(string); s == "" {
			t.Fatalf("required %s lost: %v", required, got)
		}
		if _, ok := got["password"]; ok {
			t.Fatal("password stored")
		}
		// What PATCH produces, POST/PUT must accept as it is: a patch cannot
		// create a resource the server would refuse to store.
		body := got.Clone()
		delete(body, "id")
		b, _ := body.Marshal()
		again, err := resource.Normalize(rt, b)
		if err != nil {
			t.Fatalf("patched resource fails Normalize: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(map[string]any(again), map[string]any(body)) {
			b2, _ := again.Marshal()
			t.Fatalf("patched resource is not normal:\n%s\n%s", b, b2)
		}
	})
}

// BenchmarkApplyMemberAdd measures adding one member to a group of 1,000
// (ENTRA-FLOW-16).
func BenchmarkApplyMemberAdd(b *testing.B) {
	members := make([]any, 1000)
	for i := range members {
		members[i] = map[string]any{"value": "00000000-0000-4000-8000-" + pad12(i)}
	}
	g := resource.Resource{"schemas": []any{protocol.GroupSchema}, "id": "g1", "displayName": "Big", "members": members}
	ops := []protocol.PatchOperation{{Op: "Add", Path: "members", Value: json.RawMessage(`[{"$ref":null,"value":"new-member"}]`)}}
	b.ReportAllocs()
	for b.Loop() {
		r, err := ApplyDetailed(schema.Group(), g, ops)
		if err != nil || len(r.MembersAdded) != 1 {
			b.Fatalf("%v %v", r, err)
		}
	}
}

func pad12(i int) string {
	s := "000000000000"
	d := []byte(s)
	for p := 11; i > 0 && p >= 0; p-- {
		d[p] = byte('0' + i%10)
		i /= 10
	}
	return string(d)
}
