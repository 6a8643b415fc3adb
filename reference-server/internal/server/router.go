package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// router is the root handler: /healthz, the admin API under /admin, the
// SCIM chain for everything below TenantPrefix, and a SCIM Error 404 for
// any other path.
//
// It routes by hand rather than through an http.ServeMux because the mux
// answers a path that is not clean ({tenant}/., {tenant}//Users,
// {tenant}/Users/..) with a redirect to the cleaned path (an HTML body,
// no authentication, and a client that follows it reaches another
// resource than the one it named). Here such a path is served like any
// other: the SCIM chain answers 401 without a valid token and a 404 SCIM
// Error with one (serveSCIM rejects ".", ".." and empty segments), always
// as application/scim+json. Every path the mux would route to the tenant
// patterns as it is gets the same account and path as the mux gave it
// (TestTenantRouteAgreesWithServeMux, FuzzTenantRoute); the route also
// spares the mux's per-wildcard allocations.
func router(scim, admin http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if account, rest, ok := tenantPath(r); ok {
			ctx, _ := tenant.New(r.Context(), account, rest)
			scim.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		switch p := r.URL.EscapedPath(); {
		case p == "/healthz":
			healthz(w, r)
		case p == "/admin" || strings.HasPrefix(p, "/admin/"):
			admin.ServeHTTP(w, r)
		default:
			writeSCIMError(w, protocol.Errorf(http.StatusNotFound, "",
				"no endpoint %s; SCIM endpoints are below %s{account_id}", p, TenantPrefix))
		}
	})
}

// healthz answers GET (and HEAD) /healthz with 200 "ok".
func healthz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeSCIMError(w, protocol.Errorf(http.StatusMethodNotAllowed, "", "method %s is not allowed on /healthz; allowed: GET, HEAD", r.Method))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// tenantPath reads the account and the path below the tenant URL from a
// request whose escaped path starts with TenantPrefix: the account is the
// next segment, unescaped, and the path is "/" and the rest of the path,
// unescaped as a whole (what the ServeMux patterns {account} and
// {rest...} gave), without any cleaning: "/./Users" stays as it is. ok is
// false for any other path.
func tenantPath(r *http.Request) (account, rest string, ok bool) {
	p := r.URL.Path
	if r.URL.RawPath != "" {
		p = r.URL.EscapedPath()
	}
	if !strings.HasPrefix(p, TenantPrefix) {
		return "", "", false
	}
	below := p[len(TenantPrefix):]
	acc, after, _ := strings.Cut(below, "/")
	if r.URL.RawPath == "" {
		// Nothing was escaped: the path is its own unescaped form, and
		// rest is a substring of it (no allocation).
		if rest = below[len(acc):]; rest == "" {
			rest = "/"
		}
		return acc, rest, true
	}
	account, err := url.PathUnescape(acc)
	if err != nil {
		account = acc // cannot happen: EscapedPath is validly escaped
	}
	if rest, err = url.PathUnescape(after); err != nil {
		rest = after
	}
	return account, "/" + rest, true
}

// oddPath reports whether a path below the tenant URL has a segment that
// names nothing: ".", "..", or an empty segment other than one trailing
// slash ({tenant}//Users, {tenant}/Users/.., {tenant}/.). Such a path is
// served as a 404, never cleaned into another path.
func oddPath(p string) bool {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return false
	}
	p = strings.TrimSuffix(p, "/")
	for {
		seg, after, more := strings.Cut(p, "/")
		if seg == "" || seg == "." || seg == ".." {
			return true
		}
		if !more {
			return false
		}
		p = after
	}
}
