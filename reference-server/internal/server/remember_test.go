package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// A user document a create stored goes into the decoded-document cache as
// the resource it was rendered from; the entry must be exactly
// what decoding the stored document gives, whatever the body held
// (escapes, numbers as sent, unknown and server attributes, odd casing,
// non-ASCII: ENTRA-FLOW-04/06/07). resource.DecodesToItself, which
// guards the rest, has its own tests.
func TestRememberedDocumentIsTheDecodedOne(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "test"); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	bodies := []string{
		entraUserBody(1),
		`{"userName":"html<&>@x","displayName":"é \u2028 \u0001","custom:ext":{"n":[1.50,-0,1e3],"o":{}},"name":{"givenName":"G"},"id":"ignored","meta":{"x":1},"groups":[{"value":"g"}]}`,
		"{\"userName\":\"non\u00ffascii@x\",\"displayName\":\"x\u00fey\"}", // invalid UTF-8 is refused (body_test.go)
		`{"USERNAME":"cased@x","Active":"True","Emails":[{"Value":"a@b","TYPE":"work","primary":"false"}]}`,
	}
	remembered := 0
	for _, body := range bodies {
		req, _ := http.NewRequest("POST", "http://h"+TenantPrefix+"acme/Users", stringsReader(body))
		req.Header.Set("Authorization", "Bearer tok-acme")
		rec := newRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", body, rec.Code, rec.Body)
		}
		id := idOf(rec.Body.String())
		u, err := st.User(ctx, "acme", id)
		if err != nil {
			t.Fatal(err)
		}
		s.docs.mu.RLock()
		e, ok := s.docs.entries[docKey{"acme", id}]
		s.docs.mu.RUnlock()
		if !ok {
			continue
		}
		remembered++
		want, err := resource.Decode(u.Doc)
		if err != nil {
			t.Fatal(err)
		}
		if e.version != u.Version || !reflect.DeepEqual(e.res, want) {
			t.Fatalf("%s: cached v%d %#v\nstored v%d %#v", body, e.version, e.res, u.Version, want)
		}
	}
	if remembered < 3 {
		t.Fatalf("only %d of %d documents were remembered", remembered, len(bodies))
	}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
