package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func memberValues(r resp) []string {
	arr, _ := r.body["members"].([]any)
	var out []string
	for _, e := range arr {
		out = append(out, e.(map[string]any)["value"].(string))
	}
	return out
}

// ENTRA-FLOW-12..18, ENTRA-PATCH-05/09/10/13, ENTRA-REQ-06/17/18: the whole
// group sequence in both member-removal dialects.
func TestGroupSequence_FLOW12_to_FLOW18(t *testing.T) {
	e := newEnv(t)
	u1, u2, u3 := e.createUser("u1@contoso.com", "displayName", "User One"), e.createUser("u2@contoso.com"), e.createUser("u3@contoso.com")

	// FLOW-12: match by displayName, empty first.
	match := "/Groups?excludedAttributes=members&filter=" + url.QueryEscape(`displayName eq "Sales Team"`)
	expect(t, e.get(match), http.StatusOK)
	// FLOW-13: create with the ADSCIM schema URI; 201 with id and members [].
	r := e.do("POST", "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"},
		"externalId":  "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
		"displayName": "Sales Team", "meta": map[string]any{"resourceType": "Group"}})
	expect(t, r, http.StatusCreated)
	gid := r.str("id")
	if ms, ok := r.body["members"].([]any); !ok || len(ms) != 0 || gid == "" || r.header.Get("Location") == "" {
		t.Fatalf("create group: want id and members:[]: %s", r.raw)
	}
	// FLOW-16: add members, $ref null, 204; adding again is idempotent.
	add := patchBody(op("Add", "members", []any{map[string]any{"$ref": nil, "value": u1}, map[string]any{"$ref": nil, "value": u2}}))
	for range 2 {
		r = e.do("PATCH", "/Groups/"+gid, add)
		if r.status != http.StatusNoContent || len(r.raw) != 0 {
			t.Fatalf("add members: %d %s", r.status, r.raw)
		}
	}
	g := e.get("/Groups/" + gid)
	if got := memberValues(g); len(got) != 2 || got[0] != u1 || got[1] != u2 {
		t.Fatalf("members after add: %v", got)
	}
	if !strings.Contains(string(g.raw), `"display":"User One"`) {
		t.Fatalf("member display missing: %s", g.raw)
	}
	// The membership is visible from the user (groups attribute).
	ug := e.get("/Users/" + u1)
	if gs, _ := ug.body["groups"].([]any); len(gs) != 1 || gs[0].(map[string]any)["value"] != gid || gs[0].(map[string]any)["display"] != "Sales Team" {
		t.Fatalf("user groups: %s", ug.raw)
	}
	// FLOW-12/14, REQ-06: excludedAttributes=members drops members.
	r = e.get(match)
	if r.total() != 1 || r.resources()[0]["members"] != nil || r.resources()[0]["id"] != gid {
		t.Fatalf("match group: %s", r.raw)
	}
	if r = e.get("/Groups/" + gid + "?excludedAttributes=members"); r.body["members"] != nil || r.str("displayName") != "Sales Team" {
		t.Fatalf("FLOW-14: %s", r.raw)
	}
	// FLOW-17 legacy: remove by value array; removing a non-member does not fail.
	rm := patchBody(op("Remove", "members", []any{map[string]any{"value": u1}, map[string]any{"value": u3}}))
	if r = e.do("PATCH", "/Groups/"+gid, rm); r.status != http.StatusNoContent {
		t.Fatalf("legacy remove: %d %s", r.status, r.raw)
	}
	// FLOW-17 compliant: remove by filter path.
	if r = e.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+u2+`"]`, nil))); r.status != http.StatusNoContent {
		t.Fatalf("compliant remove: %d %s", r.status, r.raw)
	}
	if got := memberValues(e.get("/Groups/" + gid)); len(got) != 0 {
		t.Fatalf("members after removes: %v", got)
	}
	if ug = e.get("/Users/" + u1); ug.body["groups"] != nil {
		t.Fatalf("user still shows the group: %s", ug.raw)
	}
	// PATCH-13: add then remove the same member in one request: not a member.
	r = e.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": u3}}), op("remove", `members[value eq "`+u3+`"]`, nil)))
	if r.status != http.StatusNoContent || len(memberValues(e.get("/Groups/"+gid))) != 0 {
		t.Fatalf("PATCH-13: %d %s", r.status, e.get("/Groups/"+gid).raw)
	}
	// Unknown member ids are rejected and nothing is applied (PATCH-11).
	r = e.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": u1}, map[string]any{"value": "no-such-user"}})))
	expect(t, r, http.StatusBadRequest)
	if got := memberValues(e.get("/Groups/" + gid)); len(got) != 0 {
		t.Fatalf("half-applied PATCH: %v", got)
	}
	// FLOW-15: rename, 204; the new name is unique-checked.
	if r = e.do("PATCH", "/Groups/"+gid, patchBody(op("Replace", "displayName", "Sales EMEA"))); r.status != http.StatusNoContent {
		t.Fatalf("rename: %d %s", r.status, r.raw)
	}
	if r = e.get("/Groups?filter=" + url.QueryEscape(`displayName eq "sales emea"`)); r.total() != 1 {
		t.Fatalf("renamed group not found case-insensitively: %s", r.raw)
	}
	other := e.createGroup("Marketing")
	expect(t, e.do("PATCH", "/Groups/"+other, patchBody(op("replace", "displayName", "SALES EMEA"))), http.StatusConflict)
	// FLOW-18: delete, 204, then 404; the user's groups forget it.
	e.do("PATCH", "/Groups/"+gid, add)
	if r = e.do("DELETE", "/Groups/"+gid, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete group: %d", r.status)
	}
	expect(t, e.get("/Groups/"+gid), http.StatusNotFound)
	if ug = e.get("/Users/" + u1); ug.body["groups"] != nil {
		t.Fatalf("deleted group still on user: %s", ug.raw)
	}
}

