package escrow

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func TestPolicyDelay_RESP23_GrowingSpacing(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		want   []time.Duration // delay after failure 1, 2, 3, …
	}{
		{"defaults", Policy{}, []time.Duration{0, 0, 0, 1 * time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 16 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}},
		{"no every-cycle attempts", Policy{EveryCycleAttempts: -1, BaseDelay: 40 * time.Minute, MaxDelay: 3 * time.Hour},
			[]time.Duration{40 * time.Minute, 80 * time.Minute, 160 * time.Minute, 3 * time.Hour, 3 * time.Hour}},
		{"one every-cycle attempt", Policy{EveryCycleAttempts: 1, BaseDelay: 6 * time.Hour, MaxDelay: 24 * time.Hour},
			[]time.Duration{0, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 24 * time.Hour}},
		{"max below base is raised to base", Policy{EveryCycleAttempts: -1, BaseDelay: 2 * time.Hour, MaxDelay: time.Hour},
			[]time.Duration{2 * time.Hour, 2 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []time.Duration
			for n := 1; n <= len(tt.want); n++ {
				got = append(got, tt.policy.Delay(n))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("delays = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPolicyDelay_LargeAttemptCountsStayCapped(t *testing.T) {
	if d := (Policy{}).Delay(10_000); d != DefaultMaxDelay {
		t.Fatalf("Delay(10000) = %v, want %v", d, DefaultMaxDelay)
	}
}

// A failing object in a loop of 40-minute cycles is retried at the next
// cycle three times, then at growing intervals, and leaves the ledger on the
// first success.
func TestLedger_RESP23_RetriesSpacedThenRemovedOnSuccess(t *testing.T) {
	var l Ledger
	u := Object{ID: "u1", Kind: KindUser}
	fail := Attempt{Action: "create", ErrorCode: "InternalServerError"}
	var tries []time.Duration
	now := t0
	for cycle := 0; cycle < 40; cycle++ { // 40 cycles of 40 minutes
		now = t0.Add(time.Duration(cycle) * 40 * time.Minute)
		if cycle > 0 && len(l.Due(now)) == 0 {
			continue
		}
		tries = append(tries, now.Sub(t0))
		if _, _, err := l.Record(now, u, fail); err != nil {
			t.Fatal(err)
		}
	}
	m := time.Minute
	want := []time.Duration{0, 40 * m, 80 * m, 120 * m, // first failure and three next-cycle retries
		200 * m,  // 120m + 1h, rounded up to the next cycle at 200m
		320 * m,  // 200m + 2h
		560 * m,  // 320m + 4h
		1040 * m, // 560m + 8h
	}
	if !reflect.DeepEqual(tries, want) {
		t.Fatalf("attempt times = %v, want %v", tries, want)
	}
	e, ok := l.Get(u, false)
	if !ok || e.Attempts != len(want) || !e.FirstFailure.Equal(t0) || e.ErrorCode != "InternalServerError" {
		t.Fatalf("entry = %+v, %v", e, ok)
	}
	if !e.NextAttempt.Equal(t0.Add(1040*m + 16*time.Hour)) {
		t.Fatalf("next attempt = %v", e.NextAttempt)
	}
	if _, still, err := l.Record(now, u, Attempt{Success: true, Action: "create"}); err != nil || still {
		t.Fatalf("success: still=%v err=%v", still, err)
	}
	if l.Len() != 0 {
		t.Fatalf("ledger not empty after success: %+v", l.Entries)
	}
}

func TestLedger_QUAR03_ReferenceFailuresCountedApart(t *testing.T) {
	var l Ledger
	u1 := Object{ID: "u1", Kind: KindUser}
	u2 := Object{ID: "u2", Kind: KindUser}
	g1 := Object{ID: "g1", Kind: KindGroup}
	mustRecord(t, &l, t0, u1, Attempt{Action: "update", ErrorCode: "EntryConflict"})
	mustRecord(t, &l, t0, u1, Attempt{Action: "update", ErrorCode: "InternalServerError", Reference: true}) // manager
	mustRecord(t, &l, t0, u2, Attempt{Action: "update", ErrorCode: "InternalServerError", Reference: true})
	mustRecord(t, &l, t0, g1, Attempt{Action: "update", ErrorCode: "InternalServerError", Reference: true}) // members
	if got, want := l.Counts(), (Counts{Failures: 1, ReferenceFailures: 3}); got != want {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
	if l.Counts().Total() != 4 {
		t.Fatalf("total = %d", l.Counts().Total())
	}
	// A successful reference update clears only the reference entry.
	mustRecord(t, &l, t0, u1, Attempt{Success: true, Reference: true})
	if _, ok := l.Get(u1, false); !ok {
		t.Fatal("u1's own failure was removed by a reference success")
	}
	if _, ok := l.Get(u1, true); ok {
		t.Fatal("u1's reference failure survived a reference success")
	}
	// Succeeded clears both kinds.
	mustRecord(t, &l, t0, u2, Attempt{Action: "create", ErrorCode: "Timeout"})
	l.Succeeded(u2)
	if _, ok := l.Get(u2, false); ok {
		t.Fatal("u2 own entry left after Succeeded")
	}
	if _, ok := l.Get(u2, true); ok {
		t.Fatal("u2 reference entry left after Succeeded")
	}
	if got, want := l.Counts(), (Counts{Failures: 1, ReferenceFailures: 1}); got != want {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
}

func TestLedger_DueOrderAndAll(t *testing.T) {
	l := Ledger{Policy: Policy{EveryCycleAttempts: -1, BaseDelay: time.Hour, MaxDelay: time.Hour}}
	b := Object{ID: "b", Kind: KindUser}
	a := Object{ID: "a", Kind: KindUser}
	g := Object{ID: "g", Kind: KindGroup}
	mustRecord(t, &l, t0, b, Attempt{ErrorCode: "x"})
	mustRecord(t, &l, t0, a, Attempt{ErrorCode: "x"})
	mustRecord(t, &l, t0.Add(30*time.Minute), g, Attempt{ErrorCode: "x"})
	if d := l.Due(t0.Add(59 * time.Minute)); len(d) != 0 {
		t.Fatalf("due too early: %+v", d)
	}
	keys := func(es []Entry) []string {
		var ks []string
		for _, e := range es {
			ks = append(ks, Key(e.Object, e.Reference))
		}
		return ks
	}
	if got, want := keys(l.Due(t0.Add(time.Hour))), []string{"user/a", "user/b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("due = %v, want %v", got, want)
	}
	if got, want := keys(l.All()), []string{"user/a", "user/b", "group/g"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("all = %v, want %v", got, want)
	}
}

func TestLedger_CYCLE05_DropAll(t *testing.T) {
	var l Ledger
	mustRecord(t, &l, t0, Object{ID: "u1", Kind: KindUser}, Attempt{ErrorCode: "x"})
	mustRecord(t, &l, t0, Object{ID: "g1", Kind: KindGroup}, Attempt{ErrorCode: "x", Reference: true})
	if n := l.DropAll(); n != 2 {
		t.Fatalf("DropAll = %d, want 2", n)
	}
	if l.Len() != 0 || l.Counts().Total() != 0 || len(l.Due(t0.Add(time.Hour))) != 0 {
		t.Fatalf("ledger not empty: %+v", l)
	}
	// Still usable afterwards.
	mustRecord(t, &l, t0, Object{ID: "u1", Kind: KindUser}, Attempt{ErrorCode: "x"})
	if l.Len() != 1 {
		t.Fatal("record after DropAll failed")
	}
}

func TestLedger_InvalidObject(t *testing.T) {
	tests := []Object{{ID: "", Kind: KindUser}, {ID: "x", Kind: "device"}, {ID: "x"}}
	for _, obj := range tests {
		var l Ledger
		if _, _, err := l.Record(t0, obj, Attempt{}); !errors.Is(err, ErrInvalidObject) {
			t.Errorf("Record(%+v) err = %v, want ErrInvalidObject", obj, err)
		}
		if l.Len() != 0 {
			t.Errorf("invalid object %+v was stored", obj)
		}
	}
}

func TestLedger_JSONRoundTrip(t *testing.T) {
	var l Ledger
	mustRecord(t, &l, t0, Object{ID: "u1", Kind: KindUser}, Attempt{Action: "create", ErrorCode: "Timeout"})
	mustRecord(t, &l, t0.Add(time.Hour), Object{ID: "u1", Kind: KindUser}, Attempt{Action: "create", ErrorCode: "Timeout"})
	mustRecord(t, &l, t0, Object{ID: "g1", Kind: KindGroup}, Attempt{Action: "update", ErrorCode: "InternalServerError", Reference: true})
	b, err := json.Marshal(&l)
	if err != nil {
		t.Fatal(err)
	}
	var back Ledger
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Entries, l.Entries) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back.Entries, l.Entries)
	}
	b2, _ := json.Marshal(&back)
	if string(b) != string(b2) {
		t.Fatalf("JSON not stable:\n%s\n%s", b, b2)
	}
}

func mustRecord(t *testing.T, l *Ledger, now time.Time, obj Object, out Attempt) {
	t.Helper()
	if _, _, err := l.Record(now, obj, out); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkLedger_Record60000(b *testing.B) {
	for b.Loop() {
		var l Ledger
		for i := range 60_000 {
			_, _, _ = l.Record(t0, Object{ID: "u" + strconv.Itoa(i), Kind: KindUser}, Attempt{ErrorCode: "x"})
		}
		_ = l.Counts()
	}
}

// TestRetryAfterDefersNextAttempt_ENTRA_RESP_12: a 429's Retry-After pushes
// the next attempt out when it is longer than the policy's spacing, never in.
func TestRetryAfterDefersNextAttempt_ENTRA_RESP_12(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	obj := Object{ID: "u1", Kind: KindUser}
	for _, tc := range []struct {
		name       string
		attempts   int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"retry-after beats next cycle", 1, time.Hour, time.Hour},
		{"no retry-after", 1, 0, 0},
		{"policy longer than retry-after", 5, time.Minute, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l Ledger
			var e Entry
			for i := 0; i < tc.attempts; i++ {
				var err error
				e, _, err = l.Record(now, obj, Attempt{Action: "create", ErrorCode: "TooManyRequests", RetryAfter: tc.retryAfter})
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := e.NextAttempt.Sub(now); got != tc.want {
				t.Fatalf("next attempt after %s, want %s", got, tc.want)
			}
		})
	}
}
