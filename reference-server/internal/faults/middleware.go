package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// MalformedBody is what action malformed answers when the rule has no body:
// an HTML error page such as a proxy in front of a SCIM service may send,
// which no SCIM client can parse (ENTRA-RESP-17).
const MalformedBody = "<html><head><title>Service</title></head><body>Request accepted.</body></html>\n"

// Middleware applies the plan of the request's account (tenant.From) before
// next runs; a request answered by a fault never reaches next. It records
// the name of the rule that fired in tenant.Info.Fault.
func (e *Injector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := tenant.From(r.Context())
		if info == nil {
			next.ServeHTTP(w, r)
			return
		}
		rule := e.pick(info.AccountID, r, info.Path)
		if rule == nil {
			next.ServeHTTP(w, r)
			return
		}
		info.Fault = rule.Name
		if rule.delay > 0 {
			bufferBody(r)
			t := time.NewTimer(rule.delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				// The client gave up (its timeout, ERR-13): nothing to answer.
				t.Stop()
				return
			}
		}
		switch rule.action {
		case "":
			next.ServeHTTP(w, r)
		case ActionRespond:
			respond(w, rule)
		case ActionMalformed:
			malformed(w, rule)
		case ActionDrop:
			drop(w)
		}
	})
}

// maxBufferedBody bounds what bufferBody holds in memory.
const maxBufferedBody = 8 << 20

// bufferBody reads the request body ahead and puts it back for next. Only
// once the body is read does net/http watch the connection, so without this
// a client that gives up during a delay would go unnoticed until the delay
// ends.
func bufferBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, maxBufferedBody))
	rest := io.Reader(r.Body)
	if err != nil {
		rest = errReader{err}
	}
	r.Body = readCloser{io.MultiReader(bytes.NewReader(head), rest), r.Body}
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// pick returns the rule that fires for the request, counting the hit, or nil.
func (e *Injector) pick(account string, r *http.Request, path string) *compiled {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.planLocked(account)
	if p == nil {
		return nil
	}
	for _, c := range p.rules {
		if !c.budgetLeft() || !c.matches(r, path) {
			continue
		}
		if c.prob < 1 && e.rng.Float64() >= c.prob {
			continue
		}
		c.hits++
		return c
	}
	return nil
}

// respond answers the rule's status with its body or a SCIM Error body.
func respond(w http.ResponseWriter, c *compiled) {
	if c.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(c.RetryAfter))
	}
	body := []byte(c.Body)
	if c.Body == "" {
		body, _ = json.Marshal(protocol.NewError(c.Status, scimTypeFor(c.Status),
			fmt.Sprintf("fault injected by rule %q", c.Name)))
	}
	write(w, c.Status, contentType(body), body)
}

// malformed answers a 2xx whose body is not SCIM.
func malformed(w http.ResponseWriter, c *compiled) {
	status := c.Status
	if status == 0 {
		status = http.StatusOK
	}
	if c.Body == "" {
		write(w, status, "text/html; charset=utf-8", []byte(MalformedBody))
		return
	}
	body := []byte(c.Body)
	write(w, status, contentType(body), body)
}

// drop closes the connection without answering. Where the connection cannot
// be taken over (HTTP/2), aborting the handler resets the stream instead.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if err := conn.Close(); err != nil {
		slog.Debug("fault drop: close connection", "err", err)
	}
}

func write(w http.ResponseWriter, status int, ctype string, body []byte) {
	if status == http.StatusNoContent || status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		slog.Debug("fault respond: write body", "err", err)
	}
}

// contentType labels a raw body: SCIM JSON when it looks like JSON.
func contentType(body []byte) string {
	if s := strings.TrimSpace(string(body)); strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		return protocol.MediaType
	}
	return "text/plain; charset=utf-8"
}

// scimTypeFor gives the generated Error body the scimType RFC 7644 §3.12
// pairs with the status, where there is one.
func scimTypeFor(status int) string {
	switch status {
	case http.StatusConflict:
		return protocol.ScimTypeUniqueness
	case http.StatusBadRequest:
		return protocol.ScimTypeInvalidValue
	}
	return ""
}
