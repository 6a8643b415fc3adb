package outcome

import (
	"fmt"
	"time"
)

// Outcome is what Entra records for one call: success, or the error
// information of a provisioning log entry (LOG-04) plus hints the sync engine
// needs (retry delay, quarantine reason).
type Outcome struct {
	// Success is true when Entra counts the call as done (ENTRA-RESP-01,
	// and a 404 on DELETE per UNC-08).
	Success bool
	// HTTPStatus is the status received, 0 when no answer arrived.
	HTTPStatus int
	// ErrorCode is the provisioning-log errorCode; empty on success.
	ErrorCode string
	// SpecID names the spec row that decided the outcome (ENTRA-RESP-xx).
	SpecID string
	// Reason is a one-line summary, as in provisioningErrorInfo.reason.
	Reason string
	// AdditionalDetails is the target's response body (ENTRA-RESP-24).
	AdditionalDetails string
	// RecommendedAction tells the admin what to fix.
	RecommendedAction string
	// ErrorCategory is success, failure or nonServiceFailure (LOG-04).
	ErrorCategory string
	// RetryAfter is the delay the target asked for (429/503), 0 if none.
	RetryAfter time.Duration
	// QuarantineReason is the Graph quarantine reason (ENTRA-QUAR-02) when
	// this answer alone sends the job to quarantine: 401 (ENTRA-RESP-06) and
	// 404 on a filter (ENTRA-RESP-03, QUAR-01); Reason tells them apart.
	QuarantineReason string
	// Cause names the body problem behind a failed 2xx answer (Cause*
	// constants), so that answers sharing an error code stay distinguishable.
	Cause string
	// Warning is set on a success that deserves a log line (UNC-08).
	Warning string
}

// ErrorCodeSource returns where the outcome's error code comes from
// (CodeSource); the zero Source on success.
func (o Outcome) ErrorCodeSource() Source {
	if o.Success {
		return Source{}
	}
	return CodeSource(o.ErrorCode)
}

// Err returns nil on success and an *Error otherwise, so callers can use
// ordinary error handling.
func (o Outcome) Err() error {
	if o.Success {
		return nil
	}
	return &Error{Outcome: o}
}

// String renders the outcome the way the provisioning log summarises it.
func (o Outcome) String() string {
	if o.Success {
		if o.Warning != "" {
			return fmt.Sprintf("success (HTTP %d, warning: %s)", o.HTTPStatus, o.Warning)
		}
		return fmt.Sprintf("success (HTTP %d)", o.HTTPStatus)
	}
	return fmt.Sprintf("%s: %s", o.ErrorCode, o.Reason)
}

// Error is a failed Outcome used as a Go error.
type Error struct {
	Outcome Outcome
}

// Error implements error.
func (e *Error) Error() string { return e.Outcome.String() }

// success builds a success outcome for a status.
func success(status int) Outcome {
	return Outcome{Success: true, HTTPStatus: status, SpecID: "ENTRA-RESP-01", ErrorCategory: CategorySuccess}
}
