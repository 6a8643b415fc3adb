package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// env is a server on an in-memory store with account "acme" and its token.
type env struct {
	t     *testing.T
	st    store.Store
	srv   *httptest.Server
	base  string // tenant URL
	token string
	admin string
	s     *Server
}

const testAdminToken = "admin-secret"

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenCached(ctx, store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "test"); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: st, AdminToken: testAdminToken, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); st.Close() })
	return &env{t: t, st: st, srv: hs, base: hs.URL + TenantPrefix + "acme", token: "tok-acme", admin: testAdminToken, s: s}
}

// resp is an answer with its body decoded when it is JSON.
type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(k string) string { s, _ := r.body[k].(string); return s }

func (r resp) resources() []map[string]any {
	arr, _ := r.body["Resources"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		out = append(out, e.(map[string]any))
	}
	return out
}

func (r resp) total() int { n, _ := r.body["totalResults"].(float64); return int(n) }

// do sends a request with the account's token; path is below the tenant
// URL unless it starts with http.
func (e *env) do(method, path string, body any, hdr ...string) resp {
	e.t.Helper()
	return e.doAs(e.token, method, path, body, hdr...)
}

func (e *env) doAs(token, method, path string, body any, hdr ...string) resp {
	e.t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.base + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

// adminDo calls the admin API.
func (e *env) adminDo(method, path string, body any) resp {
	e.t.Helper()
	return e.doAs(e.admin, method, e.srv.URL+path, body)
}

// expect fails unless r has the status; SCIM answers must also carry the
// SCIM media type (ENTRA-REQ-16) and errors an RFC 7644 Error body (RFC-01).
func expect(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if len(r.raw) > 0 && r.header.Get("Content-Type") != ContentType {
		t.Fatalf("Content-Type %q, want %q", r.header.Get("Content-Type"), ContentType)
	}
	if status >= 400 {
		schemas, _ := r.body["schemas"].([]any)
		if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" || r.str("status") != itoa(status) {
			t.Fatalf("not an RFC 7644 Error body with status %q: %s", itoa(status), r.raw)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// user is a minimal Entra-style create body (ENTRA-FLOW-04).
func user(userName string, extra ...any) map[string]any {
	u := map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
		"userName":   userName,
		"active":     true,
		"externalId": "ext-" + userName,
		"emails":     []any{map[string]any{"primary": true, "type": "work", "value": userName}},
		"meta":       map[string]any{"resourceType": "User"},
		"name":       map[string]any{"givenName": "G", "familyName": "F", "formatted": "G F"},
		"roles":      []any{},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		u[extra[i].(string)] = extra[i+1]
	}
	return u
}

func (e *env) createUser(userName string, extra ...any) string {
	e.t.Helper()
	r := e.do("POST", "/Users", user(userName, extra...))
	expect(e.t, r, http.StatusCreated)
	return r.str("id")
}

func (e *env) createGroup(name string) string {
	e.t.Helper()
	r := e.do("POST", "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"},
		"externalId":  "ext-" + name,
		"displayName": name,
		"meta":        map[string]any{"resourceType": "Group"},
	})
	expect(e.t, r, http.StatusCreated)
	return r.str("id")
}

func patchBody(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
}

func op(op, path string, value any) map[string]any {
	m := map[string]any{"op": op}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}
