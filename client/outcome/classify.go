package outcome

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Response is the part of an HTTP answer classification needs.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Classify turns an answer to call into Entra's outcome (ENTRA-RESP-01..22).
// For 2xx the body is checked as Entra would parse it (body.go); Classify
// never fails and never panics on bad input.
func Classify(call Call, r Response) Outcome {
	switch {
	case r.Status >= 200 && r.Status < 300:
		return checkBody(call, r)
	case r.Status == http.StatusNotFound:
		return classify404(call, r.Body)
	}
	o := statusOutcome(call, r.Status, r.Body)
	if r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable {
		o.RetryAfter = RetryAfter(r.Header, time.Now())
	}
	return o
}

// classify404 decides what a 404 means for the call: non-compliance on a
// filter (RESP-03), a lost anchor on an id-based call (RESP-04), done on
// DELETE (UNC-08).
func classify404(call Call, body []byte) Outcome {
	switch {
	case call.isDelete():
		o := success(http.StatusNotFound)
		o.SpecID = "UNC-08, ENTRA-FLOW-11"
		o.Warning = "the target answered 404 to DELETE: the object was already gone; treated as deleted"
		o.AdditionalDetails = string(body)
		return o
	case call.isQuery():
		return rowFilter404.outcomeFor(http.StatusNotFound, body)
	case call.isAnchored():
		return rowInvalidAnchor.outcomeFor(http.StatusNotFound, body)
	}
	// POST to a collection that does not exist: the endpoint is wrong.
	o := rowUnexpected.outcomeFor(http.StatusNotFound, body)
	o.Reason = "The target has no such collection (HTTP 404 on POST)."
	o.RecommendedAction = "Check the tenant URL: Entra adds /Users and /Groups to it."
	return o
}

// statusOutcome looks a non-2xx, non-404 status up in the table, then lets
// the SCIM Error body refine it within what the status and its scimType
// allow (refine.go; ENTRA-RESP-20..22). A status outside the table is the
// plain-400 default for 4xx (ENTRA-RESP-05/10, UNC-03) and an unexpected
// answer otherwise (ENTRA-RESP-15).
func statusOutcome(call Call, status int, body []byte) Outcome {
	if r, ok := refine(call, status, body); ok {
		return r.outcomeFor(status, body)
	}
	if r, ok := statusTable[status]; ok {
		o := r.outcomeFor(status, body)
		if st := readErrorBody(body).scimType; st != "" && status == http.StatusBadRequest {
			o.Reason = withNote(o.Reason, "scimType "+st+", which names no Entra error code")
		}
		return o
	}
	o := rowUnexpected.outcomeFor(status, body)
	if status >= 400 && status < 500 {
		o = statusTable[http.StatusBadRequest].outcomeFor(status, body)
		o.SpecID = "ENTRA-RESP-05, ENTRA-RESP-10, UNC-03"
	}
	o.Reason = "The target answered with unexpected HTTP status " + strconv.Itoa(status) + "."
	return o
}

// ClassifyTransport turns a failed exchange (no HTTP answer) into Timeout
// (RESP-16) or WebExceptionProtocolError (RESP-15).
func ClassifyTransport(err error) Outcome {
	if isTimeout(err) {
		o := rowTimeout.outcomeFor(0, nil)
		o.AdditionalDetails = err.Error()
		return o
	}
	o := rowProtocol.outcomeFor(0, nil)
	o.AdditionalDetails = err.Error()
	return o
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// RetryAfter reads a Retry-After header (delta seconds or HTTP date);
// 0 when absent or unreadable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// HasRetryAfter reports whether the header carries a readable Retry-After
// (a value of 0 counts: retry at once).
func HasRetryAfter(h http.Header) bool {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return false
	}
	if _, err := strconv.Atoi(v); err == nil {
		return true
	}
	_, err := http.ParseTime(v)
	return err == nil
}
