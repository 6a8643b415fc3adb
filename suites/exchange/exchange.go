// Package exchange holds one HTTP exchange with a SCIM endpoint as the suites
// see it: the request that was sent and the response that came back. Matchers
// print it in failure messages and the framework writes it as an artefact
// when a spec fails.
package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Request is a request as sent.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is an answer together with the request that produced it.
type Response struct {
	Request  *Request
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
}

// MaxBodyDump bounds how much of a body String prints; artefacts stay readable
// and a huge answer cannot flood the console.
const MaxBodyDump = 8 << 10

// DecodeJSON decodes the body into v.
func (r *Response) DecodeJSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %s %s answer (status %d) as JSON: %w", r.Request.Method, r.Request.URL, r.Status, err)
	}
	return nil
}

// String prints the exchange as text, with secrets redacted.
func (r *Response) String() string {
	var b strings.Builder
	if r == nil {
		return "<no response>"
	}
	if r.Request != nil {
		fmt.Fprintf(&b, "> %s %s\n", r.Request.Method, r.Request.URL)
		writeHeader(&b, "> ", r.Request.Header)
		writeBody(&b, "> ", r.Request.Body)
	}
	fmt.Fprintf(&b, "< %d %s (%s)\n", r.Status, http.StatusText(r.Status), r.Duration.Round(10*time.Microsecond))
	writeHeader(&b, "< ", r.Header)
	writeBody(&b, "< ", r.Body)
	return b.String()
}

func writeHeader(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if strings.EqualFold(k, "Authorization") {
				v = redact(v)
			}
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

// redact keeps the scheme so a reader sees which kind of credential went out.
func redact(v string) string {
	scheme, _, found := strings.Cut(v, " ")
	if !found {
		return "<redacted>"
	}
	return scheme + " <redacted>"
}

func writeBody(b *strings.Builder, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	shown := body
	var pretty bytes.Buffer
	if json.Valid(body) && json.Indent(&pretty, body, "", "  ") == nil {
		shown = pretty.Bytes()
	}
	truncated := len(shown) > MaxBodyDump
	if truncated {
		shown = shown[:MaxBodyDump]
	}
	b.WriteString(prefix + "\n")
	for _, line := range strings.Split(string(shown), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	if truncated {
		fmt.Fprintf(b, "%s… (%d bytes in total)\n", prefix, len(body))
	}
}
