package scim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestBodiesCarryContentLength: the requests with a body (ENTRA-HTTP-04
// gives their media type) announce its length and none is sent chunked,
// including a 429 retry that sends the body again.
func TestBodiesCarryContentLength(t *testing.T) {
	type seen struct {
		length int64
		te     []string
		body   int
	}
	var got []seen
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.ContentLength, r.TransferEncoding, len(b)})
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"u1","userName":"a@x"}`))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, nil)
	res, err := c.CreateUser(context.Background(), flow04Attributes())
	if err != nil || !res.Outcome.Success {
		t.Fatalf("create: %v %+v", err, res)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2 (one 429 retry)", len(got))
	}
	for i, s := range got {
		if s.body == 0 || s.length != int64(s.body) || len(s.te) != 0 {
			t.Fatalf("request %d: Content-Length %d, Transfer-Encoding %v, body %d bytes", i, s.length, s.te, s.body)
		}
	}
}
