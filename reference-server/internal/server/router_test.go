package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

var tenantPathSeeds = []string{
	TenantPrefix + "acme/Users", TenantPrefix + "acme/Users/0b8f6c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b", TenantPrefix + "acme",
	TenantPrefix + "acme/", TenantPrefix + "acme/Groups/", TenantPrefix + "acme/.search", TenantPrefix + "", TenantPrefix + "acme//Users",
	TenantPrefix + "acme/./Users", TenantPrefix + "acme/../x/Users", TenantPrefix + "acme/Users/..", TenantPrefix + "a%2Fb/Users",
	TenantPrefix + "acme/Users/a%20b", TenantPrefix + "ac me/Users", TenantPrefix + "acme/Users/é", "/api/v1/scim/azure", "/admin/x",
	TenantPrefix + "acme/Users/x~y_z-1.2", TenantPrefix + ".", TenantPrefix + "../Users", TenantPrefix + "acme/%2e%2e",
	TenantPrefix + "acme/Users/%2E", TenantPrefix + "acme/Users/a%2Fb", TenantPrefix + "%61cme/Users", "/api/v1/scim/azure%2Facme/Users",
	TenantPrefix + "acme/.", TenantPrefix + "acme/Users/.", "/", "/healthz", "/healthz/..", "/x/../api/v1/scim/azure/acme/Users",
}

// The tenant route gives every path the ServeMux would route to the tenant
// patterns as it is the account and path the mux gave it; a path the mux
// would redirect to its cleaned form is routed as it is.
func TestTenantRouteAgreesWithServeMux(t *testing.T) {
	taken, redirected := 0, 0
	for _, p := range tenantPathSeeds {
		switch checkTenantRoute(t, "GET", p) {
		case routeMatched:
			taken++
		case routeRedirected:
			redirected++
		}
	}
	if taken < 10 || redirected < 5 {
		t.Fatalf("the seeds cover too little: %d matched by both, %d redirected by the mux", taken, redirected)
	}
}

type routeOutcome int

const (
	routeOther routeOutcome = iota
	routeMatched
	routeRedirected
)

// checkTenantRoute compares tenantPath with the ServeMux on one request.
func checkTenantRoute(t *testing.T, method, rawPath string) routeOutcome {
	t.Helper()
	u, err := url.Parse("http://h" + rawPath)
	if err != nil || u.Path == "" || u.Host != "h" {
		return routeOther
	}
	r := httptest.NewRequest(method, "http://h/", nil)
	r.URL = u
	account, rest, ok := tenantPath(r)
	var gotAccount, gotRest string
	matched := false
	mux := http.NewServeMux()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		matched, gotAccount, gotRest = true, r.PathValue("account"), "/"+r.PathValue("rest")
	})
	mux.Handle(TenantPrefix+"{account}", h)
	mux.Handle(TenantPrefix+"{account}/{rest...}", h)
	mux.Handle("/admin/", http.NotFoundHandler())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	underPrefix := strings.HasPrefix(u.EscapedPath(), TenantPrefix)
	switch {
	case matched:
		if !ok || gotAccount != account || gotRest != rest {
			t.Fatalf("%s %q: route (%q, %q, %v); ServeMux (%q, %q)", method, rawPath, account, rest, ok, gotAccount, gotRest)
		}
		return routeMatched
	case rec.Code >= 300 && rec.Code < 400:
		if ok != underPrefix {
			t.Fatalf("%s %q: the mux redirects (%d); route ok=%v, under the tenant prefix=%v", method, rawPath, rec.Code, ok, underPrefix)
		}
		if ok {
			return routeRedirected
		}
	default:
		if ok != underPrefix {
			t.Fatalf("%s %q: route ok=%v, under the tenant prefix=%v", method, rawPath, ok, underPrefix)
		}
	}
	return routeOther
}

