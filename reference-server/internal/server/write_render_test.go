package server

import (
	"net/http"
	"reflect"
	"testing"
)

// A write answering a user (POST 201, PUT and PATCH 200) renders it by
// splicing the stored document; the body, ETag and Location must be
// what a GET of the same version answers through Project
// (ENTRA-FLOW-04, ENTRA-FLOW-06, ENTRA-PATCH-10).
func TestUserWriteAnswerEqualsGet(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	gid := e.createGroup("Team")
	created := e.do("POST", "/Users", user("w@contoso.com", "displayName", "W \u00e9 \"q\"", "title", "Eng", "custom:attr", map[string]any{"x": []any{1, "two", 2.50}},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", map[string]any{"department": "R&D", "employeeNumber": "7"},
		"phoneNumbers", []any{map[string]any{"type": "work", "value": "+1 555"}}))
	expect(t, created, http.StatusCreated)
	id := created.str("id")
	writes := []struct {
		name, method string
		body         any
		status       int
	}{
		{"patch manager", "PATCH", patchBody(op("Add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", boss)), 200},
		{"patch active", "PATCH", patchBody(op("Replace", "active", "False")), 200},
		{"patch title", "PATCH", patchBody(op("Replace", "title", "Lead")), 200},
		{"put", "PUT", user("w@contoso.com", "displayName", "Put", "active", true), 200},
	}
	check := func(name string, w resp) {
		t.Helper()
		g := e.get("/Users/" + id)
		// Same JSON; member order may differ (the splice puts id, meta and
		// groups first, as list answers always have).
		if !reflect.DeepEqual(w.body, g.body) || w.body == nil {
			t.Fatalf("%s: write answered\n%s\nGET answers\n%s", name, w.raw, g.raw)
		}
		if w.header.Get("ETag") == "" || w.header.Get("ETag") != g.header.Get("ETag") {
			t.Fatalf("%s: ETag %q, GET %q", name, w.header.Get("ETag"), g.header.Get("ETag"))
		}
	}
	check("post", created)
	if created.header.Get("Location") != e.base+"/Users/"+id {
		t.Fatalf("Location %q", created.header.Get("Location"))
	}
	e.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": id}})))
	for _, w := range writes {
		r := e.do(w.method, "/Users/"+id, w.body)
		expect(t, r, w.status)
		check(w.name, r)
		if r.body["groups"] == nil {
			t.Fatalf("%s: no groups in the answer: %s", w.name, r.raw)
		}
	}
	// With attributes the answer is projected, not spliced.
	r := e.do("PATCH", "/Users/"+id+"?attributes=userName", patchBody(op("Replace", "title", "Boss")))
	expect(t, r, http.StatusOK)
	if r.body["title"] != nil || r.str("userName") != "w@contoso.com" || r.str("id") != id {
		t.Fatalf("projected answer: %s", r.raw)
	}
}
