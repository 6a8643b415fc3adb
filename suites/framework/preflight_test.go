package framework

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPreflightNamesTheCauseOnce(t *testing.T) {
	list := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`))
	}
	var calls atomic.Int32
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		id      string
		want    []string
		cause   string
	}{
		{"healthy", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer good" || !strings.HasPrefix(r.URL.Query().Get("filter"), "userName eq ") {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			list(w, r)
		}, "", nil, ""},
		{"token rejected", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"detail":"bad token"}`))
		}, "ENTRA-HTTP-03", []string{"the token was rejected", "401 Unauthorized", "bad token", "SCIM_TOKEN"}, "GET /Users?filter → 401 Unauthorized"},
		{"forbidden", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) }, "ENTRA-HTTP-03", []string{"the token was rejected", "403"}, "GET /Users?filter → 403 Forbidden"},
		{"404 HTML page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html><body>Not Found</body></html>"))
		}, "ENTRA-FLOW-01", []string{"check the tenant URL", "404 Not Found (text/html)", "<html>"}, "GET /Users?filter → 404 Not Found"},
		{"200 but not SCIM", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>login</html>"))
		}, "ENTRA-FLOW-01", []string{"check the tenant URL", "not a SCIM ListResponse"}, ""},
		{"server error twice", func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
		}, "ENTRA-FLOW-01", []string{"500 Internal Server Error twice"}, "GET /Users?filter → 500 Internal Server Error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			p := Preflight(context.Background(), &Target{TenantURL: srv.URL + "/scim", Token: "good"}, 5*time.Second)
			if tc.id == "" {
				if p != nil {
					t.Fatalf("healthy endpoint: %v", p)
				}
				return
			}
			if p == nil || p.ID != tc.id {
				t.Fatalf("got %v, want a failure of %s", p, tc.id)
			}
			if p.Cause != tc.cause {
				t.Errorf("cause %q, want %q", p.Cause, tc.cause)
			}
			for _, w := range tc.want {
				if !strings.Contains(p.Message, w) {
					t.Errorf("message %q lacks %q", p.Message, w)
				}
			}
			if !strings.HasPrefix(p.Error(), PreflightPrefix+tc.id+": ") || p.ErrorCode == "" || len(p.Exchanges) == 0 {
				t.Errorf("error %q, code %q, %d exchanges", p.Error(), p.ErrorCode, len(p.Exchanges))
			}
		})
	}
	if calls.Load() != 2 {
		t.Errorf("a 5xx is tried twice, got %d calls", calls.Load())
	}
	t.Run("no answer", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		p := Preflight(context.Background(), &Target{TenantURL: "http://" + addr + "/scim", Token: "x"}, 2*time.Second)
		if p == nil || p.ID != "ENTRA-FLOW-01" || !strings.Contains(p.Message, "check the tenant URL") || !strings.Contains(p.Message, "got no answer") {
			t.Fatalf("got %v", p)
		}
	})
}
