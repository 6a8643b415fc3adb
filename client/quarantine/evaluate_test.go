package quarantine

import (
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// The worked examples of ENTRA-QUAR-03, plus the boundaries around them.
func TestEvaluate_QUAR03_WorkedExamplesAndBoundaries(t *testing.T) {
	tests := []struct {
		name          string
		counts        Counts
		wantEvaluated bool
		want          Reason
	}{
		// Worked examples, as the article states them.
		{"example: 45,000 failures -> quarantined (40,000 rule)", Counts{Failures: 45_000}, true, ReasonBaseEscrow},
		{"example: 30,000 failed + 5,000 successes -> quarantined (40% rule)", Counts{Failures: 30_000, Successes: 5_000}, true, ReasonEscrowProportion},
		{"example: 20,000 failed + 100,000 successes -> not", Counts{Failures: 20_000, Successes: 100_000}, true, ""},
		{"example: 40,000 users + 21,000 manager updates -> quarantined (60,000 rule)", Counts{Failures: 40_000, ReferenceFailures: 21_000}, true, ReasonTotalEscrow},
		{"example: 4,000 failures -> not evaluated", Counts{Failures: 4_000}, false, ""},
		{"example: 5,000 failures -> evaluated", Counts{Failures: 5_000}, true, ReasonEscrowProportion},

		// Evaluation minimum counts reference failures too.
		{"4,999 failures, no successes -> not evaluated", Counts{Failures: 4_999}, false, ""},
		{"4,000 + 1,000 reference -> evaluated", Counts{Failures: 4_000, ReferenceFailures: 1_000, Successes: 100_000}, true, ""},

		// 40 % is "more than": exactly 40 % stays out.
		{"exactly 40% fails -> not", Counts{Failures: 8_000, Successes: 12_000}, true, ""},
		{"just over 40% -> proportion", Counts{Failures: 8_001, Successes: 12_000}, true, ReasonEscrowProportion},
		{"reference failures excluded from 40%", Counts{Failures: 6_000, ReferenceFailures: 50_000, Successes: 10_000}, true, ""},

		// 40,000 is "more than", reference failures excluded.
		{"exactly 40,000 with many successes -> not", Counts{Failures: 40_000, Successes: 1_000_000}, true, ""},
		{"40,001 with many successes -> base", Counts{Failures: 40_001, Successes: 1_000_000}, true, ReasonBaseEscrow},
		{"reference failures excluded from 40,000", Counts{Failures: 30_000, ReferenceFailures: 25_000, Successes: 1_000_000}, true, ""},

		// 60,000 is "more than", reference failures included.
		{"exactly 60,000 total -> not", Counts{Failures: 30_000, ReferenceFailures: 30_000, Successes: 1_000_000}, true, ""},
		{"60,001 total -> total", Counts{Failures: 30_000, ReferenceFailures: 30_001, Successes: 1_000_000}, true, ReasonTotalEscrow},
		{"reference failures alone can reach 60,000", Counts{ReferenceFailures: 60_001}, true, ReasonTotalEscrow},
		{"reference failures alone below 60,000 -> not", Counts{ReferenceFailures: 59_000}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Config{}.Evaluate(tt.counts)
			if v.Evaluated != tt.wantEvaluated || v.Reason != tt.want {
				t.Fatalf("Evaluate(%+v) = evaluated %v reason %q (%s), want evaluated %v reason %q",
					tt.counts, v.Evaluated, v.Reason, v.Detail, tt.wantEvaluated, tt.want)
			}
			if v.Detail == "" {
				t.Fatal("verdict without detail")
			}
		})
	}
}

