package server

import (
	"bytes"
	"net/http"
	"testing"
)

// ENTRA-PATCH-11: a PATCH that changes nested values and then fails must
// leave the stored document, and every later answer, exactly as before.
func TestFailedPatchLeavesDocument_PATCH11(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	id := e.createUser("nested@contoso.com",
		"name", map[string]any{"givenName": "G", "familyName": "F"},
		"emails", []any{map[string]any{"type": "work", "value": "nested@contoso.com", "primary": true}},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", map[string]any{"department": "D", "manager": boss},
		"custom:ext:1.0:User", map[string]any{"badge": map[string]any{"n": "7"}})
	before := e.get("/Users/" + id)
	expect(t, e.do("PATCH", "/Users/"+id, patchBody(
		op("replace", `emails[type eq "work"].value`, "changed@contoso.com"),
		op("replace", "name.givenName", "Z"),
		op("add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", id),
		op("replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "E"),
		op("add", "custom:ext:1.0:User:badge.n", "8"),
		op("bogus", "title", "Y"))), http.StatusBadRequest)
	after := e.get("/Users/" + id)
	if !bytes.Equal(after.raw, before.raw) {
		t.Fatalf("a failed PATCH changed the user:\nbefore %s\nafter  %s", before.raw, after.raw)
	}
	// The same changes applied for real show up, and the earlier answer's
	// document is not what they changed.
	r := e.do("PATCH", "/Users/"+id, patchBody(op("replace", "name.givenName", "Z")))
	expect(t, r, http.StatusOK)
	if name, _ := r.body["name"].(map[string]any); name["givenName"] != "Z" || name["familyName"] != "F" {
		t.Fatalf("patched name: %s", r.raw)
	}
}
