package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// HTTP sends SCIM requests to a tenant URL with plain net/http and records
// every exchange, so a failed spec can be explained from its artefact.
type HTTP struct {
	base   *url.URL
	token  string
	client *http.Client
	rec    *Recorder
}

// NewHTTP returns a client for tenantURL. Query parameters of the tenant URL
// (such as ?aadOptscim062020) are sent on every request, as Entra may do.
func NewHTTP(tenantURL, token string, timeout time.Duration, rec *Recorder) (*HTTP, error) {
	u, err := url.Parse(tenantURL)
	if err != nil {
		return nil, fmt.Errorf("tenant URL: %w", err)
	}
	if rec == nil {
		rec = &Recorder{}
	}
	return &HTTP{base: u, token: token, client: &http.Client{Timeout: timeout}, rec: rec}, nil
}

// Request describes one call. Body may be nil, []byte, string or any value
// to be sent as JSON.
type Request struct {
	Method string
	// Path is below the tenant URL, e.g. "/Users" or "/Users/123".
	Path   string
	Query  url.Values
	Body   any
	Header http.Header
	// RawQuery is appended to the encoded query as it is, for specs that
	// check how an endpoint decodes unusual encodings (ENTRA-HTTP-05).
	RawQuery string
	// NoAuth leaves out the Authorization header (authentication specs).
	NoAuth bool
}

// URL is the absolute URL of path below the tenant URL, with the tenant
// URL's own query merged into query.
func (h *HTTP) URL(path string, query url.Values) string {
	u := *h.base
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(path, "/")
	u.RawPath = ""
	q := h.base.Query()
	for k, vs := range query {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	// A bare flag such as ?aadOptscim062020 stays bare, as Entra writes it.
	bare := map[string]bool{}
	for k, vs := range h.base.Query() {
		if len(vs) == 1 && vs[0] == "" {
			bare[k] = true
		}
	}
	enc := encodeQuery(q, bare)
	u.RawQuery = enc
	return u.String()
}

// Do sends the request and records the exchange. A transport error is
// returned as an error (and recorded with status 0).
func (h *HTTP) Do(ctx context.Context, r Request) (*exchange.Response, error) {
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = b
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			return nil, fmt.Errorf("encode %s %s body: %w", r.Method, r.Path, err)
		}
	}
	target := h.URL(r.Path, r.Query)
	if r.RawQuery != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + r.RawQuery
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", r.Method, r.Path, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", protocol.MediaType)
	}
	if !r.NoAuth {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	x := &exchange.Response{Request: &exchange.Request{Method: r.Method, URL: target, Header: req.Header.Clone(), Body: body}}
	start := time.Now()
	resp, err := h.client.Do(req)
	x.Duration = time.Since(start)
	if err != nil {
		h.rec.add(x)
		return nil, fmt.Errorf("%s %s: %w", r.Method, target, err)
	}
	defer resp.Body.Close()
	x.Body, err = io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	x.Status, x.Header = resp.StatusCode, resp.Header
	x.Duration = time.Since(start)
	h.rec.add(x)
	if err != nil {
		return x, fmt.Errorf("read %s %s answer: %w", r.Method, target, err)
	}
	return x, nil
}

// Get is Do for a GET.
func (h *HTTP) Get(ctx context.Context, path string, query url.Values) (*exchange.Response, error) {
	return h.Do(ctx, Request{Method: http.MethodGet, Path: path, Query: query})
}

// Recorder keeps the exchanges of one spec: every exchange that went wrong
// (no answer, 4xx, 5xx) up to a bound, and the first answered ones up to
// another, so a cycle of thousands of requests leaves a readable artefact
// that still holds what failed.
type Recorder struct {
	mu        sync.Mutex
	exchanges []*exchange.Response
	kept      [2]int // answered below 400, went wrong
	dropped   int
}

// Bounds of a Recorder: exchanges answered below 400, and those that went wrong.
const (
	maxRecordedOK  = 200
	maxRecordedBad = 500
)

func (r *Recorder) add(x *exchange.Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind, limit := 0, maxRecordedOK
	if x.Status == 0 || x.Status >= 400 {
		kind, limit = 1, maxRecordedBad
	}
	if r.kept[kind] >= limit {
		r.dropped++
		return
	}
	r.kept[kind]++
	r.exchanges = append(r.exchanges, x)
}

// Dropped is the number of exchanges not kept because of the bounds.
func (r *Recorder) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// Exchanges returns what was recorded, oldest first.
func (r *Recorder) Exchanges() []*exchange.Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*exchange.Response(nil), r.exchanges...)
}

// encodeQuery is url.Values.Encode, except that keys in bare with an empty
// value are written without "=".
func encodeQuery(q url.Values, bare map[string]bool) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			if v == "" && bare[k] {
				parts = append(parts, url.QueryEscape(k))
				continue
			}
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}
