package journal_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// serveOnce runs one request through the journal middleware to h and
// returns the recorded entry.
func serveOnce(t *testing.T, body string, h http.HandlerFunc) journal.Entry {
	t.Helper()
	j := journal.New(10)
	req := httptest.NewRequest("POST", "/Users", strings.NewReader(body))
	req = req.WithContext(tenant.With(req.Context(), &tenant.Info{AccountID: "a", Path: "/Users", AccountKnown: true, Authorized: true}))
	j.Middleware(h).ServeHTTP(httptest.NewRecorder(), req)
	es := j.Since("a", 0)
	if len(es) != 1 {
		t.Fatalf("%d entries", len(es))
	}
	return es[0]
}

// The handler can take the request body the journal read (CapturedBody)
// instead of reading it again, and hand its answer over (OwnedWriter); the
// entry records both exactly.
func TestBodiesChangeHands(t *testing.T) {
	var got []byte
	e := serveOnce(t, `{"userName":"a"}`, func(w http.ResponseWriter, r *http.Request) {
		cb, ok := r.Body.(journal.CapturedBody)
		if !ok {
			t.Fatal("the body is not a CapturedBody")
		}
		b, whole := cb.Bytes()
		if !whole {
			t.Fatal("an unread body is not whole")
		}
		got = b
		ow, ok := w.(journal.OwnedWriter)
		if !ok {
			t.Fatal("the writer is not an OwnedWriter")
		}
		_, _ = ow.WriteOwned([]byte(`{"id":"1"}`))
	})
	if string(got) != `{"userName":"a"}` || e.RequestBody != `{"userName":"a"}` || e.ResponseBody != `{"id":"1"}` || e.Status != 200 {
		t.Fatalf("handler got %q; entry %+v", got, e)
	}
}

// Once the handler has read part of the body, Bytes declines (the rest is
// read as usual) and the entry still has the whole body.
func TestCapturedBodyDeclinesAfterRead(t *testing.T) {
	e := serveOnce(t, `{"userName":"b"}`, func(w http.ResponseWriter, r *http.Request) {
		head := make([]byte, 3)
		if _, err := io.ReadFull(r.Body, head); err != nil {
			t.Fatal(err)
		}
		if _, whole := r.Body.(journal.CapturedBody).Bytes(); whole {
			t.Fatal("Bytes after a read claims the whole body")
		}
		rest, _ := io.ReadAll(r.Body)
		if string(head)+string(rest) != `{"userName":"b"}` {
			t.Fatalf("read %q%q", head, rest)
		}
	})
	if e.RequestBody != `{"userName":"b"}` {
		t.Fatalf("entry %q", e.RequestBody)
	}
}
