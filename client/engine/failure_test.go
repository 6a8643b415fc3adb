package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// setFaults replaces the account's fault plan (admin API); "" clears it.
func (e *testEnv) setFaults(rules string) {
	e.t.Helper()
	method, body := http.MethodPut, `{"rules":[`+rules+`]}`
	if rules == "" {
		method, body = http.MethodDelete, ""
	}
	req, _ := http.NewRequest(method, fmt.Sprintf("%s/admin/accounts/%s/faults", e.srv.BaseURL, e.srv.AccountID), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.srv.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		e.t.Fatalf("set faults: HTTP %d", resp.StatusCode)
	}
}

// cycleErr runs a cycle and returns its error.
func (e *testEnv) cycleErr(eng *Engine, d *directory.Directory) (*Summary, error) {
	return eng.Cycle(context.Background(), d)
}

// untilRun runs cycles until one is not a skipped slot, returning the
// skipped count and the cycle that ran.
func (e *testEnv) untilRun(eng *Engine, d *directory.Directory, max int) (int, *Summary) {
	e.t.Helper()
	for i := 0; i < max; i++ {
		s := e.cycle(eng, d)
		if !s.Skipped {
			return i, s
		}
		if len(e.requests()) != 0 {
			e.t.Fatalf("a skipped slot sent requests: %+v", s)
		}
	}
	e.t.Fatalf("no cycle ran in %d slots", max)
	return 0, nil
}

const renameAnn = "displayName: Ann, department: Sales}"

// TestQuarantineOnCredentialFailure_ENTRA_QUAR_01_04_05: a 401 quarantines
// the job at once (EncounteredQuarantineException, ENTRA-RESP-06) and
// stops the cycle after the first request; slots before the next attempt
// send nothing; retries come at +6 h and +12 h from the first failure; the
// first retry after the token works again lifts the quarantine and
// exports the pending change; the email is in the outbox.
func TestQuarantineOnCredentialFailure_ENTRA_QUAR_01_04_05(t *testing.T) {
	env := newEnv(t, nil)
	outbox := filepath.Join(t.TempDir(), "outbox")
	eng := env.engine(mapping.Gtmhub(), func(o *Options) { o.Outbox, o.NotificationEmail = outbox, "admin@contoso.com" })
	first := env.cycle(eng, parseDir(t, threeUsers))
	if first.Status.Code != quarantine.CodeActive || first.Transition == nil || first.Transition.Event != quarantine.EventRan {
		t.Fatalf("initial cycle status %+v transition %+v", first.Status, first.Transition)
	}
	env.requests()

	env.setFaults(`{"name":"revoked","status":401}`)
	d := parseDir(t, strings.Replace(threeUsers, renameAnn, "displayName: Ann, department: Finance}", 1))
	s := env.cycle(eng, d)
	began := s.At
	if s.Status.Code != quarantine.CodeQuarantine || s.Status.Quarantine.Reason != quarantine.ReasonQuarantineException {
		t.Fatalf("after 401: %+v", s.Status)
	}
	if q := s.Job.Quarantine(); s.Job.Code() != state.CodeQuarantine || q.Reason != quarantine.ReasonQuarantineException {
		t.Fatalf("job %s %+v", s.Job.Code(), q)
	}
	if reqs := env.requests(); len(reqs) != 1 || reqs[0].Status != 401 {
		t.Fatalf("a job-level 401 must stop the cycle after one request, sent %v", methodsPaths(reqs))
	}
	if len(s.Records) != 1 || s.Records[0].ProvisioningStatusInfo.ErrorInformation.ErrorCode != outcome.CodeCredentialValidationFailure {
		t.Fatalf("records %+v", s.Records)
	}
	if q := s.Status.Quarantine; !q.NextAttempt.Equal(began.Add(6 * time.Hour)) {
		t.Fatalf("first retry at %s, want +6h from %s", q.NextAttempt, began)
	}
	if s.Notification == "" {
		t.Fatal("no quarantine email written")
	}
	eml, err := os.ReadFile(s.Notification)
	if err != nil || !strings.Contains(string(eml), "To: <admin@contoso.com>") || !strings.Contains(string(eml), "EncounteredQuarantineException") {
		t.Fatalf("email %s: %v\n%s", s.Notification, err, eml)
	}

	// Slots before +6h are skipped; the retry at +6h still gets 401.
	skipped, s := env.untilRun(eng, d, 20)
	if skipped != 8 || !s.Retry || !s.At.Equal(began.Add(6*time.Hour)) {
		t.Fatalf("retry after %d skipped slots at %s (retry %v)", skipped, s.At, s.Retry)
	}
	if s.Status.Code != quarantine.CodeQuarantine || s.Transition.Event != quarantine.EventRetryFailed ||
		!s.Status.Quarantine.NextAttempt.Equal(began.Add(12*time.Hour)) || s.Notification != "" {
		t.Fatalf("failed retry: %+v %+v", s.Status.Quarantine, s.Transition)
	}
	if reqs := env.requests(); len(reqs) != 1 || !strings.Contains(reqs[0].Query, "filter") {
		t.Fatalf("a retry starts with the probe query and stops at its 401: %v", methodsPaths(reqs))
	}

	// Token fixed: the next retry (at +12h) lifts the quarantine and exports.
	env.setFaults("")
	_, s = env.untilRun(eng, d, 20)
	if !s.At.Equal(began.Add(12*time.Hour)) || s.Status.Code != quarantine.CodeActive || s.Transition.Event != quarantine.EventLifted {
		t.Fatalf("lift: at %s status %+v transition %+v", s.At, s.Status, s.Transition)
	}
	if s.Counts.Updated != 1 || s.Job.Quarantine() != nil || s.Escrow.Total() != 0 {
		t.Fatalf("after lift counts %+v job %+v escrow %+v", s.Counts, s.Job, s.Escrow)
	}
	files, _ := os.ReadDir(outbox)
	if len(files) != 1 {
		t.Fatalf("outbox holds %d files, want the one email", len(files))
	}
}

