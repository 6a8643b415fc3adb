package embedded

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func call(t *testing.T, method, u, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func TestStartAccountsAndClose(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.BaseURL, "http://127.0.0.1:") || s.TenantURL() != s.BaseURL+"/api/v1/scim/azure/"+s.AccountID || s.Token == "" || s.AdminToken == "" {
		t.Fatalf("server fields: %+v", s)
	}
	if st, _ := call(t, "GET", s.BaseURL+"/healthz", "", ""); st != 200 {
		t.Fatalf("healthz %d", st)
	}
	if st, _ := call(t, "POST", s.TenantURL()+"/Users", s.Token, `{"userName":"a@contoso.com"}`); st != 201 {
		t.Fatalf("create %d", st)
	}
	acct, tok, err := s.NewAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, body := call(t, "GET", s.TenantURLOf(acct)+"/Users", tok, "")
	if st != 200 || body["totalResults"].(float64) != 0 {
		t.Fatalf("new account must be empty: %d %v", st, body)
	}
	if st, _ := call(t, "GET", s.TenantURLOf(acct)+"/Users", s.Token, ""); st != 401 {
		t.Fatalf("seeded token on another account: %d", st)
	}
	if st, _ := call(t, "GET", s.BaseURL+"/admin/accounts/"+acct+"/tokens", s.AdminToken, ""); st != 200 {
		t.Fatalf("admin: %d", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.BaseURL + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

// Restart: write, stop, start on the same database file: everything is
// there (users, groups, memberships, tokens, settings).
func TestRestartKeepsEverything(t *testing.T) {
	ctx := context.Background()
	opts := Options{DB: filepath.Join(t.TempDir(), "ref.db"), AccountID: "acme", Token: "tok", AdminToken: "adm"}
	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, u := call(t, "POST", s.TenantURL()+"/Users", "tok", `{"userName":"keep@contoso.com","active":false}`)
	_, g := call(t, "POST", s.TenantURL()+"/Groups", "tok", `{"displayName":"Keepers"}`)
	if st, _ := call(t, "PATCH", s.TenantURL()+"/Groups/"+g["id"].(string), "tok",
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"`+u["id"].(string)+`"}]}]}`); st != 204 {
		t.Fatalf("add member %d", st)
	}
	req, _ := http.NewRequest("POST", s.BaseURL+"/admin/accounts/acme/tokens", strings.NewReader(`{"name":"second"}`))
	req.Header.Set("Authorization", "Bearer adm")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	req, _ = http.NewRequest("PUT", s.BaseURL+"/admin/accounts/acme/settings", strings.NewReader(`{"deleteDeactivates":true}`))
	req.Header.Set("Authorization", "Bearer adm")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("settings: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	st, body := call(t, "GET", s2.TenantURL()+"/Users?filter="+url.QueryEscape(`userName eq "keep@contoso.com"`), tok["token"].(string), "")
	if st != 200 || body["totalResults"].(float64) != 1 {
		t.Fatalf("user after restart (second token): %d %v", st, body)
	}
	r := body["Resources"].([]any)[0].(map[string]any)
	if r["active"] != false || !strings.Contains(func() string { b, _ := json.Marshal(r["groups"]); return string(b) }(), "Keepers") {
		t.Fatalf("user state after restart: %v", r)
	}
	call(t, "DELETE", s2.TenantURL()+"/Users/"+u["id"].(string), "tok", "")
	if st, _ := call(t, "GET", s2.TenantURL()+"/Users/"+u["id"].(string), "tok", ""); st != 200 {
		t.Fatalf("deleteDeactivates setting lost in restart: %d", st)
	}
}
