package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// expectAdmin fails unless an admin answer has the status, and a body (if
// any) in application/json.
func expectAdmin(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if len(r.raw) > 0 && r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
}

// DELETE /admin/accounts/{id} removes the account with its users, groups,
// tokens, settings, request journal and fault plan: 204; the tokens stop
// working at once, the id can be created again and starts empty, other
// accounts are untouched, and an unknown account is 404.
func TestAdminDeleteAccount(t *testing.T) {
	e := newEnv(t)
	e.createUser("stays@x")
	expectAdmin(t, e.adminDo("POST", "/admin/accounts", map[string]any{"id": "temp"}), http.StatusCreated)
	tok := e.adminDo("POST", "/admin/accounts/temp/tokens", map[string]any{"name": "suite"})
	expectAdmin(t, tok, http.StatusCreated)
	secret := tok.str("token")
	temp := e.srv.URL + TenantPrefix + "temp"
	r := e.doAs(secret, "POST", temp+"/Users", user("u@x"))
	expect(t, r, http.StatusCreated)
	uid := r.str("id")
	r = e.doAs(secret, "POST", temp+"/Groups", map[string]any{"displayName": "G"})
	expect(t, r, http.StatusCreated)
	expect(t, e.doAs(secret, "PATCH", temp+"/Groups/"+r.str("id"), patchBody(op("add", "members", []any{map[string]any{"value": uid}}))), http.StatusNoContent)
	expectAdmin(t, e.adminDo("PUT", "/admin/accounts/temp/settings", map[string]any{"deleteDeactivates": true}), http.StatusOK)
	expectAdmin(t, e.adminDo("PUT", "/admin/accounts/temp/faults?plan=err-01-conflict-on-create", nil), http.StatusOK)
	if j := e.adminDo("GET", "/admin/accounts/temp/requests", nil); !strings.Contains(string(j.raw), "/Users") {
		t.Fatalf("journal before delete: %s", j.raw)
	}

	d := e.adminDo("DELETE", "/admin/accounts/temp", nil)
	if d.status != http.StatusNoContent || len(d.raw) != 0 {
		t.Fatalf("DELETE: %d %s", d.status, d.raw)
	}
	for _, p := range []string{"/admin/accounts/temp", "/admin/accounts/temp/tokens", "/admin/accounts/temp/settings",
		"/admin/accounts/temp/faults", "/admin/accounts/temp/requests"} {
		if g := e.adminDo("GET", p, nil); g.status != http.StatusNotFound || !strings.Contains(g.str("error"), `"temp" does not exist`) {
			t.Fatalf("GET %s after delete: %d %s", p, g.status, g.raw)
		}
	}
	if l := e.adminDo("GET", "/admin/accounts", nil); strings.Contains(string(l.raw), `"temp"`) {
		t.Fatalf("still listed: %s", l.raw)
	}
	expect(t, e.doAs(secret, "GET", temp+"/Users", nil), http.StatusUnauthorized)
	expectAdmin(t, e.adminDo("DELETE", "/admin/accounts/temp", nil), http.StatusNotFound)
	expectAdmin(t, e.adminDo("DELETE", "/admin/accounts/never", nil), http.StatusNotFound)

	// The id again: a new account with default settings, no data, no
	// fault plan, an empty journal; the old token stays dead.
	expectAdmin(t, e.adminDo("POST", "/admin/accounts", map[string]any{"id": "temp"}), http.StatusCreated)
	expect(t, e.doAs(secret, "GET", temp+"/Users", nil), http.StatusUnauthorized)
	if s := e.adminDo("GET", "/admin/accounts/temp/settings", nil); s.body["deleteDeactivates"] != false || s.body["groups"] != true {
		t.Fatalf("settings survived: %s", s.raw)
	}
	if f := e.adminDo("GET", "/admin/accounts/temp/faults", nil); !strings.Contains(string(f.raw), `"rules":[]`) {
		t.Fatalf("fault plan survived: %s", f.raw)
	}
	if j := e.adminDo("GET", "/admin/accounts/temp/requests", nil); strings.Contains(string(j.raw), "/Users") {
		t.Fatalf("journal survived: %s", j.raw)
	}
	if ts := e.adminDo("GET", "/admin/accounts/temp/tokens", nil); strings.Contains(string(ts.raw), "suite") {
		t.Fatalf("tokens survived: %s", ts.raw)
	}
	tok = e.adminDo("POST", "/admin/accounts/temp/tokens", nil)
	expectAdmin(t, tok, http.StatusCreated)
	for _, p := range []string{"/Users", "/Groups", "/Users/" + uid} {
		r := e.doAs(tok.str("token"), "GET", temp+p, nil)
		if r.status == http.StatusOK && r.total() != 0 || r.status != http.StatusOK && r.status != http.StatusNotFound {
			t.Fatalf("GET %s on the re-created account: %d %s", p, r.status, r.raw)
		}
	}
	// userName and group name are free again; no fault fires.
	expect(t, e.doAs(tok.str("token"), "POST", temp+"/Users", user("u@x")), http.StatusCreated)
	expect(t, e.doAs(tok.str("token"), "POST", temp+"/Groups", map[string]any{"displayName": "G"}), http.StatusCreated)

	// The other account is untouched; the admin token is needed.
	if r := e.get("/Users"); r.total() != 1 {
		t.Fatalf("acme changed: %s", r.raw)
	}
	if r := e.doAs("", "DELETE", e.srv.URL+"/admin/accounts/acme", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("DELETE without the admin token: %d", r.status)
	}
	if r := e.get("/Users"); r.total() != 1 {
		t.Fatalf("acme deleted without the admin token: %s", r.raw)
	}
}

// A catalogue plan applied by name through the server fires on the SCIM
// route, and the admin API never redirects a path it does not know.
func TestAdminFaultPlanByNameAndOddPaths(t *testing.T) {
	e := newEnv(t)
	expectAdmin(t, e.adminDo("PUT", "/admin/accounts/acme/faults?plan=err-01-conflict-on-create", nil), http.StatusOK)
	r := e.do("POST", "/Users", user("a@x"))
	expect(t, r, http.StatusConflict)
	if r.str("scimType") != "uniqueness" {
		t.Fatalf("the catalogue plan did not answer: %s", r.raw)
	}
	u := e.adminDo("PUT", "/admin/accounts/acme/faults?plan=nope", nil)
	if u.status != http.StatusNotFound || !strings.Contains(u.str("error"), "err-01-conflict-on-create") {
		t.Fatalf("unknown plan: %d %s", u.status, u.raw)
	}
	for _, p := range []string{"/admin/accounts/../accounts", "/admin//accounts", "/admin/accounts/acme/./faults", "/admin/accounts/acme/faults/.."} {
		uu, err := url.Parse(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", e.srv.URL, nil)
		req.URL = uu
		req.Header.Set("Authorization", "Bearer "+e.admin)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %d %q", p, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}
