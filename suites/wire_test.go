package suites_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
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

// peek returns the calls since the last take, keeping them.
func (w *wire) peek() []wireCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireCall(nil), w.calls...)
}

// behaviourOfFailure names the behaviour whose request the target rejected
// first: the first call answered 4xx (not 429, which is about load), mapped
// to the flow it belongs to. "" when no such call was made (5xx, 429 and
// lost connections are judged by the spec itself). A failed reference check
// (ENTRA-FLOW-06) is passed over: the engine logs a warning and goes on to
// the manager PATCH, so it does not explain a failed cycle.
// The spec's cause becomes that request's answer.
func behaviourOfFailure(f *framework.Framework, calls []wireCall) string {
	for _, c := range calls {
		if c.Status < 400 || c.Status >= 500 || c.Status == http.StatusTooManyRequests || flowOf(c) == "ENTRA-FLOW-06" {
			continue
		}
		if x := f.RecordedExchange(c.Method, c.Path, c.Status); x != nil {
			f.SetCause(framework.ExchangeCause(f.Target.TenantURL, x))
		}
		return flowOf(c)
	}
	return ""
}

// flowOf maps one of the engine's requests to its flow (spec section 2).
func flowOf(c wireCall) string {
	collection, id := "", false
	switch {
	case strings.Contains(c.Path, "/Users"):
		collection, id = "Users", !strings.HasSuffix(c.Path, "/Users")
	case strings.Contains(c.Path, "/Groups"):
		collection, id = "Groups", !strings.HasSuffix(c.Path, "/Groups")
	default:
		return ""
	}
	body := strings.ToLower(c.Body)
	query, _ := url.QueryUnescape(c.Query)
	switch {
	case c.Method == http.MethodGet && strings.Contains(query, "manager eq"):
		return "ENTRA-FLOW-06"
	case c.Method == http.MethodGet && collection == "Users" && id:
		return "ENTRA-FLOW-05"
	case c.Method == http.MethodGet && collection == "Users":
		return "ENTRA-FLOW-03"
	case c.Method == http.MethodGet && id:
		return "ENTRA-FLOW-14"
	case c.Method == http.MethodGet:
		return "ENTRA-FLOW-12"
	case c.Method == http.MethodPost && collection == "Users":
		return "ENTRA-FLOW-04"
	case c.Method == http.MethodPost:
		return "ENTRA-FLOW-13"
	case c.Method == http.MethodDelete && collection == "Users":
		return "ENTRA-FLOW-11"
	case c.Method == http.MethodDelete:
		return "ENTRA-FLOW-18"
	case collection == "Users" && strings.Contains(body, "manager"):
		return "ENTRA-FLOW-08"
	case collection == "Users" && strings.Contains(body, `"active"`):
		return "ENTRA-FLOW-09"
	case collection == "Users":
		return "ENTRA-FLOW-07"
	case strings.Contains(body, `"remove"`):
		return "ENTRA-FLOW-17"
	case strings.Contains(body, "members"):
		return "ENTRA-FLOW-16"
	}
	return "ENTRA-FLOW-15"
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
