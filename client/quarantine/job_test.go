package quarantine

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

const h = time.Hour

var (
	credentialFailure = &Fatal{Reason: ReasonQuarantineException,
		Code:    "SystemForCrossDomainIdentityManagementCredentialValidationFailure",
		Message: "The target answered 401 Unauthorized to the first request of the cycle."}
	complianceFailure = &Fatal{Reason: ReasonQuarantineException, Code: "SystemForCrossDomainIdentityManagementServiceIncompatible",
		Message: "GET /Users?filter=userName eq \"x\" answered 404 instead of 200 with an empty ListResponse."}
	healthy = Summary{Exports: 10, Exported: 10}
)

// run starts and finishes one cycle at now.
func run(t *testing.T, j *Machine, now time.Time, s Summary) Transition {
	t.Helper()
	if err := j.CycleStarted(now); err != nil {
		t.Fatalf("CycleStarted(%s): %v", now, err)
	}
	tr, err := j.CycleFinished(now, s)
	if err != nil {
		t.Fatalf("CycleFinished(%s): %v", now, err)
	}
	return tr
}

// Every trigger of QUAR-01 / DEL-01 and the reason it yields, from a healthy
// incremental cycle.
func TestCycleFinished_QUAR01_TriggersAndReasons(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		s      Summary
		want   Reason
		code   string
		notify bool
	}{
		{"401 at job level (RESP-06)", Config{}, Summary{Fatal: credentialFailure}, ReasonQuarantineException,
			"SystemForCrossDomainIdentityManagementCredentialValidationFailure", true},
		{"404 on a filter query (RESP-03), few errors", Config{}, Summary{Exports: 1, Fatal: complianceFailure}, ReasonQuarantineException,
			"SystemForCrossDomainIdentityManagementServiceIncompatible", true},
		{"fatal without a reason is Unknown", Config{}, Summary{Fatal: &Fatal{Message: "boom"}}, ReasonUnknown, "Unknown", true},
		{"ingestion interrupted", Config{}, Summary{Fatal: &Fatal{Reason: ReasonIngestionInterrupted, Message: "source read failed"}},
			ReasonIngestionInterrupted, "IngestionInterrupted", true},
		{"too many deletes (DEL-01)", Config{DeletePrevention: true}, Summary{PendingDeletes: 501}, ReasonTooManyDeletes, "TooManyDeletes", true},
		{"deletes at the threshold", Config{DeletePrevention: true}, Summary{PendingDeletes: 500}, "", "", false},
		{"deletes without prevention", Config{}, Summary{PendingDeletes: 100_000}, "", "", false},
		{"45,000 failures", Config{}, Summary{Exports: 45_000, Escrowed: 45_000}, ReasonBaseEscrow, "EncounteredBaseEscrowThreshold", true},
		{"30,000 failed, 5,000 successes", Config{}, Summary{Exports: 35_000, Exported: 5_000, Escrowed: 30_000}, ReasonEscrowProportion,
			"EncounteredEscrowProportionThreshold", true},
		{"40,000 failed users + 21,000 failed manager updates", Config{}, Summary{Exports: 61_000, Escrowed: 40_000, EscrowedReference: 21_000},
			ReasonTotalEscrow, "EncounteredTotalEscrowThreshold", true},
		{"20,000 failed, 100,000 successes", Config{}, Summary{Exports: 120_000, Exported: 100_000, Escrowed: 20_000}, "", "", false},
		{"4,000 failures", Config{}, Summary{Exports: 4_000, Escrowed: 4_000}, "", "", false},
		{"fatal beats thresholds and deletes", Config{DeletePrevention: true},
			Summary{Escrowed: 45_000, PendingDeletes: 10_000, Fatal: credentialFailure}, ReasonQuarantineException,
			"SystemForCrossDomainIdentityManagementCredentialValidationFailure", true},
		{"deletes beat thresholds", Config{DeletePrevention: true}, Summary{Escrowed: 45_000, PendingDeletes: 10_000},
			ReasonTooManyDeletes, "TooManyDeletes", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(tt.cfg)
			run(t, j, t0, healthy) // initial cycle, healthy
			at := t0.Add(40 * time.Minute)
			tr := run(t, j, at, tt.s)
			if tt.want == "" {
				if tr.Event != EventRan || j.Code() != CodeActive || j.Status.Quarantine != nil {
					t.Fatalf("want no quarantine, got %s (%s)", tr, tr.Detail)
				}
				return
			}
			if tr.Event != EventEntered || tr.From != CodeActive || tr.To != CodeQuarantine || tr.Reason != tt.want {
				t.Fatalf("transition = %s, want entered %s", tr, tt.want)
			}
			if tr.Notify() != tt.notify || !tr.Changed() || tr.DropEscrows {
				t.Fatalf("notify=%v changed=%v drop=%v", tr.Notify(), tr.Changed(), tr.DropEscrows)
			}
			q := j.Status.Quarantine
			wantQ := Quarantine{CurrentBegan: at, SeriesBegan: at, NextAttempt: at.Add(6 * h), Reason: tt.want, SeriesCount: 0}
			if q == nil || q.CurrentBegan != wantQ.CurrentBegan || q.SeriesBegan != wantQ.SeriesBegan ||
				q.NextAttempt != wantQ.NextAttempt || q.Reason != wantQ.Reason || q.SeriesCount != 0 {
				t.Fatalf("quarantine = %+v, want %+v", q, wantQ)
			}
			if q.Error == nil || q.Error.Code != tt.code || q.Error.Message == "" || !q.Error.TenantActionable {
				t.Fatalf("quarantine.error = %+v, want code %q with a message", q.Error, tt.code)
			}
			if next, ok := j.NextRun(at, 40*time.Minute); !ok || !next.Equal(at.Add(6*h)) {
				t.Fatalf("NextRun = %v %v, want +6h", next, ok)
			}
		})
	}
}

