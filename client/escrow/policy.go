package escrow

import "time"

// Default retry spacing. Microsoft documents only that retries are "spaced
// further apart over time" (ENTRA-RESP-23, DOC S3), so these are emulator
// choices [DESIGN]: the first attempts come back every cycle, so a transient
// fault costs one 40-minute interval, and persistent failures back off to
// once a day, the same floor quarantine uses (QUAR-04).
const (
	// DefaultEveryCycleAttempts failures are retried in the very next cycle.
	DefaultEveryCycleAttempts = 3
	// DefaultBaseDelay is the delay after the first failure beyond
	// DefaultEveryCycleAttempts; each further failure doubles it.
	DefaultBaseDelay = time.Hour
	// DefaultMaxDelay caps the doubling.
	DefaultMaxDelay = 24 * time.Hour
)

// Policy is the per-object retry spacing. Its zero value means the documented
// defaults; a field set to a positive value overrides one default.
type Policy struct {
	// EveryCycleAttempts is how many failures are retried in the next cycle
	// (NextAttempt equals the failure time). A negative value means none.
	EveryCycleAttempts int
	// BaseDelay is the spacing after failure EveryCycleAttempts+1.
	BaseDelay time.Duration
	// MaxDelay caps the spacing.
	MaxDelay time.Duration
}

// withDefaults fills unset fields with the documented defaults.
func (p Policy) withDefaults() Policy {
	if p.EveryCycleAttempts == 0 {
		p.EveryCycleAttempts = DefaultEveryCycleAttempts
	}
	if p.EveryCycleAttempts < 0 {
		p.EveryCycleAttempts = 0
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// Delay returns how long to wait after the attempts-th consecutive failure of
// an object before trying it again: 0 (next cycle) for the first
// EveryCycleAttempts failures, then BaseDelay doubling up to MaxDelay.
// With the defaults: 0, 0, 0, 1h, 2h, 4h, 8h, 16h, 24h, 24h, …
func (p Policy) Delay(attempts int) time.Duration {
	p = p.withDefaults()
	if attempts <= p.EveryCycleAttempts {
		return 0
	}
	d := p.BaseDelay
	for i := p.EveryCycleAttempts + 1; i < attempts; i++ {
		d *= 2
		if d >= p.MaxDelay {
			return p.MaxDelay
		}
	}
	return min(d, p.MaxDelay)
}
