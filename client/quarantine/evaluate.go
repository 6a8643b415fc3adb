package quarantine

import "fmt"

// Counts are the failure numbers the thresholds of QUAR-03 look at.
type Counts struct {
	// Failures are failed provisioning events other than reference updates
	// (normally escrow.Ledger.Counts().Failures at the end of the cycle).
	Failures int64 `json:"failures"`
	// ReferenceFailures are failed manager and group-member updates.
	ReferenceFailures int64 `json:"referenceFailures"`
	// Successes are successful provisioning events, the other part of the
	// 40 % proportion.
	Successes int64 `json:"successes"`
}

// Verdict is the result of evaluating Counts.
type Verdict struct {
	// Evaluated is false below MinFailures: no failure-based quarantine.
	Evaluated bool
	// Reason is set when a threshold is exceeded, empty otherwise.
	Reason Reason
	// Detail says which rule fired and with which numbers.
	Detail string
}

// Evaluate applies the failure thresholds of ENTRA-QUAR-03:
//
//   - evaluation starts at MinFailures failures (reference failures
//     included; "5,000 failures are the minimum to start evaluating");
//   - more than TotalFailures failures, reference failures included →
//     EncounteredTotalEscrowThreshold;
//   - more than BaseFailures failures, reference failures excluded →
//     EncounteredBaseEscrowThreshold;
//   - more than ProportionPercent of the events failed, reference failures
//     excluded → EncounteredEscrowProportionThreshold.
//
// When several rules fire, the order above decides, because it is the one
// that reproduces the article's explanations: 45,000 failures with no
// success exceed both 40 % and 40,000 and the article cites the 40,000
// rule; 40,000 failed users plus 21,000 failed manager updates exceed 40 %
// and 60,000 and the article cites the 60,000 limit.
func (c Config) Evaluate(n Counts) Verdict {
	c = c.withDefaults()
	total := n.Failures + n.ReferenceFailures
	if c.MinFailures >= 0 && total < c.MinFailures {
		return Verdict{Detail: fmt.Sprintf("%d failures, below the %d needed for evaluation", total, c.MinFailures)}
	}
	v := Verdict{Evaluated: true}
	switch {
	case c.TotalFailures >= 0 && total > c.TotalFailures:
		v.Reason = ReasonTotalEscrow
		v.Detail = fmt.Sprintf("%d failures in total (%d reference failures included) exceed %d",
			total, n.ReferenceFailures, c.TotalFailures)
	case c.BaseFailures >= 0 && n.Failures > c.BaseFailures:
		v.Reason = ReasonBaseEscrow
		v.Detail = fmt.Sprintf("%d failures (reference failures excluded) exceed %d", n.Failures, c.BaseFailures)
	case c.ProportionPercent >= 0 && n.Failures*100 > c.ProportionPercent*(n.Failures+n.Successes):
		v.Reason = ReasonEscrowProportion
		v.Detail = fmt.Sprintf("%d of %d provisioning events failed (reference failures excluded), more than %d%%",
			n.Failures, n.Failures+n.Successes, c.ProportionPercent)
	default:
		v.Detail = fmt.Sprintf("%d failures, %d reference failures and %d successes stay within the thresholds",
			n.Failures, n.ReferenceFailures, n.Successes)
	}
	return v
}
