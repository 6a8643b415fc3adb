package scim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// recorded is one request as the fake target received it.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// reply is one canned answer.
type reply struct {
	status int
	header map[string]string
	body   string
}

// fakeTarget is an httptest SCIM target that records every request and
// answers from a script (the last reply repeats), or from handle when set.
type fakeTarget struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	replies []reply
	handle  func(w http.ResponseWriter, r *http.Request, n int) bool
}

func newTarget(t *testing.T, replies ...reply) *fakeTarget {
	t.Helper()
	ft := &fakeTarget{replies: replies}
	ft.Server = httptest.NewServer(http.HandlerFunc(ft.serve))
	t.Cleanup(ft.Close)
	return ft
}

func (ft *fakeTarget) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ft.mu.Lock()
	ft.reqs = append(ft.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
	n := len(ft.reqs)
	var rep reply
	if len(ft.replies) > 0 {
		rep = ft.replies[min(n, len(ft.replies))-1]
	}
	handle := ft.handle
	ft.mu.Unlock()
	if handle != nil && handle(w, r, n) {
		return
	}
	if rep.status == 0 {
		rep = reply{status: 200, body: emptyListBody}
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.body != "" {
		w.Header().Set("Content-Type", "application/scim+json")
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (ft *fakeTarget) requests() []recorded {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]recorded(nil), ft.reqs...)
}

const (
	emptyListBody = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`
	userBody      = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"a2f1c0de-5b1e-4c8e-9a41-0d3c9f1e7b21","userName":"x"}`
	groupBody     = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e1a9b3c4-2d5f-4a6b-8c7d-9e0f1a2b3c4d","displayName":"displayName"}`
	oneMatchBody  = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"a2f1c0de-5b1e-4c8e-9a41-0d3c9f1e7b21"}]}`
)

// newClient builds a client for the fake target with options applied.
func newClient(t *testing.T, url string, mod func(*Options)) *Client {
	t.Helper()
	o := Options{TenantURL: url, Token: "s3cret"}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}
