package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// EntraOutcome is how Entra's provisioning service would read this answer to
// call (ENTRA-RESP-01..22): success, or the provisioning-log error code.
func EntraOutcome(call outcome.Call, r *exchange.Response) outcome.Outcome {
	return outcome.Classify(call, outcome.Response{Status: r.Status, Header: r.Header, Body: r.Body})
}

// BeAcceptedByEntra succeeds when Entra would count the answer to call as a
// success. On failure it says what Entra would log, e.g.
// "Entra would log SystemForCrossDomainIdentityManagementServiceIncompatible: …".
func BeAcceptedByEntra(call outcome.Call) types.GomegaMatcher {
	return &check{
		want: fmt.Sprintf("Entra to accept the answer to %s", call),
		problem: func(r *exchange.Response) string {
			o := EntraOutcome(call, r)
			if o.Success {
				return ""
			}
			msg := fmt.Sprintf("Entra would log %s", o)
			if o.QuarantineReason != "" {
				msg += fmt.Sprintf(" and quarantine the job (%s)", o.QuarantineReason)
			}
			return msg
		},
	}
}