// TestQuarantineOnFilter404_ENTRA_RESP_03: a 404 to a filter query is SCIM
// non-compliance, which quarantines regardless of counts (QUAR-01).
func TestQuarantineOnFilter404_ENTRA_RESP_03(t *testing.T) {
	env := newEnv(t, nil)
	env.setFaults(`{"name":"filter-404","method":"GET","path":"^/Users$","query":"filter=","status":404}`)
	s := env.cycle(env.engine(mapping.Gtmhub(), nil), parseDir(t, threeUsers))
	if s.Status.Code != quarantine.CodeQuarantine || s.Status.Quarantine.Reason != quarantine.ReasonQuarantineException {
		t.Fatalf("status %+v", s.Status)
	}
	if len(s.Records) != 1 || s.Records[0].ProvisioningStatusInfo.ErrorInformation.ErrorCode != outcome.CodeServiceIncompatible {
		t.Fatalf("records %+v", s.Records)
	}
	if !strings.Contains(s.Status.Quarantine.Error.Message, "404") {
		t.Fatalf("quarantine error %+v", s.Status.Quarantine.Error)
	}
}

// TestQuarantineThresholds_ENTRA_QUAR_03: each failure threshold, made
// small by configuration, quarantines an incremental cycle with its reason.
func TestQuarantineThresholds_ENTRA_QUAR_03(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  quarantine.Config
		want quarantine.Reason
	}{
		{"proportion", quarantine.Config{MinFailures: 2}, quarantine.ReasonEscrowProportion},
		{"base", quarantine.Config{MinFailures: 2, BaseFailures: 2}, quarantine.ReasonBaseEscrow},
		{"total", quarantine.Config{MinFailures: 2, TotalFailures: 2}, quarantine.ReasonTotalEscrow},
		{"below evaluation", quarantine.Config{MinFailures: 4}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, nil)
			eng := env.engine(mapping.Gtmhub(), func(o *Options) { o.Quarantine = tc.cfg })
			env.cycle(eng, parseDir(t, threeUsers))
			env.setFaults(`{"name":"patch-500","method":"PATCH","status":500}`)
			s := env.cycle(eng, parseDir(t, strings.ReplaceAll(threeUsers, "department: Sales", "department: Finance")))
			if s.Counts.Failed != 3 || s.Escrow.Failures != 3 {
				t.Fatalf("counts %+v escrow %+v", s.Counts, s.Escrow)
			}
			if tc.want == "" {
				if s.Status.Code != quarantine.CodeActive {
					t.Fatalf("quarantined below MinFailures: %+v", s.Status)
				}
				return
			}
			if s.Status.Code != quarantine.CodeQuarantine || s.Status.Quarantine.Reason != tc.want {
				t.Fatalf("status %+v, want reason %s", s.Status, tc.want)
			}
		})
	}
}

