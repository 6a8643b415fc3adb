package server

import (
	"net/http"
	"strings"
	"testing"
)

// ENTRA-HTTP-03, GTM-08, RFC 7644 §2: every way of not being this account's
// token holder gets 401 with WWW-Authenticate and a SCIM Error, never data.
func TestAuth_ENTRA_HTTP_03_GTM_08_401WithoutData(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("secret.user@contoso.com")
	other := e.adminDo("POST", "/admin/accounts", map[string]any{"id": "other"})
	if other.status != http.StatusCreated {
		t.Fatalf("create account: %d %s", other.status, other.raw)
	}
	otherTok := e.adminDo("POST", "/admin/accounts/other/tokens", map[string]any{"name": "entra", "type": "SCIM"}).str("token")
	revoked := e.adminDo("POST", "/admin/accounts/acme/tokens", map[string]any{"name": "old", "type": "SCIM"})
	if r := e.adminDo("DELETE", "/admin/accounts/acme/tokens/"+revoked.str("id"), nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	cases := []struct {
		name, url string
		hdr       []string
	}{
		{"missing token", e.base + "/Users/" + id, nil},
		{"wrong token", e.base + "/Users/" + id, []string{"Authorization", "Bearer nope"}},
		{"basic scheme", e.base + "/Users/" + id, []string{"Authorization", "Basic dG9rLWFjbWU6"}},
		{"revoked token", e.base + "/Users/" + id, []string{"Authorization", "Bearer " + revoked.str("token")}},
		{"another account's token", e.base + "/Users/" + id, []string{"Authorization", "Bearer " + otherTok}},
		{"unknown account", e.srv.URL + TenantPrefix + "nosuch/Users", []string{"Authorization", "Bearer " + e.token}},
		{"discovery too", e.base + "/Schemas", []string{"Authorization", "Bearer bad"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.doAs("", "GET", c.url, nil, c.hdr...)
			expect(t, r, http.StatusUnauthorized)
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
			}
			if strings.Contains(string(r.raw), "secret.user") || strings.Contains(string(r.raw), id) {
				t.Fatalf("401 leaked data: %s", r.raw)
			}
		})
	}
	// The right token works, with the scheme in any case.
	expect(t, e.doAs("", "GET", e.base+"/Users/"+id, nil, "Authorization", "bearer "+e.token), http.StatusOK)
	// The other account's token works on its own account and sees none of acme's users.
	r := e.doAs(otherTok, "GET", e.srv.URL+TenantPrefix+"other/Users", nil)
	expect(t, r, http.StatusOK)
	if r.total() != 0 {
		t.Fatalf("account isolation: other sees %d users", r.total())
	}
	expect(t, e.doAs(otherTok, "GET", e.srv.URL+TenantPrefix+"other/Users/"+id, nil), http.StatusNotFound)
}

func TestAdminAPI_AccountsAndTokens(t *testing.T) {
	e := newEnv(t)
	if r := e.doAs("", "POST", e.srv.URL+"/admin/accounts", map[string]any{}); r.status != http.StatusUnauthorized {
		t.Fatalf("admin without token: %d", r.status)
	}
	if r := e.doAs(e.token, "POST", e.srv.URL+"/admin/accounts", map[string]any{}); r.status != http.StatusUnauthorized {
		t.Fatalf("admin with a SCIM token: %d", r.status)
	}
	r := e.adminDo("POST", "/admin/accounts", nil)
	if r.status != http.StatusCreated || r.str("id") == "" || r.str("tenantUrl") != e.srv.URL+TenantPrefix+r.str("id") {
		t.Fatalf("create account without id: %d %s", r.status, r.raw)
	}
	if r := e.adminDo("POST", "/admin/accounts", map[string]any{"id": "acme"}); r.status != http.StatusConflict || r.str("error") == "" {
		t.Fatalf("duplicate account: %d %s", r.status, r.raw)
	}
	if r := e.adminDo("POST", "/admin/accounts", map[string]any{"id": "bad/id"}); r.status != http.StatusBadRequest {
		t.Fatalf("bad id: %d %s", r.status, r.raw)
	}
	if r := e.adminDo("POST", "/admin/accounts", `{"idd":"x"}`); r.status != http.StatusBadRequest || !strings.Contains(r.str("error"), "idd") {
		t.Fatalf("unknown field: %d %s", r.status, r.raw)
	}
	tok := e.adminDo("POST", "/admin/accounts/acme/tokens", map[string]any{"name": "entra", "type": "SCIM"})
	if tok.status != http.StatusCreated || tok.str("token") == "" || tok.str("id") == "" || tok.str("name") != "entra" {
		t.Fatalf("create token: %d %s", tok.status, tok.raw)
	}
	if r := e.adminDo("POST", "/admin/accounts/acme/tokens", map[string]any{"type": "API"}); r.status != http.StatusBadRequest {
		t.Fatalf("non-SCIM token type: %d", r.status)
	}
	list := e.adminDo("GET", "/admin/accounts/acme/tokens", nil)
	if list.status != http.StatusOK || strings.Contains(string(list.raw), tok.str("token")) || !strings.Contains(string(list.raw), tok.str("id")) {
		t.Fatalf("list tokens must show ids, never secrets: %s", list.raw)
	}
	expect(t, e.doAs(tok.str("token"), "GET", e.base+"/Users", nil), http.StatusOK)
	if r := e.adminDo("DELETE", "/admin/accounts/acme/tokens/"+tok.str("id"), nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d", r.status)
	}
	expect(t, e.doAs(tok.str("token"), "GET", e.base+"/Users", nil), http.StatusUnauthorized)
	if r := e.adminDo("DELETE", "/admin/accounts/acme/tokens/"+tok.str("id"), nil); r.status != http.StatusNotFound {
		t.Fatalf("revoke twice: %d", r.status)
	}
	if r := e.adminDo("GET", "/admin/accounts/nosuch/tokens", nil); r.status != http.StatusNotFound {
		t.Fatalf("unknown account: %d", r.status)
	}
	if r := e.adminDo("GET", "/admin/nothing", nil); r.status != http.StatusNotFound || r.str("error") == "" {
		t.Fatalf("unknown admin path: %d %s", r.status, r.raw)
	}
}

// The journal and the fault injector are mounted behind the admin token
// with the account's {id}, and sit in the tenant chain.
func TestAdminAPI_FaultsAndJournalMounted(t *testing.T) {
	e := newEnv(t)
	plan := map[string]any{"rules": []any{map[string]any{"name": "users-500", "method": "POST", "path": "^/Users$", "status": 500, "times": 1}}}
	if r := e.adminDo("PUT", "/admin/accounts/acme/faults", plan); r.status >= 300 {
		t.Fatalf("put faults: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "/Users", user("f@contoso.com")); r.status != http.StatusInternalServerError {
		t.Fatalf("fault did not fire: %d %s", r.status, r.raw)
	}
	e.createUser("f@contoso.com") // times:1 — the second attempt passes
	j := e.adminDo("GET", "/admin/accounts/acme/requests", nil)
	if j.status != http.StatusOK || !strings.Contains(string(j.raw), "users-500") || !strings.Contains(string(j.raw), `"/Users"`) {
		t.Fatalf("journal: %d %s", j.status, j.raw)
	}
	if r := e.adminDo("GET", "/admin/accounts/nosuch/requests", nil); r.status != http.StatusNotFound {
		t.Fatalf("journal of unknown account: %d", r.status)
	}
}