// QUAR-07: in the initial cycle the thresholds prune escrows and pause the
// job instead of quarantining it; job-level failures still quarantine.
func TestCycleFinished_QUAR07_InitialCyclePrunesEscrows(t *testing.T) {
	j := New(Config{})
	tr := run(t, j, t0, Summary{Initial: true, Exports: 45_000, Escrowed: 45_000})
	if tr.Event != EventEscrowsPruned || tr.To != CodePaused || !tr.DropEscrows || tr.Reason != ReasonBaseEscrow || tr.Notify() {
		t.Fatalf("transition = %s", tr)
	}
	if !j.Status.EscrowsPruned || j.Status.Quarantine != nil || j.Code() != CodePaused {
		t.Fatalf("status = %+v", j.Status)
	}
	if _, ok := j.NextRun(t0, 40*time.Minute); ok {
		t.Fatal("a paused job must not schedule itself")
	}
	if err := j.CycleStarted(t0.Add(h)); !errors.Is(err, ErrPaused) {
		t.Fatalf("CycleStarted on a paused job: %v", err)
	}
	// Restart clears escrowsPruned and runs again.
	tr = j.Restart(t0.Add(2 * h))
	if tr.To != CodeActive || !tr.DropEscrows || j.Status.EscrowsPruned {
		t.Fatalf("restart: %s, status %+v", tr, j.Status)
	}

	j = New(Config{})
	tr = run(t, j, t0, Summary{Initial: true, Fatal: credentialFailure})
	if tr.Event != EventEntered || tr.Reason != ReasonQuarantineException {
		t.Fatalf("401 in the initial cycle: %s", tr)
	}
	j = New(Config{})
	tr = run(t, j, t0, Summary{Initial: true, Exports: 40_000, Exported: 35_000, Escrowed: 5_000})
	if tr.Event != EventRan || j.Status.EscrowsPruned {
		t.Fatalf("initial cycle under the thresholds: %s", tr)
	}
}

