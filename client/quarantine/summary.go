package quarantine

import (
	"errors"
	"fmt"
)

// Fatal is a job-level failure that quarantines regardless of counts
// (QUAR-01): a 401 at job level, an endpoint that cannot be reached, a 404
// on a filter query.
type Fatal struct {
	// Reason is the Graph reason; empty means Unknown. For 401, unreachable
	// and 404-on-filter it is ReasonQuarantineException (see there).
	Reason Reason `json:"reason"`
	// Code is the provisioning-log errorCode behind it, e.g.
	// SystemForCrossDomainIdentityManagementCredentialValidationFailure.
	Code string `json:"code"`
	// Message says what happened, for quarantine.error and the email.
	Message string `json:"message"`
}

// Summary is what the engine reports at the end of a cycle.
type Summary struct {
	// ActivityID identifies the cycle (the logs' cycleId).
	ActivityID string `json:"activityId,omitempty"`
	// Initial is true for an initial cycle (CYCLE-01), where reaching the
	// thresholds prunes escrows instead of quarantining (QUAR-07).
	Initial bool `json:"initial"`
	// Exports counts provisioning events attempted in the cycle (object
	// exports and reference updates).
	Exports int64 `json:"exports"`
	// Exported counts those that succeeded; it is also the "successes"
	// side of the 40 % proportion.
	Exported int64 `json:"exported"`
	// Escrowed is the number of non-reference escrow entries after the
	// cycle (escrow.Ledger.Counts().Failures).
	Escrowed int64 `json:"escrowed"`
	// EscrowedReference is the number of reference escrow entries after the
	// cycle (escrow.Ledger.Counts().ReferenceFailures).
	EscrowedReference int64 `json:"escrowedReference"`
	// PendingDeletes counts the deletes and disables the cycle wanted to
	// send, users and groups alike (DEL-01).
	PendingDeletes int64 `json:"pendingDeletes"`
	// Fatal is set when a job-level failure stopped the cycle.
	Fatal *Fatal `json:"fatal,omitempty"`
}

// ErrInvalidSummary reports a summary whose numbers cannot be right.
var ErrInvalidSummary = errors.New("invalid cycle summary")

// Counts returns the numbers Evaluate looks at.
func (s Summary) Counts() Counts {
	return Counts{Failures: s.Escrowed, ReferenceFailures: s.EscrowedReference, Successes: s.Exported}
}

func (s Summary) validate() error {
	for name, v := range map[string]int64{"exports": s.Exports, "exported": s.Exported, "escrowed": s.Escrowed,
		"escrowedReference": s.EscrowedReference, "pendingDeletes": s.PendingDeletes} {
		if v < 0 {
			return fmt.Errorf("%w: %s is negative (%d)", ErrInvalidSummary, name, v)
		}
	}
	if s.Exported > s.Exports {
		return fmt.Errorf("%w: %d exported out of %d exports", ErrInvalidSummary, s.Exported, s.Exports)
	}
	if s.Fatal != nil && s.Fatal.Reason != "" && !s.Fatal.Reason.Valid() {
		return fmt.Errorf("%w: fatal reason %q is not a Graph quarantine reason", ErrInvalidSummary, s.Fatal.Reason)
	}
	return nil
}

// state is the synchronizationTaskExecution.state of the cycle.
func (s Summary) state() string {
	switch {
	case s.Fatal != nil, s.Exports > 0 && s.Exported == 0:
		return StateFailed
	case s.Exported < s.Exports:
		return StateEntryLevelErrors
	default:
		return StateSucceeded
	}
}
