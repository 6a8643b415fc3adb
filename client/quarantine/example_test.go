package quarantine_test

import (
	"fmt"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// The engine's loop: ask NextRun, run the cycle, record each export in the
// escrow ledger, summarise, act on the transition.
func Example() {
	job := quarantine.New(quarantine.Config{})
	var ledger escrow.Ledger
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	alice := escrow.Object{ID: "u1", Kind: escrow.KindUser}

	for cycle := range 4 {
		at, ok := job.NextRun(now, 40*time.Minute)
		if !ok {
			break
		}
		now = at
		_ = job.CycleStarted(at)
		s := quarantine.Summary{Initial: cycle == 0}
		if cycle == 1 || cycle == 2 {
			// The target answers 401 to the first request: job-level failure.
			s.Fatal = &quarantine.Fatal{Reason: quarantine.ReasonQuarantineException,
				Code: "SystemForCrossDomainIdentityManagementCredentialValidationFailure", Message: "401 Unauthorized"}
		} else {
			_, _, _ = ledger.Record(at, alice, escrow.Attempt{Action: "create", ErrorCode: "InternalServerError"})
			s.Exports = 1
		}
		c := ledger.Counts()
		s.Escrowed, s.EscrowedReference = c.Failures, c.ReferenceFailures
		tr, _ := job.CycleFinished(at, s)
		if tr.DropEscrows {
			ledger.DropAll()
		}
		fmt.Println(tr, "notify:", tr.Notify())
	}
	// Output:
	// 2026-01-01T00:00:00Z ran NotRun->Active notify: false
	// 2026-01-01T00:40:00Z entered Active->Quarantine reason=EncounteredQuarantineException next=2026-01-01T06:40:00Z notify: true
	// 2026-01-01T06:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-01-01T12:40:00Z notify: false
	// 2026-01-01T12:40:00Z lifted Quarantine->Active reason=EncounteredQuarantineException notify: false
}