// QUAR-04: retries at +6 h, +12 h, +24 h after the first failure, then every
// 24 h; the first successful retry lifts quarantine and the 40-minute
// interval resumes.
func TestRetrySchedule_QUAR04_AndExitOnSuccess(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, healthy)
	first := t0.Add(40 * time.Minute)
	run(t, j, first, Summary{Fatal: credentialFailure})
	wantNext := []time.Duration{12 * h, 24 * h, 48 * h, 72 * h, 96 * h}
	at := first.Add(6 * h)
	for i, w := range wantNext {
		next, ok := j.NextRun(at.Add(-time.Hour), 40*time.Minute)
		if !ok || !next.Equal(at) {
			t.Fatalf("retry %d: NextRun = %v, want %v", i+1, next, at)
		}
		tr := run(t, j, at, Summary{Fatal: credentialFailure})
		if tr.Event != EventRetryFailed || tr.Notify() || tr.Changed() || !tr.NextAttempt.Equal(first.Add(w)) {
			t.Fatalf("retry %d: %s, want next %v", i+1, tr, first.Add(w))
		}
		q := j.Status.Quarantine
		if q.SeriesCount != int64(i+1) || !q.SeriesBegan.Equal(first) || !q.CurrentBegan.Equal(at) {
			t.Fatalf("retry %d: quarantine %+v", i+1, q)
		}
		if j.Status.CountSuccessiveCompleteFailures != int64(i+2) {
			t.Fatalf("countSuccessiveCompleteFailures = %d, want %d", j.Status.CountSuccessiveCompleteFailures, i+2)
		}
		at = first.Add(w)
	}
	// The cause is fixed; the next retry (at +96 h) succeeds.
	tr := run(t, j, at, healthy)
	if tr.Event != EventLifted || tr.From != CodeQuarantine || tr.To != CodeActive || tr.Reason != ReasonQuarantineException || tr.DropEscrows {
		t.Fatalf("lift: %s", tr)
	}
	if j.Status.Quarantine != nil || j.Status.CountSuccessiveCompleteFailures != 0 {
		t.Fatalf("status after lift: %+v", j.Status)
	}
	if j.Status.LastSuccessfulExecution == nil || !j.Status.LastSuccessfulExecution.TimeBegan.Equal(at) {
		t.Fatalf("lastSuccessfulExecution = %+v", j.Status.LastSuccessfulExecution)
	}
	if next, _ := j.NextRun(at, 40*time.Minute); !next.Equal(at.Add(40 * time.Minute)) {
		t.Fatalf("after lift NextRun = %v, want +40m", next)
	}
}

// A threshold quarantine is lifted when a retry brings the failures back
// under the thresholds (for example below the 5,000 minimum).
func TestRetry_QUAR04_ThresholdQuarantineLiftedWhenCountsDrop(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, healthy)
	run(t, j, t0.Add(40*time.Minute), Summary{Exports: 45_000, Escrowed: 45_000})
	tr := run(t, j, t0.Add(40*time.Minute+6*h), Summary{Exports: 45_000, Exported: 2_000, Escrowed: 43_000})
	if tr.Event != EventRetryFailed || tr.Reason != ReasonBaseEscrow {
		t.Fatalf("still failing: %s", tr)
	}
	tr = run(t, j, t0.Add(40*time.Minute+12*h), Summary{Exports: 43_000, Exported: 42_000, Escrowed: 1_000})
	if tr.Event != EventLifted {
		t.Fatalf("want lifted, got %s (%s)", tr, tr.Detail)
	}
}

// QUAR-06: a new email when the reason changes; the series keeps its start.
func TestRetry_QUAR06_ReasonChangeNotifies(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, Summary{Fatal: credentialFailure})
	tr := run(t, j, t0.Add(6*h), Summary{Exports: 35_000, Exported: 5_000, Escrowed: 30_000})
	if tr.Event != EventReasonChanged || !tr.Notify() || !tr.Changed() ||
		tr.PreviousReason != ReasonQuarantineException || tr.Reason != ReasonEscrowProportion {
		t.Fatalf("transition = %s", tr)
	}
	q := j.Status.Quarantine
	if q.Reason != ReasonEscrowProportion || !q.SeriesBegan.Equal(t0) || q.SeriesCount != 1 || !q.NextAttempt.Equal(t0.Add(12*h)) {
		t.Fatalf("quarantine = %+v", q)
	}
	if q.Error.Code != string(ReasonEscrowProportion) {
		t.Fatalf("error = %+v", q.Error)
	}
}

