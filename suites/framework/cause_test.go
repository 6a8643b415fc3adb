package framework

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

func xchg(method, url string, status int, body string) *exchange.Response {
	return &exchange.Response{Request: &exchange.Request{Method: method, URL: url}, Status: status, Body: []byte(body)}
}

func withBody(x *exchange.Response, body string) *exchange.Response {
	x.Request.Body = []byte(body)
	return x
}

func TestCauseNamesTheLastExchangeThatWentWrong(t *testing.T) {
	const tenant = "http://127.0.0.1:9/scim/v2"
	for _, tc := range []struct {
		name string
		xs   []*exchange.Response
		want string
	}{
		{"405 on a user PATCH", []*exchange.Response{
			xchg("POST", tenant+"/Users", 201, `{}`),
			xchg("PATCH", tenant+"/Users/8f3a", 405, `{"detail":"no"}`),
		}, "PATCH /Users/{id} → 405 Method Not Allowed"},
		{"an asked-for 409 earlier is not the cause", []*exchange.Response{
			xchg("POST", tenant+"/Users", 409, `{"scimType":"uniqueness"}`),
			xchg("POST", tenant+"/Groups", 201, `{}`),
		}, ""},
		{"scimType is part of the answer", []*exchange.Response{
			xchg("POST", tenant+"/Users", 400, `{"scimType":"invalidValue","detail":"active must be a boolean"}`),
		}, "POST /Users → 400 Bad Request (invalidValue)"},
		{"query names, not values", []*exchange.Response{
			xchg("GET", tenant+`/Groups?excludedAttributes=members&filter=displayName+eq+%22x%22`, 404, ``),
		}, "GET /Groups?excludedAttributes&filter → 404 Not Found"},
		{"no answer", []*exchange.Response{xchg("DELETE", tenant+"/Groups/1", 0, "")}, "DELETE /Groups/{id} → no answer"},
		{"a PATCH names the attributes it touches", []*exchange.Response{withBody(xchg("PATCH", tenant+"/Users/1", 400, `{"scimType":"invalidValue"}`),
			`{"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"7"}]}`)},
			"PATCH /Users/{id} (manager) → 400 Bad Request (invalidValue)"},
		{"filter values are left out", []*exchange.Response{withBody(xchg("PATCH", tenant+"/Groups/1", 400, `{"scimType":"noTarget"}`),
			`{"Operations":[{"op":"remove","path":"members[value eq \"8f3\"]"},{"op":"replace","value":{"displayName":"x"}}]}`)},
			"PATCH /Groups/{id} (members[value eq …], no path) → 400 Bad Request (noTarget)"},
		{"every answer good: the message explains", []*exchange.Response{xchg("GET", tenant+"/Users/1", 200, `{}`)}, ""},
	} {
		if got := Cause(tenant, tc.xs); got != tc.want {
			t.Errorf("%s: Cause = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRecorderKeepsWhatWentWrongWithinBounds(t *testing.T) {
	r := &Recorder{}
	for range maxRecordedOK + 10 {
		r.add(xchg("GET", "/Users/1", 200, ""))
	}
	r.add(xchg("PATCH", "/Users/1", 500, ""))
	xs := r.Exchanges()
	if len(xs) != maxRecordedOK+1 || xs[len(xs)-1].Status != 500 {
		t.Fatalf("kept %d exchanges (last %d), want %d answered and the 500", len(xs), xs[len(xs)-1].Status, maxRecordedOK)
	}
	if r.Dropped() != 10 {
		t.Errorf("dropped %d, want 10", r.Dropped())
	}
}

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection reset")
}

func TestTransportRecordsTheEngineExchangesAndPassesAnswersThrough(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write(append([]byte(`{"scimType":"uniqueness","echo":`), append(b, '}')...))
	}))
	defer srv.Close()
	f := &Framework{rec: &Recorder{}}
	c := &http.Client{Transport: f.Transport(http.DefaultTransport)}
	resp, err := c.Post(srv.URL+"/Users", "application/scim+json", strings.NewReader(`"x"`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != `{"scimType":"uniqueness","echo":"x"}` {
		t.Errorf("caller read %q: the recorder must hand the answer on unchanged", body)
	}
	bad := &http.Client{Transport: f.Transport(failingTransport{})}
	if _, err := bad.Get(srv.URL + "/Groups/7"); err == nil {
		t.Fatal("transport error swallowed")
	}
	xs := f.rec.Exchanges()
	if len(xs) != 2 || string(xs[0].Request.Body) != `"x"` || xs[0].Status != 409 || string(xs[0].Body) != string(body) || xs[1].Status != 0 {
		t.Fatalf("recorded %v", xs)
	}
	if got := Cause(srv.URL, xs); got != "GET /Groups/{id} → no answer" {
		t.Errorf("cause %q", got)
	}
}
