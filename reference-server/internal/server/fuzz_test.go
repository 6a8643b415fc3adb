package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// FuzzSCIMRequest: no request, however malformed, gets a 5xx or a body
// that is not a SCIM Error on failure (ENTRA-RESP-13 must come only from
// genuine faults). The seed corpus runs in every `go test`.
func FuzzSCIMRequest(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"GET", "/Users?filter=userName+eq+%22a%22", ""},
		{"GET", `/Users?filter=emails[type eq "work"].value eq "x"&attributes=emails.value`, ""},
		{"GET", "/Users?filter=not(title pr) or (x gt 5)&sortBy=name.familyName&sortOrder=descending", ""},
		{"POST", "/Users", `{"userName":"a","emails":[{"type":"work","value":"x"},{"type":"Work","value":"y"}]}`},
		{"POST", "/Users", `{"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":[{"value":"m"},{"value":"n"}]}}`},
		{"POST", "/Groups", `{"displayName":"g","members":[{"value":"nope"}]}`},
		{"PATCH", "/Users/u1", `{"Operations":[{"op":"replace","value":{"name.givenName":"x","active":"False"}}]}`},
		{"PATCH", "/Users/u1", `{"Operations":[{"op":"add","path":"emails[type eq \"home\"].value","value":"h"}]}`},
		{"PATCH", "/Groups/g1", `{"Operations":[{"op":"remove","path":"members[value eq \"u1\"]"}]}`},
		{"PATCH", "/Groups/g1", `{"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"}]}]}`},
		{"PUT", "/Groups/g1", `{"displayName":"g2","members":[{"value":"u1"}]}`},
		{"POST", "/.search", `{"filter":"meta.lastModified gt \"2011-05-13T04:42:34Z\"","startIndex":-4,"count":99999}`},
		{"DELETE", "/Users/u1", ""},
		{"GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	ctx := context.Background()
	st, err := store.OpenCached(ctx, store.Memory)
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	if err := auth.Seed(ctx, st, "acme", "tok", "fuzz"); err != nil {
		f.Fatal(err)
	}
	srv, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	// A known user and group so that paths with these ids reach the writers.
	for _, s := range []struct{ path, body string }{{"/Users", `{"userName":"seed"}`}, {"/Groups", `{"displayName":"seed"}`}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://x"+TenantPrefix+"acme"+s.path, strings.NewReader(s.body))
		req.Header.Set("Authorization", "Bearer tok")
		h.ServeHTTP(rec, req)
	}
	methods := map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !methods[method] {
			method = "GET"
		}
		req, err := http.NewRequest(method, "http://x"+TenantPrefix+"acme"+"/"+strings.TrimPrefix(path, "/"), strings.NewReader(body))
		if err != nil {
			return // not a URL a client could send
		}
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), "urn:ietf:params:scim:api:messages:2.0:Error") {
			t.Fatalf("%s %s: %d without a SCIM Error body: %s", method, path, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); rec.Body.Len() > 0 && ct != ContentType {
			t.Fatalf("Content-Type %q", ct)
		}
	})
}
