package suites_test

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/quantive/entra-scim-harness/suites/framework"
)

// wireCall is one HTTP exchange the provisioning engine had with the target,
// seen from the client side, so cycle specs can assert the exact requests on
// any target (not only where the admin journal exists).
type wireCall struct {
	Method  string
	Path    string // below the tenant URL's host, e.g. /scim/Users/42
	Query   string
	Body    string
	Status  int // 0 when no answer arrived
	Latency time.Duration
}

// wire records every request sent through it.
type wire struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls []wireCall
}

// newWire records into the spec's recorder too (f.Transport), so the
// engine's exchanges are evidence when the spec fails or is blocked.
func newWire(f *framework.Framework) *wire {
	return &wire{next: f.Transport(http.DefaultTransport.(*http.Transport).Clone())}
}

// RoundTrip implements http.RoundTripper.
func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	c := wireCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		c.Body = string(b)
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	start := time.Now()
	resp, err := w.next.RoundTrip(r)
	c.Latency = time.Since(start)
	if err == nil {
		c.Status = resp.StatusCode
	}
	w.mu.Lock()
	w.calls = append(w.calls, c)
	w.mu.Unlock()
	return resp, err
}

// take returns the calls since the last take and forgets them.
func (w *wire) take() []wireCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.calls
	w.calls = nil
	return out
}

// only keeps the calls with the given method.
func only(calls []wireCall, method string) []wireCall {
	var out []wireCall
	for _, c := range calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}