// QUAR-04: a retry that still fails 28 days after the first failure drops
// the escrows and disables the job.
func TestDisable_QUAR04_After28Days(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, Summary{Fatal: credentialFailure})
	for i := 0; j.Quarantined(); i++ {
		if i > 100 {
			t.Fatalf("still quarantined after %d retries: %+v", i, j.Status.Quarantine)
		}
		next, ok := j.NextRun(t0, 40*time.Minute)
		if !ok {
			t.Fatal("quarantined job without a next run")
		}
		tr := run(t, j, next, Summary{Fatal: credentialFailure})
		if tr.Event == EventDisabled {
			if !next.Equal(t0.Add(28 * 24 * h)) {
				t.Fatalf("disabled at %v, want day 28", next.Sub(t0))
			}
			if !tr.DropEscrows || tr.To != CodeDisabled || tr.Notify() {
				t.Fatalf("disable transition: %s", tr)
			}
		}
	}
	if j.Code() != CodeDisabled || j.Status.Quarantine == nil || j.Status.Quarantine.Reason != ReasonQuarantineException {
		t.Fatalf("status = %+v", j.Status)
	}
	if _, ok := j.NextRun(t0.Add(30*24*h), 40*time.Minute); ok {
		t.Fatal("a disabled job must not schedule itself")
	}
	if err := j.CycleStarted(t0.Add(30 * 24 * h)); !errors.Is(err, ErrDisabled) {
		t.Fatalf("CycleStarted on a disabled job: %v", err)
	}
}

// CYCLE-05 / QUAR-05: restart clears quarantine, escrows and the failure
// count, from quarantine and from disabled.
func TestRestart_CYCLE05_ClearsQuarantine(t *testing.T) {
	for _, disable := range []bool{false, true} {
		j := New(Config{MaxDuration: 6 * h})
		run(t, j, t0, Summary{Fatal: credentialFailure})
		if disable {
			run(t, j, t0.Add(6*h), Summary{Fatal: credentialFailure})
			if j.Code() != CodeDisabled {
				t.Fatalf("want disabled with MaxDuration 6h, got %s", j.Code())
			}
		}
		from := j.Code()
		tr := j.Restart(t0.Add(7 * h))
		if tr.Event != EventRestarted || tr.From != from || tr.To != CodeActive || !tr.DropEscrows || tr.Reason != ReasonQuarantineException {
			t.Fatalf("restart from %s: %s", from, tr)
		}
		if j.Status.Quarantine != nil || j.Status.CountSuccessiveCompleteFailures != 0 || j.Quarantined() {
			t.Fatalf("status after restart: %+v", j.Status)
		}
		if next, ok := j.NextRun(t0.Add(7*h), 40*time.Minute); !ok || !next.Equal(t0.Add(7*h)) {
			t.Fatalf("NextRun after restart = %v %v", next, ok)
		}
		if tr := run(t, j, t0.Add(7*h), Summary{Initial: true, Exports: 3, Exported: 3}); tr.Event != EventRan {
			t.Fatalf("first cycle after restart: %s", tr)
		}
	}
	// Restarting a job that never ran leaves it NotRun.
	if tr := New(Config{}).Restart(t0); tr.To != CodeNotRun {
		t.Fatalf("restart of a new job: %s", tr)
	}
}

func TestAllowDeletes_DEL01(t *testing.T) {
	j := New(Config{DeletePrevention: true, DeleteThreshold: 10})
	run(t, j, t0, healthy)
	if _, err := j.AllowDeletes(t0); !errors.Is(err, ErrNotQuarantine) {
		t.Fatalf("AllowDeletes on an active job: %v", err)
	}
	tr := run(t, j, t0.Add(40*time.Minute), Summary{PendingDeletes: 11})
	if tr.Reason != ReasonTooManyDeletes {
		t.Fatalf("%s", tr)
	}
	if j.DeletesAllowed() {
		t.Fatal("deletes allowed before the admin said so")
	}
	tr, err := j.AllowDeletes(t0.Add(h))
	if err != nil || tr.Event != EventDeletesAllowed || tr.To != CodeActive || !j.DeletesAllowed() {
		t.Fatalf("AllowDeletes: %s %v", tr, err)
	}
	// The next cycle sends the deletes and stays healthy; the permission is
	// used up, so the cycle after that checks the threshold again.
	if tr := run(t, j, t0.Add(2*h), Summary{Exports: 11, Exported: 11, PendingDeletes: 11}); tr.Event != EventRan || j.DeletesAllowed() {
		t.Fatalf("cycle with allowed deletes: %s", tr)
	}
	if tr := run(t, j, t0.Add(3*h), Summary{PendingDeletes: 11}); tr.Reason != ReasonTooManyDeletes {
		t.Fatalf("threshold not checked again: %s", tr)
	}
	// Allow deletes is refused for another reason.
	j2 := New(Config{})
	run(t, j2, t0, Summary{Fatal: credentialFailure})
	if _, err := j2.AllowDeletes(t0); !errors.Is(err, ErrNotQuarantine) {
		t.Fatalf("AllowDeletes on a credential quarantine: %v", err)
	}
}