// TestInitialCyclePrunesEscrows_ENTRA_QUAR_07: thresholds reached in the
// initial cycle prune the escrows and pause the job (escrowsPruned)
// instead of quarantining; a paused job does not run until started.
func TestInitialCyclePrunesEscrows_ENTRA_QUAR_07(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	env.setFaults(`{"name":"post-500","method":"POST","path":"^/Users$","status":500}`)
	eng := env.engine(mapping.Gtmhub(), func(o *Options) { o.Quarantine = quarantine.Config{MinFailures: 2} })
	d := parseDir(t, threeUsers)
	s := env.cycle(eng, d)
	if s.Status.Code != quarantine.CodePaused || !s.Status.EscrowsPruned || s.Escrow.Total() != 0 || s.Transition.Event != quarantine.EventEscrowsPruned {
		t.Fatalf("status %+v escrow %+v transition %+v", s.Status, s.Escrow, s.Transition)
	}
	if _, err := env.cycleErr(eng, d); !errors.Is(err, ErrStopped) || !errors.Is(err, ErrPaused) {
		t.Fatalf("paused job ran: %v", err)
	}
	env.setFaults("")
	if err := Start(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	if s = env.cycle(eng, d); s.Counts.Created != 3 || s.Status.Code != quarantine.CodeActive {
		t.Fatalf("after start: %+v %+v", s.Counts, s.Status)
	}
}

// TestQuarantineDisabledAfter28Days_ENTRA_QUAR_04: a job whose retries keep
// failing is retried at +6 h, +12 h, +24 h and then daily, and disabled
// with its escrows dropped when a retry fails 28 days after the first
// failure; restart clears it all (ENTRA-CYCLE-05).
func TestQuarantineDisabledAfter28Days_ENTRA_QUAR_04(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	eng := env.engine(mapping.Gtmhub(), nil)
	d := parseDir(t, threeUsers)
	// Hourly slots keep the walk short: 28 days are 672 slots.
	j, _ := env.store.Job(ctx)
	j.Interval = time.Hour
	if err := env.store.SaveJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	env.setFaults(`{"name":"revoked","status":401}`)
	s := env.cycle(eng, d)
	began := s.At
	var retries []time.Duration
	for i := 0; i < 1000; i++ {
		s, err := env.cycleErr(eng, d)
		if errors.Is(err, ErrStopped) {
			if !errors.Is(err, ErrDisabledByQuarantine) {
				t.Fatalf("stopped for another reason: %v", err)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !s.Skipped {
			retries = append(retries, s.At.Sub(began))
			if s.Status.Code == quarantine.CodeDisabled {
				if s.Transition.Event != quarantine.EventDisabled || s.Escrow.Total() != 0 {
					t.Fatalf("disable: %+v escrow %+v", s.Transition, s.Escrow)
				}
			}
		}
	}
	want := []time.Duration{6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	for d := 2; d <= 28; d++ {
		want = append(want, time.Duration(d)*24*time.Hour)
	}
	if fmt.Sprint(retries) != fmt.Sprint(want) {
		t.Fatalf("retries at\n%v\nwant\n%v", retries, want)
	}
	jj, _ := env.store.Job(ctx)
	if jj.Code() != state.CodeDisabled {
		t.Fatalf("job %+v", jj)
	}
	env.setFaults("")
	if err := env.store.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	s = env.cycle(eng, d)
	if s.Status.Code != quarantine.CodeActive || s.Kind != KindInitial || s.Counts.Created != 3 {
		t.Fatalf("after restart: %+v %+v", s.Status, s.Counts)
	}
}

// TestEscrowRetriesSucceedOnceFaultLifted_ENTRA_RESP_23: failed creates are
// retried in following cycles and succeed once the fault is gone (a fault
// with times); objects that keep failing are retried further apart.
func TestEscrowRetriesSucceedOnceFaultLifted_ENTRA_RESP_23(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(mapping.Gtmhub(), nil)
	d := parseDir(t, threeUsers)
	env.setFaults(`{"name":"post-500","method":"POST","path":"^/Users$","status":500,"times":4}`)
	s := env.cycle(eng, d)
	if s.Counts.Failed != 3 || s.Escrow.Failures != 3 || s.Status.Code != quarantine.CodeActive {
		t.Fatalf("first cycle %+v escrow %+v status %s", s.Counts, s.Escrow, s.Status.Code)
	}
	for _, e := range s.Escrows {
		if e.ErrorCode != outcome.CodeInternalServerError || e.Action != string(provlog.ActionCreate) || e.Attempts != 1 {
			t.Fatalf("escrow entry %+v", e)
		}
	}
	s = env.cycle(eng, d) // one more 500, then the fault is used up
	if s.Counts.Created != 2 || s.Counts.Failed != 1 || s.Escrow.Failures != 1 || s.Escrows[0].Attempts != 2 {
		t.Fatalf("second cycle %+v escrows %+v", s.Counts, s.Escrows)
	}
	s = env.cycle(eng, d)
	if s.Counts.Created != 1 || s.Escrow.Total() != 0 {
		t.Fatalf("third cycle %+v escrow %+v", s.Counts, s.Escrow)
	}
}

// TestEscrowSpacing_ENTRA_RESP_23: after the every-cycle attempts, a
// failing object waits (1 h after the fourth failure): the slot in between
// leaves it out and sends nothing.
func TestEscrowSpacing_ENTRA_RESP_23(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(mapping.Gtmhub(), nil)
	d := parseDir(t, threeUsers)
	env.cycle(eng, d)
	env.setFaults(`{"name":"patch-500","method":"PATCH","status":500}`)
	d = parseDir(t, strings.Replace(threeUsers, renameAnn, "displayName: Ann, department: Finance}", 1))
	var s *Summary
	for i := 1; i <= 4; i++ {
		s = env.cycle(eng, d)
		if s.Counts.Failed != 1 || s.Escrows[0].Attempts != i {
			t.Fatalf("attempt %d: %+v %+v", i, s.Counts, s.Escrows)
		}
	}
	if next := s.Escrows[0].NextAttempt.Sub(s.At); next != time.Hour {
		t.Fatalf("after 4 failures next attempt in %s, want 1h", next)
	}
	env.requests()
	s = env.cycle(eng, d) // +40 min: not due
	if s.Deferred != 1 || len(s.Records) != 0 || len(env.requests()) != 0 {
		t.Fatalf("not-due object was retried: %+v", s)
	}
	env.setFaults("")
	s = env.cycle(eng, d) // +80 min: due, and the fault is gone
	if s.Counts.Updated != 1 || s.Escrow.Total() != 0 {
		t.Fatalf("due retry %+v escrow %+v", s.Counts, s.Escrow)
	}
}

// TestTooManyRequestsRetryAfter_ENTRA_RESP_12: a 429 whose Retry-After is
// longer than the client waits fails the object with TooManyRequests, and
// the escrow holds it until Retry-After has passed on the simulated clock.
func TestTooManyRequestsRetryAfter_ENTRA_RESP_12(t *testing.T) {
	env := newEnv(t, func(o *scim.Options) { o.RetryAfterCap = time.Millisecond })
	eng := env.engine(mapping.Gtmhub(), nil)
	d := parseDir(t, threeUsers)
	env.setFaults(`{"name":"throttle","method":"POST","path":"^/Users$","status":429,"retryAfter":3600}`)
	s := env.cycle(eng, d)
	if s.Counts.Failed != 3 || s.Escrows[0].ErrorCode != outcome.CodeTooManyRequests || s.Escrows[0].NextAttempt.Sub(s.At) != time.Hour {
		t.Fatalf("429: %+v %+v", s.Counts, s.Escrows)
	}
	env.setFaults("")
	if s = env.cycle(eng, d); s.Deferred != 3 || s.Counts.Created != 0 {
		t.Fatalf("+40m retried before Retry-After: %+v deferred %d", s.Counts, s.Deferred)
	}
	if s = env.cycle(eng, d); s.Counts.Created != 3 || s.Escrow.Total() != 0 {
		t.Fatalf("+80m: %+v", s.Counts)
	}
}

// TestReferenceFailuresCountedApart_ENTRA_QUAR_03: a failed manager update
// is a reference escrow entry, kept apart from the user's own failures.
func TestReferenceFailuresCountedApart_ENTRA_QUAR_03(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(mapping.Gtmhub(), nil)
	y := benWith("manager: a")(threeUsers)
	env.setFaults(`{"name":"manager-500","method":"PATCH","path":"^/Users/","status":500}`)
	s := env.cycle(eng, parseDir(t, y))
	if s.Counts.Created != 2 || s.Escrow.ReferenceFailures != 1 || s.Escrow.Failures != 0 || !s.Escrows[0].Reference {
		t.Fatalf("counts %+v escrow %+v %+v", s.Counts, s.Escrow, s.Escrows)
	}
	env.setFaults("")
	if s = env.cycle(eng, parseDir(t, y)); s.Escrow.Total() != 0 {
		t.Fatalf("reference retry: %+v %+v", s.Counts, s.Escrows)
	}
}

// TestTooManyDeletesQuarantine_ENTRA_DEL_01: the deletion threshold goes
// through the quarantine state machine: reason TooManyDeletes, email,
// skipped slots, Allow deletes.
func TestTooManyDeletesQuarantine_ENTRA_DEL_01(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	cfg := mapping.Gtmhub()
	cfg.AccidentalDeletionPrevention, cfg.DeletionThreshold = true, 1
	outbox := t.TempDir()
	eng := env.engine(cfg, func(o *Options) { o.Outbox, o.NotificationEmail = outbox, "ops@contoso.com" })
	env.cycle(eng, parseDir(t, threeUsers))
	d := parseDir(t, strings.Replace(threeUsers, "users: [a, b, c]", "users: [a]", 1))
	s := env.cycle(eng, d)
	if s.Status.Quarantine == nil || s.Status.Quarantine.Reason != quarantine.ReasonTooManyDeletes || s.Counts.StagedDeletes != 2 {
		t.Fatalf("status %+v counts %+v", s.Status, s.Counts)
	}
	if eml, err := os.ReadFile(s.Notification); err != nil || !strings.Contains(string(eml), "TooManyDeletes") {
		t.Fatalf("email: %v", err)
	}
	if s = env.cycle(eng, d); !s.Skipped || !strings.Contains(s.Stopped, "allow-deletes") {
		t.Fatalf("slot after TooManyDeletes: %+v", s)
	}
	if err := AllowDeletes(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	if s = env.cycle(eng, d); s.Counts.Disabled != 2 || s.Status.Code != quarantine.CodeActive {
		t.Fatalf("after allow-deletes %+v %+v", s.Counts, s.Status)
	}
}

// TestQuarantineWhenUnreachable_ENTRA_QUAR_02: a cycle whose requests all
// go unanswered (nothing listens) quarantines the job with
// EncounteredQuarantineException ("cannot connect"); a target answering
// 502 is reachable and is not quarantined below the thresholds.
func TestQuarantineWhenUnreachable_ENTRA_QUAR_02(t *testing.T) {
	env := newEnv(t, nil)
	c, err := scim.New(scim.Options{TenantURL: "http://127.0.0.1:1/scim", Token: "t", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := New(Options{Client: c, Store: env.store, KeepRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	s := env.cycle(eng, parseDir(t, threeUsers))
	if s.Status.Code != quarantine.CodeQuarantine || s.Status.Quarantine.Reason != quarantine.ReasonQuarantineException ||
		!strings.Contains(s.Status.Quarantine.Error.Message, "could not be reached") {
		t.Fatalf("unreachable: %+v %+v", s.Status, s.Status.Quarantine)
	}

	env2 := newEnv(t, nil)
	env2.setFaults(`{"name":"gw","status":502,"body":"<html>bad gateway</html>"}`)
	if s = env2.cycle(env2.engine(mapping.Gtmhub(), nil), parseDir(t, threeUsers)); s.Status.Code != quarantine.CodeActive || s.Counts.Failed != 3 {
		t.Fatalf("502: %+v %+v", s.Status, s.Counts)
	}
}

// TestQuarantineReasonChangeEmail_ENTRA_QUAR_06: a retry that fails for
// another reason sends a second email naming both reasons.
func TestQuarantineReasonChangeEmail_ENTRA_QUAR_06(t *testing.T) {
	env := newEnv(t, nil)
	outbox := t.TempDir()
	eng := env.engine(mapping.Gtmhub(), func(o *Options) {
		o.Outbox, o.NotificationEmail, o.Quarantine = outbox, "admin@contoso.com", quarantine.Config{MinFailures: 1}
	})
	env.cycle(eng, parseDir(t, threeUsers))
	env.setFaults(`{"name":"revoked","status":401}`)
	d := parseDir(t, strings.ReplaceAll(threeUsers, "department: Sales", "department: Finance"))
	s := env.cycle(eng, d)
	if s.Status.Quarantine == nil || s.Notification == "" {
		t.Fatalf("no quarantine: %+v", s.Status)
	}
	// Token fixed, but every update now fails with 500: the retry fails
	// on the proportion threshold instead.
	env.setFaults(`{"name":"patch-500","method":"PATCH","status":500}`)
	env.requests()
	_, s = env.untilRun(eng, d, 20)
	if s.Transition.Event != quarantine.EventReasonChanged || s.Status.Quarantine.Reason != quarantine.ReasonEscrowProportion || s.Notification == "" {
		t.Fatalf("reason change: %+v %+v", s.Transition, s.Status.Quarantine)
	}
	eml, _ := os.ReadFile(s.Notification)
	if !strings.Contains(string(eml), "EncounteredQuarantineException to") || !strings.Contains(string(eml), "EncounteredEscrowProportionThreshold") {
		t.Fatalf("email:\n%s", eml)
	}
	if files, _ := os.ReadDir(outbox); len(files) != 2 {
		t.Fatalf("%d emails, want 2", len(files))
	}
}

// TestRetryNow_ENTRA_QUAR_04: with RetryNow a quarantined job's cycle runs
// before its next attempt and counts as the retry: the fixed token lifts
// the quarantine at once.
func TestRetryNow_ENTRA_QUAR_04(t *testing.T) {
	env := newEnv(t, nil)
	d := parseDir(t, threeUsers)
	env.setFaults(`{"name":"revoked","status":401}`)
	s := env.cycle(env.engine(mapping.Gtmhub(), nil), d)
	if s.Status.Code != quarantine.CodeQuarantine {
		t.Fatalf("%+v", s.Status)
	}
	env.setFaults("")
	s = env.cycle(env.engine(mapping.Gtmhub(), func(o *Options) { o.RetryNow = true }), d)
	if s.Skipped || !s.Retry || s.Status.Code != quarantine.CodeActive || s.Counts.Created != 3 || s.At.Sub(s.Status.LastExecution.TimeBegan) != 0 {
		t.Fatalf("retry now: skipped %v retry %v %+v %+v", s.Skipped, s.Retry, s.Status.Code, s.Counts)
	}
}
