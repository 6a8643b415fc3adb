package quarantine

import (
	"fmt"
	"strings"
	"time"
)

// Event names what a Transition did.
type Event string

// Events. Each Transition carries exactly one.
const (
	// EventRan: a cycle finished and the job stayed out of quarantine.
	EventRan Event = "ran"
	// EventEntered: the job went into quarantine (QUAR-01); notify.
	EventEntered Event = "entered"
	// EventRetryFailed: a retry while quarantined failed for the same
	// reason; the next attempt moves along the QUAR-04 schedule.
	EventRetryFailed Event = "retry-failed"
	// EventReasonChanged: a retry failed for another reason; notify again
	// (QUAR-06).
	EventReasonChanged Event = "reason-changed"
	// EventLifted: a retry succeeded and quarantine was lifted (QUAR-04).
	EventLifted Event = "lifted"
	// EventDisabled: a retry failed 28 days after the first failure; the
	// escrows are dropped and the job stops (QUAR-04).
	EventDisabled Event = "disabled"
	// EventEscrowsPruned: the thresholds were reached in the initial cycle;
	// escrows cleared and the job paused instead of quarantined (QUAR-07).
	EventEscrowsPruned Event = "escrows-pruned"
	// EventRestarted: the admin restarted the job (CYCLE-05, QUAR-05).
	EventRestarted Event = "restarted"
	// EventStarted: the admin started a paused, disabled or quarantined job
	// (Graph's start: continue where it stopped, clear quarantine).
	EventStarted Event = "started"
	// EventDeletesAllowed: the admin chose "Allow deletes" (DEL-01).
	EventDeletesAllowed Event = "deletes-allowed"
)

// Transition reports what one call changed, so the engine can log it, send
// the email and drop escrows.
type Transition struct {
	// At is the simulated time of the change.
	At time.Time `json:"at"`
	// Event is what happened.
	Event Event `json:"event"`
	// From and To are the status codes before and after.
	From Code `json:"from"`
	To   Code `json:"to"`
	// Reason is the quarantine reason now in force (or the last one, for
	// EventLifted, EventDisabled and EventRestarted); for EventEscrowsPruned
	// the threshold that was reached.
	Reason Reason `json:"reason,omitempty"`
	// PreviousReason is the reason replaced by EventReasonChanged.
	PreviousReason Reason `json:"previousReason,omitempty"`
	// NextAttempt is the next retry while quarantined.
	NextAttempt time.Time `json:"nextAttempt,omitzero"`
	// DropEscrows tells the engine to empty its escrow ledger now.
	DropEscrows bool `json:"dropEscrows,omitempty"`
	// Detail explains the decision in one line (which rule, which counts).
	Detail string `json:"detail,omitempty"`
}

// Notify reports whether Entra would send the quarantine email now: once
// when the job enters quarantine and again when the reason changes (QUAR-06).
func (t Transition) Notify() bool {
	return t.Event == EventEntered || t.Event == EventReasonChanged
}

// Changed reports whether the status code or the quarantine reason changed.
func (t Transition) Changed() bool {
	return t.From != t.To || t.Event == EventReasonChanged
}

// String renders the transition on one line, times in UTC, e.g.
// "2026-01-05T09:00:00Z entered Active->Quarantine reason=EncounteredQuarantineException next=2026-01-05T15:00:00Z".
func (t Transition) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s->%s", t.At.UTC().Format(time.RFC3339), t.Event, t.From, t.To)
	if t.Reason != "" {
		fmt.Fprintf(&b, " reason=%s", t.Reason)
	}
	if t.PreviousReason != "" {
		fmt.Fprintf(&b, " previous=%s", t.PreviousReason)
	}
	if !t.NextAttempt.IsZero() {
		fmt.Fprintf(&b, " next=%s", t.NextAttempt.UTC().Format(time.RFC3339))
	}
	if t.DropEscrows {
		b.WriteString(" drop-escrows")
	}
	return b.String()
}
