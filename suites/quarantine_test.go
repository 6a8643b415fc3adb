package suites_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/suites/framework"
)

// The quarantine-trigger specs need the admin API: each moves onto a fresh
// account, installs a fault plan from the fault catalogue and runs a cycle,
// then checks what Entra would log: the per-object log records, the
// outcome's quarantine reason (the engine's Observer events) and the job's
// status after the cycle.

// faultRules turns a fault-catalogue entry into admin-API rules.
func faultRules(name string) []framework.FaultRule {
	GinkgoHelper()
	p, err := fixtures.LookupFaultPlan(name)
	Expect(err).NotTo(HaveOccurred())
	var plan struct {
		Rules []framework.FaultRule `json:"rules"`
	}
	Expect(json.Unmarshal(p.JSON, &plan)).To(Succeed())
	Expect(plan.Rules).NotTo(BeEmpty(), "fault plan %s has rules", name)
	return plan.Rules
}

// faultedRun isolates the spec on its own account, prepares a cycle run and
// then applies the catalogue fault plan (cleared again before the cleanup
// sweep runs, so the sweep can delete what was created).
func faultedRun(f *framework.Framework, plan string) *cycleRun {
	GinkgoHelper()
	admin, account := f.IsolateAccount()
	r := newCycleRun(f, cycleFixture, nil)
	ctx, cancel := f.Ctx()
	defer cancel()
	Expect(admin.SetFaults(ctx, account, faultRules(plan)...)).To(Succeed())
	DeferCleanup(func() {
		ctx, cancel := f.Ctx()
		defer cancel()
		_ = admin.ClearFaults(ctx, account)
	})
	return r
}

// failedCodes returns the error codes of the cycle's failed records.
func failedCodes(s *engine.Summary) []string {
	var out []string
	for _, rec := range s.Records {
		if e := rec.ProvisioningStatusInfo.ErrorInformation; rec.ProvisioningStatusInfo.Status == provlog.StatusFailure && e != nil {
			out = append(out, e.ErrorCode)
		}
	}
	return out
}

// quarantineReasons returns the quarantine reasons the cycle's outcomes carry.
func quarantineReasons(r *cycleRun) []string {
	var out []string
	for _, e := range r.events.all() {
		if e.Outcome.QuarantineReason != "" {
			out = append(out, e.Outcome.QuarantineReason)
		}
	}
	return out
}

// expectQuarantined asserts the job went to quarantine with the reason.
func expectQuarantined(s *engine.Summary, reason string) {
	GinkgoHelper()
	Expect(s.Job.Code()).To(Equal(state.CodeQuarantine), "the job is quarantined")
	Expect(s.Job.Quarantine()).NotTo(BeNil())
	Expect(string(s.Job.Quarantine().Reason)).To(Equal(reason))
}

var _ = Describe("Quarantine triggers", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-QUAR-01"),
		"a job-level 401 fails every export as a credential failure and is a quarantine reason", func() {
			r := faultedRun(f, "err-22-credentials-rejected")
			s := r.cycle()
			Expect(s.Counts.Created).To(BeZero())
			codes := failedCodes(s)
			Expect(codes).NotTo(BeEmpty(), "records: %v", s.Records)
			Expect(codes).To(HaveEach(outcome.CodeCredentialValidationFailure))
			Expect(quarantineReasons(r)).NotTo(BeEmpty(), "a 401 is a quarantine trigger (ENTRA-RESP-06)")
			expectQuarantined(s, outcome.QuarantineException)
			for _, c := range r.wire.take() {
				Expect(c.Status).To(Equal(http.StatusUnauthorized), "every request met the fault")
			}
		})

	framework.Spec(framework.Req("ENTRA-QUAR-01"),
		"a 404 on a filter query fails the match and is a quarantine reason (ENTRA-RESP-03)", func() {
			r := faultedRun(f, "resp-03-filter-not-found")
			s := r.cycle()
			Expect(s.Counts.Failed).To(BeNumerically(">", 0))
			Expect(quarantineReasons(r)).NotTo(BeEmpty(), "a 404 on a filter is a SCIM-compliance quarantine trigger")
			expectQuarantined(s, outcome.QuarantineException)
			for _, c := range only(r.wire.take(), http.MethodPost) {
				Expect(c.Path).NotTo(HaveSuffix("/Users"), "no user is created after a failed match")
			}
		})

	framework.Spec(framework.Req("ENTRA-QUAR-01"),
		"a 409 on create is logged as EntryConflict with the endpoint's answer (ERR-01)", func() {
			r := faultedRun(f, "err-01-conflict-on-create")
			s := r.cycle()
			rec := r.expectRecord(s, "u1", provlog.ActionCreate, provlog.StatusFailure)
			e := rec.ProvisioningStatusInfo.ErrorInformation
			Expect(e).NotTo(BeNil())
			Expect(e.ErrorCode).To(Equal(outcome.CodeEntryConflict), describeRecord(rec))
			Expect(e.AdditionalDetails).To(ContainSubstring("already exists"), "the log carries the endpoint's answer (ENTRA-RESP-24)")
			Expect(quarantineReasons(r)).To(BeEmpty(), fmt.Sprintf("a 409 is an object-level failure, not a quarantine trigger: %v", quarantineReasons(r)))
			Expect(s.Job.Code()).NotTo(Equal(state.CodeQuarantine), "a few conflicts stay far below the QUAR-03 thresholds")
		})
})
