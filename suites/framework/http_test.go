package framework

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestHTTPURLKeepsTenantPathAndFlag(t *testing.T) {
	h, err := NewHTTP("http://127.0.0.1:1/api/v1/scim/azure/acme/?aadOptscim062020", "t", time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := h.URL("/Users", url.Values{"filter": {`userName eq "a b"`}})
	want := `http://127.0.0.1:1/api/v1/scim/azure/acme/Users?aadOptscim062020&filter=userName+eq+%22a+b%22`
	if got != want {
		t.Errorf("URL = %s\nwant  %s", got, want)
	}
}

func TestHTTPDoSendsTokenBodyAndRecords(t *testing.T) {
	var gotAuth, gotCT, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotCT = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()
	rec := &Recorder{}
	h, _ := NewHTTP(srv.URL+"/scim", "tok", 5*time.Second, rec)
	x, err := h.Do(context.Background(), Request{Method: "POST", Path: "Users", Body: map[string]string{"userName": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != 201 || string(x.Body) != `{"id":"1"}` || gotAuth != "Bearer tok" || gotCT != "application/scim+json" || gotBody != `{"userName":"a"}` {
		t.Errorf("exchange %v auth %q ct %q body %q", x, gotAuth, gotCT, gotBody)
	}
	if _, err := h.Do(context.Background(), Request{Method: "GET", Path: "/Users", NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	if gotAuth != "" {
		t.Errorf("NoAuth sent %q", gotAuth)
	}
	if n := len(rec.Exchanges()); n != 2 {
		t.Errorf("recorded %d exchanges", n)
	}
	srv.Close()
	if _, err := h.Get(context.Background(), "/Users", nil); err == nil || !strings.Contains(err.Error(), "GET ") {
		t.Errorf("transport error: %v", err)
	}
	if n := len(rec.Exchanges()); n != 3 {
		t.Errorf("failed exchange not recorded: %d", n)
	}
}