func TestImpose_QUAR02_EnumeratedReasons(t *testing.T) {
	for _, r := range []Reason{ReasonQuarantinedOnDemand, ReasonUnknown, ReasonIngestionInterrupted} {
		j := New(Config{})
		run(t, j, t0, healthy)
		tr, err := j.Impose(t0.Add(h), r, "set by hand")
		if err != nil || tr.Event != EventEntered || tr.Reason != r || !tr.Notify() || j.Status.Quarantine.Reason != r {
			t.Fatalf("Impose(%s): %s %v", r, tr, err)
		}
		// A healthy retry lifts it like any other.
		if tr := run(t, j, t0.Add(7*h), healthy); tr.Event != EventLifted {
			t.Fatalf("retry after Impose(%s): %s", r, tr)
		}
	}
	if _, err := New(Config{}).Impose(t0, "QuarantineOnDemand", ""); err == nil {
		t.Fatal("Impose accepted a reason Graph does not have")
	}
}

func TestStart_ClearsQuarantineKeepsEscrows(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, Summary{Fatal: credentialFailure})
	tr := j.Start(t0.Add(h))
	if tr.Event != EventStarted || tr.To != CodeActive || tr.DropEscrows || j.Status.Quarantine != nil {
		t.Fatalf("start: %s", tr)
	}
}

// QUAR-07 fields: countSuccessiveCompleteFailures, lastExecution,
// lastSuccessfulExecution, lastSuccessfulExecutionWithExports.
func TestStatus_QUAR07_ExecutionFields(t *testing.T) {
	j := New(Config{})
	if j.Code() != CodeNotRun {
		t.Fatalf("new job code = %s", j.Code())
	}
	steps := []struct {
		s           Summary
		state       string
		successive  int64
		lastOK      bool // lastSuccessfulExecution is this cycle
		lastExports bool // lastSuccessfulExecutionWithExports is this cycle
	}{
		{Summary{ActivityID: "c1", Initial: true, Exports: 5, Exported: 5}, StateSucceeded, 0, true, true},
		{Summary{ActivityID: "c2", Exports: 5, Exported: 3, Escrowed: 2}, StateEntryLevelErrors, 0, false, true},
		{Summary{ActivityID: "c3", Exports: 2, Escrowed: 2}, StateFailed, 1, false, false},
		{Summary{ActivityID: "c4", Exports: 2, Escrowed: 2}, StateFailed, 2, false, false},
		{Summary{ActivityID: "c5"}, StateSucceeded, 0, true, false},
	}
	var lastOK, lastExp string
	for i, st := range steps {
		at := t0.Add(time.Duration(i) * 40 * time.Minute)
		if err := j.CycleStarted(at); err != nil {
			t.Fatal(err)
		}
		if _, err := j.CycleFinished(at.Add(5*time.Minute), st.s); err != nil {
			t.Fatal(err)
		}
		if st.lastOK {
			lastOK = st.s.ActivityID
		}
		if st.lastExports {
			lastExp = st.s.ActivityID
		}
		e := j.Status.LastExecution
		if e.ActivityIdentifier != st.s.ActivityID || e.State != st.state || !e.TimeBegan.Equal(at) || !e.TimeEnded.Equal(at.Add(5*time.Minute)) ||
			e.CountExports != st.s.Exports || e.CountExported != st.s.Exported || e.CountEscrowed != st.s.Escrowed {
			t.Fatalf("%s: lastExecution = %+v", st.s.ActivityID, e)
		}
		if j.Status.CountSuccessiveCompleteFailures != st.successive {
			t.Fatalf("%s: countSuccessiveCompleteFailures = %d, want %d", st.s.ActivityID, j.Status.CountSuccessiveCompleteFailures, st.successive)
		}
		if got := j.Status.LastSuccessfulExecution.ActivityIdentifier; got != lastOK {
			t.Fatalf("%s: lastSuccessfulExecution = %s, want %s", st.s.ActivityID, got, lastOK)
		}
		if got := j.Status.LastSuccessfulExecutionWithExports.ActivityIdentifier; got != lastExp {
			t.Fatalf("%s: lastSuccessfulExecutionWithExports = %s, want %s", st.s.ActivityID, got, lastExp)
		}
	}
	if j.Code() != CodeActive {
		t.Fatalf("code = %s", j.Code())
	}
}

