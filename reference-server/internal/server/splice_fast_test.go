package server

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// renderUser must give exactly what Project + Marshal give without
// attributes/excludedAttributes.
func TestSpliceMatchesProject(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	ids := []string{
		e.createUser("full@contoso.com", "displayName", "Full User", "title", "CFO", "password", "pw", "custom:attr", map[string]any{"x": []any{1, "two", nil}},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", map[string]any{"manager": boss, "department": "Finance", "employeeNumber": "42"},
			"phoneNumbers", []any{map[string]any{"type": "work", "value": "+1 555"}}),
		boss,
	}
	gid := e.createGroup("G")
	e.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": ids[0]}})))
	ctx := context.Background()
	for _, id := range ids {
		u, err := e.st.User(ctx, "acme", id)
		if err != nil {
			t.Fatal(err)
		}
		res, err := resource.Decode(u.Doc)
		if err != nil {
			t.Fatal(err)
		}
		res["id"] = id
		res["meta"] = metaOf("User", "http://x/Users/"+id, u.Created, u.LastModified, u.Version)
		if id == ids[0] {
			res["groups"] = []any{map[string]any{"value": gid, "display": "G"}}
		}
		fast, err := renderUser(res, u.Doc)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := project(userKind.rt, res, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(fast, &a); err != nil {
			t.Fatalf("splice is not JSON: %s", fast)
		}
		json.Unmarshal(slow, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("splice %s\n!= project %s", fast, slow)
		}
	}
	// Through HTTP: the filter answer (splice) equals GET by id with a
	// projection that keeps everything (Project path).
	fast := e.get("/Users/" + ids[0])
	slow := e.get("/Users/" + ids[0] + "?excludedAttributes=nothing")
	if !reflect.DeepEqual(fast.body, slow.body) {
		t.Fatalf("GET %s\n!= projected %s", fast.raw, slow.raw)
	}
}

func TestAppendJSONStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "a", `a"b`, `back\slash`, "é ü 中", "\n\t\x01", "<&>", "\x7f", "W/\"3\""} {
		var got string
		if err := json.Unmarshal(appendJSONString(nil, s), &got); err != nil || got != s {
			t.Fatalf("%q: got %q, %v", s, got, err)
		}
	}
	// Unusual meta still renders as valid JSON.
	b, err := renderUser(resource.Resource{"id": "x", "meta": map[string]any{"resourceType": "User", "n": 1}}, []byte(`{"userName":"a"}`))
	var m map[string]any
	if err != nil || json.Unmarshal(b, &m) != nil || m["meta"].(map[string]any)["n"] != float64(1) || m["userName"] != "a" {
		t.Fatalf("fallback meta: %s %v", b, err)
	}
	if _, err := renderUser(resource.Resource{"id": "x"}, []byte(`[]`)); err == nil {
		t.Fatal("a non-object document must be an error")
	}
}

// renderStoredUser writes id and meta from the record: the same bytes as
// renderUser on the resource userResource and enrich build, for plain and
// unusual ids, bases, dates and versions, with and without groups.
func TestRenderStoredUserMatchesRenderUser(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 1, 2, 345678901, time.FixedZone("X", 3600))
	groups := []any{map[string]any{"value": "g1", "display": "<G & \"H\">", "$ref": "http://x/Groups/g1", "type": "direct"}}
	for _, c := range []struct {
		base, id string
		version  int64
		doc      string
		groups   []any
	}{
		{"http://127.0.0.1:1/api/v1/scim/azure/acme", "0b8f6c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b", 3, `{"userName":"a","active":true}`, nil},
		{"http://h/t", "id-1", 1234567890123, ` {"userName":"b"} `, groups},
		{"http://h/t", `we"ird\id`, -1, `{}`, groups},
		{"http://h/tenant<é>", "é", 0, `{"userName":"c"}`, nil},
	} {
		u := &store.User{ID: c.id, Version: c.version, Created: t0, LastModified: t0.Add(time.Hour), Doc: json.RawMessage(c.doc)}
		res := resource.Resource{"id": u.ID, "meta": metaOf("User", c.base+"/Users/"+u.ID, u.Created, u.LastModified, u.Version)}
		if c.groups != nil {
			res["groups"] = c.groups
		}
		want, err := renderUser(res, u.Doc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := renderStoredUser(c.base, u, c.groups)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s:\ngot  %s (%v)\nwant %s", c.id, got, err, want)
		}
	}
	if _, err := renderStoredUser("http://h", &store.User{ID: "x", Doc: json.RawMessage(`[]`)}, nil); err == nil {
		t.Fatal("a non-object document must be an error")
	}
}