// Thresholds are "subject to change": each number can be overridden, and a
// negative value switches its rule off.
func TestEvaluate_QUAR03_Configurable(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		counts Counts
		want   Reason
	}{
		{"lower minimum", Config{MinFailures: 10}, Counts{Failures: 10}, ReasonEscrowProportion},
		{"minimum off", Config{MinFailures: -1}, Counts{Failures: 1}, ReasonEscrowProportion},
		{"higher proportion", Config{ProportionPercent: 90}, Counts{Failures: 30_000, Successes: 5_000}, ""},
		{"proportion off", Config{ProportionPercent: -1}, Counts{Failures: 30_000}, ""},
		{"lower base", Config{BaseFailures: 10_000}, Counts{Failures: 10_001, Successes: 1_000_000}, ReasonBaseEscrow},
		{"base off falls through to proportion", Config{BaseFailures: -1}, Counts{Failures: 45_000}, ReasonEscrowProportion},
		{"total off falls through to proportion", Config{TotalFailures: -1}, Counts{Failures: 40_000, ReferenceFailures: 21_000}, ReasonEscrowProportion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.Evaluate(tt.counts).Reason; got != tt.want {
				t.Fatalf("reason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConfig_QUAR04_RetryOffsets(t *testing.T) {
	h := time.Hour
	want := []time.Duration{6 * h, 12 * h, 24 * h, 48 * h, 72 * h, 96 * h}
	for n, w := range want {
		if got := (Config{}).RetryOffset(int64(n)); got != w {
			t.Errorf("RetryOffset(%d) = %v, want %v", n, got, w)
		}
	}
	if got := (Config{}).RetryOffset(28); got != 27*24*h {
		t.Errorf("RetryOffset(28) = %v, want 27 days", got)
	}
	if got := (Config{}).RetryOffset(29); got != 28*24*h {
		t.Errorf("RetryOffset(29) = %v, want 28 days", got)
	}
	for _, n := range []int64{30, 1000, 1 << 62} {
		if got := (Config{}).RetryOffset(n); got != DefaultMaxDuration {
			t.Errorf("RetryOffset(%d) = %v, want the 28-day cap", n, got)
		}
	}
	custom := Config{RetryOffsets: []time.Duration{time.Hour}, RetryEvery: 2 * time.Hour, MaxDuration: 5 * time.Hour}
	var got []time.Duration
	for n := range int64(5) {
		got = append(got, custom.RetryOffset(n))
	}
	wantCustom := []time.Duration{h, 3 * h, 5 * h, 5 * h, 5 * h}
	for i := range got {
		if got[i] != wantCustom[i] {
			t.Fatalf("custom offsets = %v, want %v", got, wantCustom)
		}
	}
}

func TestDeletionsExceeded_DEL01(t *testing.T) {
	tests := []struct {
		cfg  Config
		n    int64
		want bool
	}{
		{Config{}, 10_000, false}, // prevention is off unless enabled
		{Config{DeletePrevention: true}, 500, false},
		{Config{DeletePrevention: true}, 501, true},
		{Config{DeletePrevention: true, DeleteThreshold: 10}, 11, true},
		{Config{DeletePrevention: true, DeleteThreshold: 10}, 10, false},
	}
	for _, tt := range tests {
		if got := tt.cfg.DeletionsExceeded(tt.n); got != tt.want {
			t.Errorf("%+v.DeletionsExceeded(%d) = %v, want %v", tt.cfg, tt.n, got, tt.want)
		}
	}
}

func TestReasons_QUAR02_GraphNames(t *testing.T) {
	want := []string{"EncounteredBaseEscrowThreshold", "EncounteredTotalEscrowThreshold",
		"EncounteredEscrowProportionThreshold", "EncounteredQuarantineException", "Unknown",
		"QuarantinedOnDemand", "TooManyDeletes", "IngestionInterrupted"}
	if len(Reasons) != len(want) {
		t.Fatalf("Reasons = %v", Reasons)
	}
	for i, w := range want {
		if string(Reasons[i]) != w {
			t.Errorf("Reasons[%d] = %q, want %q", i, Reasons[i], w)
		}
		if r, err := ParseReason(w); err != nil || string(r) != w {
			t.Errorf("ParseReason(%q) = %q, %v", w, r, err)
		}
	}
	if _, err := ParseReason("QuarantineOnDemand"); err == nil {
		t.Error("the article's spelling QuarantineOnDemand must be rejected: Graph spells it QuarantinedOnDemand")
	}
	// client/outcome names the reason a single answer points to; both
	// packages must agree on the string.
	if string(ReasonQuarantineException) != outcome.QuarantineException {
		t.Errorf("outcome.QuarantineException = %q, quarantine says %q", outcome.QuarantineException, ReasonQuarantineException)
	}
}
