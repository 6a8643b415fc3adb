package quarantine

import "time"

// Documented defaults (QUAR-03, QUAR-04, DEL-01).
const (
	// DefaultMinFailures: failure-based evaluation starts at 5,000 failures;
	// 4,000 do not trigger it.
	DefaultMinFailures = 5_000
	// DefaultProportionPercent: quarantine when more than 40 % of
	// provisioning events fail.
	DefaultProportionPercent = 40
	// DefaultBaseFailures: quarantine at more than 40,000 non-reference
	// failures.
	DefaultBaseFailures = 40_000
	// DefaultTotalFailures: quarantine at more than 60,000 failures,
	// reference failures included.
	DefaultTotalFailures = 60_000
	// DefaultRetryEvery is the spacing after the listed retries: daily.
	DefaultRetryEvery = 24 * time.Hour
	// DefaultMaxDuration: after 28 days the escrows are dropped and the job
	// is disabled.
	DefaultMaxDuration = 28 * 24 * time.Hour
	// DefaultDeleteThreshold is the emulator's accidental-deletion threshold
	// (UNC-09: Microsoft states no default).
	DefaultDeleteThreshold = 500
)

// DefaultRetryOffsets are the first retries, counted from the first failure:
// +6 h, +12 h, +24 h (QUAR-04).
var DefaultRetryOffsets = []time.Duration{6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// Config holds every number of the quarantine rules. A zero field means its
// documented default; a negative count switches that rule off.
type Config struct {
	// MinFailures is the failure count (reference failures included) from
	// which the thresholds are evaluated at all.
	MinFailures int64
	// ProportionPercent: quarantine when more than this percentage of
	// provisioning events failed, reference failures excluded.
	ProportionPercent int64
	// BaseFailures: quarantine above this many non-reference failures.
	BaseFailures int64
	// TotalFailures: quarantine above this many failures in total.
	TotalFailures int64

	// RetryOffsets are the first retry times while quarantined, counted
	// from the first failure (seriesBegan).
	RetryOffsets []time.Duration
	// RetryEvery spaces the retries after the last offset.
	RetryEvery time.Duration
	// MaxDuration: a retry that fails this long after the first failure
	// disables the job and drops its escrows.
	MaxDuration time.Duration

	// DeletePrevention enables accidental-deletion prevention (DEL-01),
	// which is off unless the admin turns it on.
	DeletePrevention bool
	// DeleteThreshold: with DeletePrevention, a cycle with more pending
	// deletes and disables than this quarantines the job (TooManyDeletes).
	DeleteThreshold int64
}

// DefaultConfig returns the documented defaults, spelled out.
func DefaultConfig() Config { return Config{}.withDefaults() }

// withDefaults fills zero fields with the documented defaults.
func (c Config) withDefaults() Config {
	def := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MinFailures, DefaultMinFailures)
	def(&c.ProportionPercent, DefaultProportionPercent)
	def(&c.BaseFailures, DefaultBaseFailures)
	def(&c.TotalFailures, DefaultTotalFailures)
	def(&c.DeleteThreshold, DefaultDeleteThreshold)
	if len(c.RetryOffsets) == 0 {
		c.RetryOffsets = append([]time.Duration(nil), DefaultRetryOffsets...)
	}
	if c.RetryEvery <= 0 {
		c.RetryEvery = DefaultRetryEvery
	}
	if c.MaxDuration <= 0 {
		c.MaxDuration = DefaultMaxDuration
	}
	return c
}

// DeletionsExceeded reports whether n pending deletes and disables in one
// cycle exceed the accidental-deletion threshold (DEL-01). The engine asks
// before applying deletes, so that it can stage them instead.
func (c Config) DeletionsExceeded(n int64) bool {
	c = c.withDefaults()
	return c.DeletePrevention && c.DeleteThreshold >= 0 && n > c.DeleteThreshold
}

// RetryOffset is the time of the retry that follows n failed evaluations
// in a series (n = seriesCount), counted from seriesBegan: with the defaults
// 6 h, 12 h, 24 h, then 48 h, 72 h, … (QUAR-04), never beyond MaxDuration.
func (c Config) RetryOffset(n int64) time.Duration {
	c = c.withDefaults()
	var off time.Duration
	if n < int64(len(c.RetryOffsets)) {
		off = c.RetryOffsets[max(n, 0)]
	} else {
		extra := n - int64(len(c.RetryOffsets)) + 1
		last := c.RetryOffsets[len(c.RetryOffsets)-1]
		// Cap before multiplying so huge series counts cannot overflow.
		if extra > int64(c.MaxDuration/c.RetryEvery)+1 {
			return c.MaxDuration
		}
		off = last + time.Duration(extra)*c.RetryEvery
	}
	return min(off, c.MaxDuration)
}

// WithDefaults returns c with every unset field at its documented default,
// for callers that show the numbers in force (status output, emails).
func (c Config) WithDefaults() Config { return c.withDefaults() }