// oddServer is an in-process server with account acme (token tok) and
// one user.
func oddServer(tb testing.TB) http.Handler {
	tb.Helper()
	ctx := context.Background()
	st := store.NewMemStore()
	if err := auth.Seed(ctx, st, "acme", "tok", "t"); err != nil {
		tb.Fatal(err)
	}
	s, err := New(Config{Store: st, AdminToken: "adm", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	h := s.Handler()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://h"+TenantPrefix+"acme/Users", strings.NewReader(`{"userName":"a@x"}`))
	req.Header.Set("Authorization", "Bearer tok")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		tb.Fatalf("seed user: %d %s", rec.Code, rec.Body)
	}
	return h
}

// checkNoRedirect sends rawPath to h with and without the token and
// requires a SCIM answer that is no redirect: application/scim+json, a
// SCIM Error for every 4xx, 401 without the token below the tenant
// prefix, and 404 with it for a path with an odd segment.
func checkNoRedirect(t *testing.T, h http.Handler, method, rawPath string) {
	t.Helper()
	u, err := url.Parse("http://h" + rawPath)
	if err != nil || u.Host != "h" || strings.HasPrefix(u.EscapedPath(), "/admin") || u.EscapedPath() == "/healthz" {
		return
	}
	for _, tok := range []string{"", "tok"} {
		r := httptest.NewRequest(method, "http://h/", nil)
		r.URL, r.RequestURI = u, u.RequestURI()
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code >= 300 && rec.Code < 400 {
			t.Fatalf("%s %q token=%q: redirect %d to %q", method, rawPath, tok, rec.Code, rec.Header().Get("Location"))
		}
		if ct := rec.Header().Get("Content-Type"); rec.Body.Len() > 0 && ct != ContentType {
			t.Fatalf("%s %q token=%q: %d with Content-Type %q: %s", method, rawPath, tok, rec.Code, ct, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Schemas []string
				Status  string
			}
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || len(e.Schemas) != 1 || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
				t.Fatalf("%s %q token=%q: %d without a SCIM Error: %s", method, rawPath, tok, rec.Code, rec.Body)
			}
		}
		account, rest, under := tenantPath(r)
		switch {
		case under && tok == "" && rec.Code != http.StatusUnauthorized:
			t.Fatalf("%s %q without a token: %d, want 401", method, rawPath, rec.Code)
		case under && tok != "" && account == "acme" && oddPath(rest) && rec.Code != http.StatusNotFound:
			t.Fatalf("%s %q with the token: %d, want 404", method, rawPath, rec.Code)
		}
	}
}

func FuzzTenantRoute(f *testing.F) {
	for _, p := range tenantPathSeeds {
		f.Add("GET", p)
	}
	f.Add("POST", TenantPrefix+"acme/Users/..")
	f.Add("DELETE", TenantPrefix+"acme/Users/%2e")
	h := oddServer(f)
	methods := map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true}
	f.Fuzz(func(t *testing.T, method, p string) {
		if !methods[method] {
			method = "GET"
		}
		checkTenantRoute(t, method, p)
		checkNoRedirect(t, h, method, p)
	})
}

