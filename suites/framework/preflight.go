package framework

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// PreflightPrefix starts the suite's setup failure message when the
// pre-flight check stops the run: "pre-flight ENTRA-HTTP-03: …".
const PreflightPrefix = "pre-flight "

// PreflightFailure is why Entra's Test Connection failed before any spec ran.
type PreflightFailure struct {
	// ID is the behaviour that failed: ENTRA-HTTP-03 when the token was
	// rejected, ENTRA-FLOW-01 when the tenant URL does not lead to a SCIM
	// base (no answer, 404, HTML, no ListResponse) or the probe failed.
	ID string
	// Message names the cause and what to check, with what was answered.
	Message string
	// Cause is the exchange's shape (see Cause), e.g. "GET /Users?filter → 401 Unauthorized".
	Cause string
	// ErrorCode is what Entra would log for the answer (outcome.Classify).
	ErrorCode string
	// Exchanges are the probe's requests and answers, the finding's evidence.
	Exchanges []*exchange.Response
	// Artefact is where WriteArtefact put them, relative to the report.
	Artefact string
}

// Error is the suite's setup failure message.
func (p *PreflightFailure) Error() string { return PreflightPrefix + p.ID + ": " + p.Message }

// Preflight does Entra's Test Connection (ENTRA-FLOW-01) with the run's
// tenant URL and token before any spec runs: a userName filter on a random
// GUID must answer 200 with a ListResponse. A token that is rejected, or a
// URL that is not a SCIM base, would make every spec fail for the same
// reason; the run stops instead with one finding that names the cause.
// A 5xx or 429 is tried once more after a second.
func Preflight(ctx context.Context, t *Target, timeout time.Duration) *PreflightFailure {
	rec := &Recorder{}
	p := preflight(ctx, t, timeout, rec)
	if p == nil {
		return nil
	}
	p.Exchanges = rec.Exchanges()
	p.Cause = Cause(t.TenantURL, p.Exchanges)
	return p
}

func preflight(ctx context.Context, t *Target, timeout time.Duration, rec *Recorder) *PreflightFailure {
	h, err := NewHTTP(t.TenantURL, t.Token, timeout, rec)
	if err != nil {
		return &PreflightFailure{ID: "ENTRA-FLOW-01", Message: "check the tenant URL: " + err.Error()}
	}
	q := url.Values{"filter": {fmt.Sprintf("userName eq %q", probeGUID())}}
	var x *exchange.Response
	for attempt := range 2 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		x, err = h.Get(ctx, "/Users", q)
		if err != nil || (x.Status < 500 && x.Status != http.StatusTooManyRequests) {
			break
		}
	}
	where := "GET " + h.URL("/Users", q)
	if x == nil {
		return &PreflightFailure{ID: "ENTRA-FLOW-01", ErrorCode: outcome.ClassifyTransport(err).ErrorCode,
			Message: fmt.Sprintf("check the tenant URL: %s got no answer: %v", where, unwrapURLError(err))}
	}
	// What Entra would log for the answer (a 401 on Test Connection is a
	// credential failure, a 404 on the filter non-compliance, …).
	code := outcome.Classify(outcome.QueryUsers, outcome.Response{Status: x.Status, Header: x.Header, Body: x.Body}).ErrorCode
	switch {
	case x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden:
		// Test Connection with rejected credentials (ENTRA-FLOW-01, ERR-22).
		return &PreflightFailure{ID: "ENTRA-HTTP-03", ErrorCode: outcome.CodeCredentialValidationFailure, Message: fmt.Sprintf(
			"the token was rejected: Entra's Test Connection (%s) answered %s; check SCIM_TOKEN (Entra would show invalid credentials and not save the configuration)",
			where, answerSummary(x))}
	case x.Status >= 500 || x.Status == http.StatusTooManyRequests:
		return &PreflightFailure{ID: "ENTRA-FLOW-01", ErrorCode: code, Message: fmt.Sprintf(
			"Entra's Test Connection failed: %s answered %s twice", where, answerSummary(x))}
	case x.Status != http.StatusOK || !isListResponse(x):
		if code == "" { // a 200 that is not SCIM at all
			code = outcome.CodeServiceIncompatible
		}
		return &PreflightFailure{ID: "ENTRA-FLOW-01", ErrorCode: code, Message: fmt.Sprintf(
			"check the tenant URL: Entra's Test Connection (%s) answered %s, not a SCIM ListResponse; Entra adds /Users and /Groups to the tenant URL", where, answerSummary(x))}
	}
	return nil
}

func isListResponse(x *exchange.Response) bool {
	var l struct {
		TotalResults *int `json:"totalResults"`
	}
	return json.Unmarshal(x.Body, &l) == nil && l.TotalResults != nil
}

// answerSummary is the status, media type and the start of the body.
func answerSummary(x *exchange.Response) string {
	s := fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
	if mt, _, err := mime.ParseMediaType(x.Header.Get("Content-Type")); err == nil {
		s += " (" + mt + ")"
	}
	body := strings.Join(strings.Fields(string(x.Body)), " ")
	const limit = 160
	if len(body) > limit {
		body = body[:limit] + "…"
	}
	if body != "" {
		s += ": " + body
	}
	return s
}

// unwrapURLError keeps the transport's own words (connection refused, no
// such host), since the message already names the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func probeGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
