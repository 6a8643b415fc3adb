package quarantine

import "fmt"

// Reason is Graph's quarantineReason (ENTRA-QUAR-02).
type Reason string

// The Graph quarantine reasons, spelled as Graph spells them (QUAR-02: the
// article's "QuarantineOnDemand" is emulated as QuarantinedOnDemand).
const (
	// ReasonBaseEscrow: more than Config.BaseFailures non-reference failures
	// (default 40,000). "Base" is read as the base, non-reference failures,
	// the set the 40,000 rule counts (QUAR-03).
	ReasonBaseEscrow Reason = "EncounteredBaseEscrowThreshold"
	// ReasonTotalEscrow: more than Config.TotalFailures failures in total,
	// reference failures included (default 60,000); the article calls it
	// the absolute threshold that "accounts for both reference and
	// non-reference failures" (QUAR-03).
	ReasonTotalEscrow Reason = "EncounteredTotalEscrowThreshold"
	// ReasonEscrowProportion: more than Config.ProportionPercent of the
	// provisioning events failed (default 40 %); the article ties this name
	// to the 40 % rule explicitly (DOC S4).
	ReasonEscrowProportion Reason = "EncounteredEscrowProportionThreshold"
	// ReasonQuarantineException: a job-level failure that quarantines
	// regardless of counts (QUAR-01): invalid credentials (a 401 at job
	// level, ENTRA-RESP-06), an endpoint that cannot be reached, and SCIM
	// non-compliance (a 404 on a filter query, ENTRA-RESP-03). Graph has no
	// value of its own for non-compliance; the article lists it beside
	// invalid credentials as a cause that quarantines "regardless of failure
	// counts" and describes this reason as the service being "unable to
	// establish a connection", which a 404 on the probe query is. Unknown
	// would hide a cause we do know. client/outcome makes the same choice.
	ReasonQuarantineException Reason = "EncounteredQuarantineException"
	// ReasonUnknown is Graph's catch-all.
	ReasonUnknown Reason = "Unknown"
	// ReasonQuarantinedOnDemand: Microsoft quarantined the job by hand.
	ReasonQuarantinedOnDemand Reason = "QuarantinedOnDemand"
	// ReasonTooManyDeletes: the accidental-deletion threshold was exceeded
	// (ENTRA-DEL-01).
	ReasonTooManyDeletes Reason = "TooManyDeletes"
	// ReasonIngestionInterrupted: reading the source was interrupted.
	ReasonIngestionInterrupted Reason = "IngestionInterrupted"
)

// Reasons lists every Graph quarantine reason in Graph's order.
var Reasons = []Reason{
	ReasonBaseEscrow, ReasonTotalEscrow, ReasonEscrowProportion, ReasonQuarantineException,
	ReasonUnknown, ReasonQuarantinedOnDemand, ReasonTooManyDeletes, ReasonIngestionInterrupted,
}

// Valid reports whether r is one of Reasons.
func (r Reason) Valid() bool {
	for _, v := range Reasons {
		if r == v {
			return true
		}
	}
	return false
}

// Threshold reports whether r comes from the failure thresholds of QUAR-03,
// the only reasons an initial cycle prunes instead of quarantining (QUAR-07).
func (r Reason) Threshold() bool {
	return r == ReasonBaseEscrow || r == ReasonTotalEscrow || r == ReasonEscrowProportion
}

// ParseReason checks a reason read from outside (a state file, a scenario).
func ParseReason(s string) (Reason, error) {
	r := Reason(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown quarantine reason %q (want one of %v)", s, Reasons)
	}
	return r, nil
}