// Odd paths below the tenant URL ({tenant}/., //Users, /Users/..,
// %2e%2e) answer like any other: 401 without a token, a 404 SCIM Error
// with one, as application/scim+json, never a redirect or HTML; over a
// real connection, where the client sends the path as it is.
func TestOddPathsAnswerLikeAnyOther(t *testing.T) {
	e := newEnv(t)
	e.createUser("alice@contoso.com")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, rawPath, token string) resp {
		t.Helper()
		req, err := http.NewRequest(method, e.srv.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(e.srv.URL + rawPath)
		if err != nil {
			t.Fatal(err)
		}
		req.URL = u
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		out := resp{status: res.StatusCode, header: res.Header, raw: raw}
		_ = json.Unmarshal(raw, &out.body)
		return out
	}
	tenant := TenantPrefix + "acme"
	cases := []struct {
		name, path    string
		withToken     int // status with acme's token
		methods       []string
		detailPattern string
	}{
		{"dot", tenant + "/.", 404, nil, "names nothing"},
		{"dot_slash", tenant + "/./", 404, nil, "names nothing"},
		{"double_slash_users", tenant + "//Users", 404, nil, "names nothing"},
		{"users_dotdot", tenant + "/Users/..", 404, []string{"GET", "POST", "PUT", "PATCH", "DELETE"}, "names nothing"},
		{"escaped_dotdot", tenant + "/%2e%2e", 404, nil, "names nothing"},
		{"users_escaped_dotdot", tenant + "/Users/%2e%2e", 404, []string{"GET", "DELETE"}, "names nothing"},
		{"escaped_dot_users", tenant + "/%2E/Users", 404, nil, "names nothing"},
		{"dot_users", tenant + "/./Users", 404, nil, "names nothing"},
		{"users_dot", tenant + "/Users/.", 404, nil, "names nothing"},
		{"users_double_slash", tenant + "/Users//", 404, nil, "names nothing"},
		{"dotdot_back_into_tenant", tenant + "/../acme/Users", 404, nil, "names nothing"},
		{"groups_empty_segment", tenant + "/Groups//x", 404, nil, "names nothing"},
		// The account segment itself: "..", "." or empty is no account,
		// so no token of acme is valid for it.
		{"dotdot_account", TenantPrefix + "../Users", 401, nil, "not a valid SCIM token"},
		{"escaped_dotdot_account", TenantPrefix + "%2e%2e/Users", 401, nil, "not a valid SCIM token"},
		{"empty_account", TenantPrefix + "/Users", 401, nil, "not a valid SCIM token"},
		{"dotdot_out_of_the_prefix", TenantPrefix + "acme/../../../admin/accounts", 404, nil, "names nothing"},
		// Plain paths keep working, a trailing slash included.
		{"users", tenant + "/Users", 200, nil, ""},
		{"users_trailing_slash", tenant + "/Users/", 200, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			methods := c.methods
			if methods == nil {
				methods = []string{"GET"}
			}
			for _, m := range methods {
				r := send(m, c.path, "")
				expect(t, r, http.StatusUnauthorized)
				if r.header.Get("WWW-Authenticate") == "" {
					t.Fatalf("%s %s: 401 without WWW-Authenticate", m, c.path)
				}
				r = send(m, c.path, e.token)
				expect(t, r, c.withToken)
				if c.detailPattern != "" && !strings.Contains(r.str("detail"), c.detailPattern) {
					t.Fatalf("%s %s: detail %q, want it to contain %q", m, c.path, r.str("detail"), c.detailPattern)
				}
				if c.withToken == 200 && r.total() != 1 {
					t.Fatalf("%s %s: %s", m, c.path, r.raw)
				}
			}
		})
	}
}

// Paths outside the tenant URLs, the admin API and /healthz are a 404 SCIM
// Error too, never Go's text/plain page or a redirect.
func TestUnknownPathsAreSCIMErrors(t *testing.T) {
	h := oddServer(t)
	for _, p := range []string{"/", "/nope", "/api/v1/scim/azure", "/api/v1/scim/azure%2Facme/Users", "/x/../y", "//healthz", "/Users"} {
		t.Run(p, func(t *testing.T) {
			u, err := url.Parse("http://h" + p)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "http://h/", nil)
			r.URL = u
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != ContentType ||
				!strings.Contains(rec.Body.String(), "urn:ietf:params:scim:api:messages:2.0:Error") {
				t.Fatalf("%d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
	for _, c := range []struct {
		method string
		status int
	}{{"GET", 200}, {"HEAD", 200}, {"POST", 405}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, "http://h/healthz", nil))
		if rec.Code != c.status {
			t.Fatalf("%s /healthz: %d, want %d", c.method, rec.Code, c.status)
		}
	}
}
