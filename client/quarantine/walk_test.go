package quarantine

import (
	"fmt"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
)

// walk drives a Machine and an escrow ledger the way the engine does, on the
// simulated clock, from start until end, with 40-minute cycles. down says
// whether the endpoint answers 401 to the first request of a cycle at a
// given time. While it is up, user u1 exports fine and user u3 always fails
// with a 500, so there is always one escrow entry to drop or keep.
type walk struct {
	job      *Machine
	ledger   escrow.Ledger
	attempts []time.Time
	trs      []Transition
	emails   int
}

func (w *walk) run(t *testing.T, start, end time.Time, down func(time.Time) bool) {
	t.Helper()
	now := start
	for i := 0; ; i++ {
		if i > 2000 {
			t.Fatal("walk did not end")
		}
		at, ok := w.job.NextRun(now, 40*time.Minute)
		if !ok || at.After(end) {
			return
		}
		if err := w.job.CycleStarted(at); err != nil {
			t.Fatal(err)
		}
		w.attempts = append(w.attempts, at)
		var s Summary
		if down(at) {
			s.Fatal = credentialFailure
		} else {
			s.Initial = i == 0
			s.Exports = 2
			s.Exported = 1
			u1, u3 := escrow.Object{ID: "u1", Kind: escrow.KindUser}, escrow.Object{ID: "u3", Kind: escrow.KindUser}
			if _, _, err := w.ledger.Record(at, u1, escrow.Attempt{Success: true, Action: "update"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.ledger.Record(at, u3, escrow.Attempt{Action: "create", ErrorCode: "InternalServerError"}); err != nil {
				t.Fatal(err)
			}
		}
		c := w.ledger.Counts()
		s.Escrowed, s.EscrowedReference = c.Failures, c.ReferenceFailures
		tr, err := w.job.CycleFinished(at, s)
		if err != nil {
			t.Fatal(err)
		}
		if tr.DropEscrows {
			w.ledger.DropAll()
		}
		if tr.Notify() {
			w.emails++
		}
		w.trs = append(w.trs, tr)
		now = at
	}
}

// 30 simulated days of 40-minute cycles: healthy for two hours, then every
// request answers 401. The job enters quarantine at once (RESP-06, QUAR-01),
// is retried at +6 h, +12 h, +24 h and then daily from the first failure
// (QUAR-04), and is disabled with its escrows dropped at day 28.
func TestWalk_QUAR04_ThirtyDaysFailingEndpointDisabledAtDay28(t *testing.T) {
	start := t0 // 2026-03-02T08:00:00Z
	failFrom := start.Add(150 * time.Minute)
	w := &walk{job: New(Config{})}
	w.run(t, start, start.Add(30*24*time.Hour), func(at time.Time) bool { return !at.Before(failFrom) })

	first := start.Add(160 * time.Minute) // the first cycle at or after failFrom
	hours := []int{0, 6, 12, 24, 48, 72, 96, 120, 144, 168, 192, 216, 240, 264, 288, 312, 336, 360,
		384, 408, 432, 456, 480, 504, 528, 552, 576, 600, 624, 648, 672}
	wantAttempts := []time.Time{start, start.Add(40 * time.Minute), start.Add(80 * time.Minute), start.Add(120 * time.Minute)}
	for _, hh := range hours {
		wantAttempts = append(wantAttempts, first.Add(time.Duration(hh)*time.Hour))
	}
	if len(w.attempts) != len(wantAttempts) {
		t.Fatalf("%d cycles, want %d:\n%v", len(w.attempts), len(wantAttempts), w.attempts)
	}
	for i := range wantAttempts {
		if !w.attempts[i].Equal(wantAttempts[i]) {
			t.Fatalf("cycle %d at %s, want %s", i, w.attempts[i].Format(time.RFC3339), wantAttempts[i].Format(time.RFC3339))
		}
	}

	var want []string
	want = append(want,
		"2026-03-02T08:00:00Z ran NotRun->Active",
		"2026-03-02T08:40:00Z ran Active->Active",
		"2026-03-02T09:20:00Z ran Active->Active",
		"2026-03-02T10:00:00Z ran Active->Active",
		"2026-03-02T10:40:00Z entered Active->Quarantine reason=EncounteredQuarantineException next=2026-03-02T16:40:00Z",
	)
	for i := 1; i < len(hours)-1; i++ {
		want = append(want, fmt.Sprintf("%s retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=%s",
			first.Add(time.Duration(hours[i])*time.Hour).Format(time.RFC3339),
			first.Add(time.Duration(hours[i+1])*time.Hour).Format(time.RFC3339)))
	}
	want = append(want, "2026-03-30T10:40:00Z disabled Quarantine->Disabled reason=EncounteredQuarantineException drop-escrows")
	if len(w.trs) != len(want) {
		t.Fatalf("%d transitions, want %d", len(w.trs), len(want))
	}
	for i := range want {
		if got := w.trs[i].String(); got != want[i] {
			t.Fatalf("transition %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
	// Spot-check the literal schedule around the third retry.
	if got := w.trs[7].String(); got != "2026-03-03T10:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-03-04T10:40:00Z" {
		t.Fatalf("third retry: %s", got)
	}

	if w.emails != 1 {
		t.Fatalf("%d notification emails, want exactly 1", w.emails)
	}
	if w.ledger.Len() != 0 {
		t.Fatalf("escrows not dropped at disable: %+v", w.ledger.Entries)
	}
	st := w.job.Status
	if st.Code != CodeDisabled || st.CountSuccessiveCompleteFailures != int64(len(hours)) || st.Quarantine.SeriesCount != int64(len(hours)-2) {
		t.Fatalf("final status: code %s, successive failures %d, seriesCount %d", st.Code, st.CountSuccessiveCompleteFailures, st.Quarantine.SeriesCount)
	}
	if !st.LastSuccessfulExecutionWithExports.TimeBegan.Equal(start.Add(120 * time.Minute)) {
		t.Fatalf("lastSuccessfulExecutionWithExports = %+v", st.LastSuccessfulExecutionWithExports)
	}
}

// The same endpoint, fixed on day 2 at noon: the retry at +72 h succeeds,
// quarantine is lifted, the escrow is kept and 40-minute cycles resume.
func TestWalk_QUAR04_FixedEndpointLiftedAtNextRetry(t *testing.T) {
	start := t0
	failFrom, fixedAt := start.Add(150*time.Minute), start.Add(60*time.Hour)
	w := &walk{job: New(Config{})}
	end := start.Add(30 * 24 * time.Hour)
	w.run(t, start, end, func(at time.Time) bool { return !at.Before(failFrom) && at.Before(fixedAt) })

	first := start.Add(160 * time.Minute)
	var events []string
	for _, tr := range w.trs {
		if tr.Event != EventRan {
			events = append(events, tr.String())
		}
	}
	want := []string{
		"2026-03-02T10:40:00Z entered Active->Quarantine reason=EncounteredQuarantineException next=2026-03-02T16:40:00Z",
		"2026-03-02T16:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-03-02T22:40:00Z",
		"2026-03-02T22:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-03-03T10:40:00Z",
		"2026-03-03T10:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-03-04T10:40:00Z",
		"2026-03-04T10:40:00Z retry-failed Quarantine->Quarantine reason=EncounteredQuarantineException next=2026-03-05T10:40:00Z",
		"2026-03-05T10:40:00Z lifted Quarantine->Active reason=EncounteredQuarantineException",
	}
	if fmt.Sprint(events) != fmt.Sprint(want) {
		t.Fatalf("events:\n%s\nwant:\n%s", join(events), join(want))
	}
	lifted := first.Add(72 * time.Hour)
	// After the lift: one cycle every 40 minutes until day 30.
	var after []time.Time
	for _, a := range w.attempts {
		if a.After(lifted) {
			after = append(after, a)
		}
	}
	wantAfter := int(end.Sub(lifted) / (40 * time.Minute))
	if len(after) != wantAfter || !after[0].Equal(lifted.Add(40*time.Minute)) || !after[len(after)-1].Equal(lifted.Add(time.Duration(wantAfter)*40*time.Minute)) {
		t.Fatalf("%d cycles after the lift (first %s), want %d from %s", len(after), after[0], wantAfter, lifted.Add(40*time.Minute))
	}
	if w.job.Code() != CodeActive || w.emails != 1 {
		t.Fatalf("code %s, %d emails", w.job.Code(), w.emails)
	}
	if _, ok := w.ledger.Get(escrow.Object{ID: "u3", Kind: escrow.KindUser}, false); !ok {
		t.Fatal("the lift must keep the escrow of the still-failing user")
	}
}

func join(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}