// ENTRA-FLOW-07/08/09, ENTRA-PATCH-02/10, OBS O2: user PATCH answers 200
// with the resource; a disabled user stays readable and filterable with
// active=false (soft delete) and can be re-enabled.
func TestSoftDelete_FLOW09_FLOW10_O2(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	id := e.createUser("soft@contoso.com")
	r := e.do("PATCH", "/Users/"+id, patchBody(op("Replace", "active", "False")))
	expect(t, r, http.StatusOK)
	if r.body["active"] != false || r.str("id") != id {
		t.Fatalf("PATCH answer: %s", r.raw)
	}
	if g := e.get("/Users/" + id); g.body["active"] != false {
		t.Fatalf("GET after disable: %s", g.raw)
	}
	q := e.get("/Users?filter=" + url.QueryEscape(`userName eq "soft@contoso.com"`))
	if q.total() != 1 || q.resources()[0]["active"] != false {
		t.Fatalf("O2: disabled user must be filterable with active=false: %s", q.raw)
	}
	if q = e.get("/Users?filter=" + url.QueryEscape(`active eq false`)); q.total() != 1 {
		t.Fatalf("active eq false: %s", q.raw)
	}
	r = e.do("PATCH", "/Users/"+id, patchBody(op("replace", "active", true),
		op("add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", boss),
		op("Replace", `emails[type eq "work"].value`, "new@contoso.com")))
	expect(t, r, http.StatusOK)
	if r.body["active"] != true {
		t.Fatalf("re-enable: %s", r.raw)
	}
	// Indexes follow a PATCH: manager and work email are findable.
	if q = e.get("/Users?filter=" + url.QueryEscape(`manager eq "`+boss+`"`)); q.total() != 1 {
		t.Fatalf("manager index after PATCH: %s", q.raw)
	}
	if q = e.get("/Users?filter=" + url.QueryEscape(`emails[type eq "work"].value eq "NEW@contoso.com"`)); q.total() != 1 {
		t.Fatalf("email index after PATCH: %s", q.raw)
	}
	// PATCH-11: a failing op leaves the user as it was.
	before := e.get("/Users/" + id)
	expect(t, e.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "X"), op("bogus", "title", "Y"))), http.StatusBadRequest)
	if after := e.get("/Users/" + id); after.header.Get("ETag") != before.header.Get("ETag") || after.body["title"] != nil {
		t.Fatalf("half-applied PATCH: %s", after.raw)
	}
	expect(t, e.do("PATCH", "/Users/nosuch", patchBody(op("replace", "title", "X"))), http.StatusNotFound)
	expect(t, e.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "X")), "If-Match", `W/"0"`), http.StatusPreconditionFailed)
}