func TestCycle_BadInput(t *testing.T) {
	j := New(Config{})
	if _, err := j.CycleFinished(t0, healthy); !errors.Is(err, ErrNoCycle) {
		t.Fatalf("finish without start: %v", err)
	}
	if err := j.CycleStarted(t0); err != nil {
		t.Fatal(err)
	}
	if err := j.CycleStarted(t0); !errors.Is(err, ErrCycleRunning) {
		t.Fatalf("second start: %v", err)
	}
	if _, err := j.CycleFinished(t0.Add(-time.Second), healthy); !errors.Is(err, ErrClockBackward) {
		t.Fatalf("finish before start: %v", err)
	}
	bad := []Summary{
		{Exports: -1},
		{Exports: 1, Exported: 2},
		{Escrowed: -5},
		{Fatal: &Fatal{Reason: "Nope"}},
	}
	for _, s := range bad {
		if _, err := j.CycleFinished(t0, s); !errors.Is(err, ErrInvalidSummary) {
			t.Fatalf("summary %+v: err = %v", s, err)
		}
	}
	// Rejected summaries leave the cycle open and the status untouched.
	if j.Status.LastExecution != nil || j.CycleBegan.IsZero() {
		t.Fatalf("rejected summary changed the job: %+v", j)
	}
	if _, err := j.CycleFinished(t0.Add(time.Minute), healthy); err != nil {
		t.Fatal(err)
	}
	if err := j.CycleStarted(t0); !errors.Is(err, ErrClockBackward) {
		t.Fatalf("start before the last cycle ended: %v", err)
	}
	if err := (&Machine{Status: Status{Code: CodeNotConfigured}}).CycleStarted(t0); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("not configured: %v", err)
	}
}

// The Machine is the engine's state: it must survive JSON, with Graph's names.
func TestMachine_JSONRoundTripWithGraphNames(t *testing.T) {
	j := New(Config{})
	run(t, j, t0, Summary{ActivityID: "c1", Exports: 1, Exported: 1})
	run(t, j, t0.Add(40*time.Minute), Summary{ActivityID: "c2", Fatal: credentialFailure})
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	st := raw["status"]
	for _, k := range []string{"code", "countSuccessiveCompleteFailures", "escrowsPruned", "lastExecution",
		"lastSuccessfulExecution", "lastSuccessfulExecutionWithExports", "quarantine"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status JSON lacks %q: %s", k, b)
		}
	}
	q, _ := st["quarantine"].(map[string]any)
	for _, k := range []string{"currentBegan", "nextAttempt", "reason", "seriesBegan", "seriesCount", "error"} {
		if _, ok := q[k]; !ok {
			t.Errorf("quarantine JSON lacks %q: %s", k, b)
		}
	}
	if st["code"] != "Quarantine" || q["reason"] != "EncounteredQuarantineException" || q["nextAttempt"] != "2026-03-02T14:40:00Z" {
		t.Errorf("values: code=%v reason=%v next=%v", st["code"], q["reason"], q["nextAttempt"])
	}
	var back Machine
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Status, j.Status) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back.Status, j.Status)
	}
	// The restored job continues the schedule.
	if tr := run(t, &back, t0.Add(40*time.Minute+6*h), Summary{Fatal: credentialFailure}); !tr.NextAttempt.Equal(t0.Add(40*time.Minute + 12*h)) {
		t.Fatalf("restored job: %s", tr)
	}
}
