package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

var tenantPathSeeds = []string{
	TenantPrefix + "acme/Users", TenantPrefix + "acme/Users/0b8f6c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b", TenantPrefix + "acme",
	TenantPrefix + "acme/", TenantPrefix + "acme/Groups/", TenantPrefix + "acme/.search", TenantPrefix + "", TenantPrefix + "acme//Users",
	TenantPrefix + "acme/./Users", TenantPrefix + "acme/../x/Users", TenantPrefix + "acme/Users/..", TenantPrefix + "a%2Fb/Users",
	TenantPrefix + "acme/Users/a%20b", TenantPrefix + "ac me/Users", TenantPrefix + "acme/Users/é", "/api/v1/scim/azure", "/admin/x",
	TenantPrefix + "acme/Users/x~y_z-1.2", TenantPrefix + ".", TenantPrefix + "../Users",
}

// The fast path routes exactly the requests the ServeMux would route to
// the tenant patterns as they are, with the same account and path.
func TestTenantFastPathAgreesWithServeMux(t *testing.T) {
	taken := 0
	for _, p := range tenantPathSeeds {
		if checkTenantPath(t, "GET", p) {
			taken++
		}
	}
	if taken < 7 {
		t.Fatalf("the fast path took only %d of the seeds", taken)
	}
	if checkTenantPath(t, "CONNECT", TenantPrefix+"acme/Users") {
		t.Fatal("CONNECT took the fast path")
	}
}

// checkTenantPath compares plainTenantPath with the ServeMux on one
// request; it reports whether the fast path took it.
func checkTenantPath(t *testing.T, method, rawPath string) bool {
	t.Helper()
	u, err := url.Parse("http://h" + rawPath)
	if err != nil || u.Path == "" {
		return false
	}
	r := httptest.NewRequest(method, "http://h/", nil)
	r.URL = u
	account, rest, ok := plainTenantPath(r)
	if !ok {
		return false
	}
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
	if !matched || gotAccount != account || gotRest != rest {
		t.Fatalf("%s %q: fast path (%q, %q); ServeMux matched=%v (%q, %q), status %d", method, rawPath, account, rest, matched, gotAccount, gotRest, rec.Code)
	}
	return true
}

func FuzzTenantFastPath(f *testing.F) {
	for _, p := range tenantPathSeeds {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) { checkTenantPath(t, "GET", p) })
}
