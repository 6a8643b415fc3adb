package faults_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// chain serves /t/{account}{path} like the router does: tenant.Info in the
// context, then the fault middleware, then a handler that counts what it is
// given (standing in for the SCIM handlers that would apply the request).
type chain struct {
	srv      *httptest.Server
	injector *faults.Injector
	applied  atomic.Int64
	mu       sync.Mutex
	faults   []string // tenant.Info.Fault seen after each request
}

const appliedBody = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`

func newChain(t *testing.T, e *faults.Injector) *chain {
	t.Helper()
	c := &chain{injector: e}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.applied.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = io.WriteString(w, appliedBody)
	})
	h := e.Middleware(next)
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/t/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		account, path, _ := strings.Cut(rest, "/")
		info := &tenant.Info{AccountID: account, Path: "/" + path}
		defer func() {
			c.mu.Lock()
			c.faults = append(c.faults, info.Fault)
			c.mu.Unlock()
		}()
		h.ServeHTTP(w, r.WithContext(tenant.With(r.Context(), info)))
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// do sends a request to account's tenant URL + pathQuery.
func (c *chain) do(t *testing.T, method, account, pathQuery, body string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+"/t/"+account+pathQuery, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, string(b), err
	}
	return resp, string(b), nil
}

// must is do for requests that must get an answer.
func (c *chain) must(t *testing.T, method, account, pathQuery, body string) (*http.Response, string) {
	t.Helper()
	resp, b, err := c.do(t, method, account, pathQuery, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, pathQuery, err)
	}
	return resp, b
}

func (c *chain) lastFault() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.faults) == 0 {
		return ""
	}
	return c.faults[len(c.faults)-1]
}

// waitFault waits until n requests have finished on the server side and
// returns the last one's fault.
func (c *chain) waitFault(n int) string {
	for range 500 {
		c.mu.Lock()
		done := len(c.faults) >= n
		c.mu.Unlock()
		if done {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return c.lastFault()
}

func setPlan(t *testing.T, e *faults.Injector, account string, rules ...faults.Rule) {
	t.Helper()
	if err := e.SetPlan(account, faults.Meta{}, rules); err != nil {
		t.Fatalf("SetPlan: %v", err)
	}
}

func prob(p float64) *float64 { return &p }
