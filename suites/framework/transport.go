package framework

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// Transport returns an http.RoundTripper that sends through next and records
// every exchange into the spec's recorder, so the engine's requests in cycle,
// quarantine and load specs are evidence in the artefact of a failed or
// blocked spec, like the spec's own requests.
func (f *Framework) Transport(next http.RoundTripper) http.RoundTripper {
	return &recordingTransport{next: next, rec: f.rec}
}

type recordingTransport struct {
	next http.RoundTripper
	rec  *Recorder
}

// maxRecordedAnswer bounds how much of an answer is kept for the artefact
// (the exchange printer shows 8 KiB of it).
const maxRecordedAnswer = 64 << 10

// RoundTrip implements http.RoundTripper.
func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	x := &exchange.Response{Request: &exchange.Request{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone()}}
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		x.Request.Body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	x.Duration = time.Since(start)
	if err != nil {
		t.rec.add(x)
		return nil, err
	}
	// Keep a copy of the answer and hand the caller an identical body.
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxRecordedAnswer))
	rest := resp.Body
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(b), rest), rest}
	x.Status, x.Header, x.Body = resp.StatusCode, resp.Header.Clone(), b
	t.rec.add(x)
	if rerr != nil {
		return nil, rerr
	}
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}
