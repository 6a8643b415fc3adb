package scim

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/protocol"
)

// maxResponseBody bounds what is read from one answer; a larger answer is
// a transport failure rather than an out-of-memory crash.
const maxResponseBody = 16 << 20

// idleConnsPerHost bounds the kept-alive connections to the tenant; it is
// above any concurrency a cycle runs with, so that no connection is closed
// between requests.
const idleConnsPerHost = 64

// Client sends Entra's requests to one tenant URL and reads the answers as
// Entra does. It is safe for concurrent use.
type Client struct {
	opts    Options
	base    string // tenant URL without query
	flags   string // tenant URL query (feature flags), sent only with KeepURLFlags
	dialect Dialect
	build   Builder
	http    *resty.Client
	log     *slog.Logger
}

// Result is one exchange: the request as sent and Entra's reading of the
// answer.
type Result struct {
	// Request is the request relative to the tenant URL (query without flags).
	Request Request
	// URL is the full URL sent.
	URL string
	// Sent is false when nothing needed sending (an update without changes,
	// a manager already correct).
	Sent bool
	// Outcome is Entra's classification of the answer.
	Outcome outcome.Outcome
	// Parsed holds the ids and resources of a successful answer.
	Parsed outcome.Parsed
	// Attempts counts the HTTP attempts (more than 1 after 429 retries).
	Attempts int
	// Duration is the wall time of the call, waits included.
	Duration time.Duration
}

// ID is the id of the created, read or matched resource ("" if none).
func (r *Result) ID() string { return r.Parsed.ID() }

// Found reports whether a successful query matched exactly one resource.
func (r *Result) Found() bool { return r.Outcome.Success && len(r.Parsed.IDs) == 1 }

// New checks the options and builds a client.
func New(opts Options) (*Client, error) {
	opts = opts.withDefaults()
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("scim client: a token is required (Entra sends Authorization: Bearer <token>)")
	}
	u, err := url.Parse(strings.TrimSpace(opts.TenantURL))
	if err != nil {
		return nil, fmt.Errorf("scim client: tenant URL %q: %w", opts.TenantURL, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("scim client: tenant URL %q must be an absolute http(s) URL", opts.TenantURL)
	}
	if u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("scim client: tenant URL %q must not carry user info or a fragment", opts.TenantURL)
	}
	d := opts.Dialect
	if d == "" {
		d = Legacy
		if fd, ok := DialectFromURL(u); ok {
			d = fd
		}
	} else if d, err = ParseDialect(string(d)); err != nil {
		return nil, fmt.Errorf("scim client: %w", err)
	}
	if opts.ManagerShape, err = ParseManagerShape(string(opts.ManagerShape)); err != nil {
		return nil, fmt.Errorf("scim client: %w", err)
	}
	flags := u.RawQuery
	u.RawQuery, u.ForceQuery = "", false
	base := strings.TrimRight(u.String(), "/")

	hc := resty.New().
		SetTimeout(opts.Timeout).
		SetAuthToken(opts.Token).
		SetHeader("User-Agent", "entrasim (Entra provisioning emulator)").
		SetLogger(restyLogger{opts.Logger}).
		SetResponseBodyLimit(maxResponseBody)
	if opts.Transport != nil {
		hc.SetTransport(opts.Transport)
	} else {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if opts.TLSConfig != nil {
			tc = opts.TLSConfig.Clone()
			if tc.MinVersion < tls.VersionTLS12 {
				tc.MinVersion = tls.VersionTLS12
			}
		}
		hc.SetTLSClientConfig(tc)
		// resty keeps GOMAXPROCS+1 idle connections per host: a cycle
		// running more requests at once than that closed the extra
		// connections after every burst and paid a new TCP (and TLS)
		// handshake for them (a fifth of the cycle's time at concurrency 4
		// on 2 cores).
		if t, ok := hc.GetClient().Transport.(*http.Transport); ok {
			t.MaxIdleConnsPerHost = idleConnsPerHost
		}
	}
	return &Client{
		opts: opts, base: base, flags: flags, dialect: d, http: hc, log: opts.Logger,
		build: Builder{Dialect: d, ManagerShape: opts.ManagerShape, BatchSize: opts.BatchSize, TenantURL: base,
			AttributeOrder: slices.Clone(opts.AttributeOrder)},
	}, nil
}

// Dialect is the PATCH dialect in use.
func (c *Client) Dialect() Dialect { return c.dialect }

// Builder returns the request builder the client uses.
func (c *Client) Builder() Builder { return c.build }

// BaseURL is the tenant URL without its query string.
func (c *Client) BaseURL() string { return c.base }

// URL is the full URL of a request, flags repeated when KeepURLFlags is set.
func (c *Client) URL(r Request) string {
	q := r.Query
	if c.opts.KeepURLFlags && c.flags != "" {
		if q == "" {
			q = c.flags
		} else {
			q = c.flags + "&" + q
		}
	}
	if q == "" {
		return c.base + r.Path
	}
	return c.base + r.Path + "?" + q
}

// Do sends a request and classifies the answer for call. A 429 with a
// Retry-After that fits in the remaining RetryAfterCap is retried within
// the call (UNC-01); otherwise the outcome is TooManyRequests with
// RetryAfter set, for the next cycle. The error is non-nil only when ctx
// ends; every answer, however bad, is an Outcome.
func (c *Client) Do(ctx context.Context, call outcome.Call, r Request) (*Result, error) {
	res := &Result{Request: r, URL: c.URL(r), Sent: true}
	start := time.Now()
	var waited time.Duration
	for {
		res.Attempts++
		// The body is read here (readAnswer), not by resty.
		req := c.http.R().SetContext(ctx).SetDoNotParseResponse(true)
		if r.Body != nil {
			// A reader is sent as it is; resty copies a []byte body twice.
			req.SetHeader("Content-Type", protocol.MediaType).SetBody(bytes.NewReader(r.Body))
		}
		resp, err := req.Execute(r.Method, res.URL)
		var body []byte
		if err == nil {
			body, err = readAnswer(resp.RawResponse)
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, fmt.Errorf("%s %s: %w", r.Method, res.URL, ctxErr)
			}
			res.Outcome = outcome.ClassifyTransport(err)
			break
		}
		ans := outcome.Response{Status: resp.StatusCode(), Header: resp.Header(), Body: body}
		res.Outcome, res.Parsed = outcome.Inspect(call, ans)
		if ans.Status != http.StatusTooManyRequests || !outcome.HasRetryAfter(ans.Header) ||
			res.Attempts >= c.opts.MaxAttempts || waited+res.Outcome.RetryAfter > c.opts.RetryAfterCap {
			break
		}
		wait := res.Outcome.RetryAfter
		c.log.Debug("429: waiting as Retry-After asks", "url", res.URL, "wait", wait, "attempt", res.Attempts)
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: waiting for Retry-After: %w", r.Method, res.URL, err)
		}
		waited += wait
	}
	res.Duration = time.Since(start)
	if c.log.Enabled(ctx, slog.LevelDebug) { // spares formatting the outcome on every call
		c.log.Debug("scim call", "flow", r.Flow, "method", r.Method, "url", res.URL,
			"status", res.Outcome.HTTPStatus, "outcome", res.Outcome.String())
	}
	return res, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// restyLogger routes resty's messages to slog at debug level.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) { r.l.Debug("resty: " + fmt.Sprintf(format, v...)) }
func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
