package quarantine

import (
	"errors"
	"fmt"
	"time"
)

// Errors from CycleStarted and the admin actions.
var (
	ErrDisabled      = errors.New("job is disabled")
	ErrPaused        = errors.New("job is paused")
	ErrNotConfigured = errors.New("job is not configured")
	ErrCycleRunning  = errors.New("a cycle is already running")
	ErrNoCycle       = errors.New("no cycle is running")
	ErrClockBackward = errors.New("time went backwards")
	ErrNotQuarantine = errors.New("job is not quarantined for too many deletes")
)

// Machine is one provisioning job's status on the simulated clock. The zero
// value is a job that has not run yet (NotRun). Config is configuration and
// is not serialised; set it after loading a Machine from JSON.
type Machine struct {
	// Config holds the thresholds and schedule; zero means defaults.
	Config Config `json:"-"`
	// Status is Graph's synchronizationStatus.
	Status Status `json:"status"`
	// CycleBegan is set between CycleStarted and CycleFinished.
	CycleBegan time.Time `json:"cycleBegan,omitzero"`
	// AllowDeletes is set by AllowDeletes and consumed by the next cycle,
	// which may then exceed the deletion threshold (DEL-01).
	AllowDeletesOnce bool `json:"allowDeletes,omitempty"`
}

// New returns the Machine of a job that has not run yet, with the given
// configuration.
func New(cfg Config) *Machine {
	return &Machine{Config: cfg, Status: Status{Code: CodeNotRun}}
}

// Code is the job's status code (NotRun for a zero Machine).
func (j *Machine) Code() Code {
	if j.Status.Code == "" {
		return CodeNotRun
	}
	return j.Status.Code
}

// Quarantined reports whether the job is in quarantine.
func (j *Machine) Quarantined() bool { return j.Code() == CodeQuarantine }

// DeletesAllowed reports whether the next cycle may send deletes above the
// threshold because the admin chose "Allow deletes" (DEL-01).
func (j *Machine) DeletesAllowed() bool { return j.AllowDeletesOnce }

// NextRun returns when the next cycle may start, given the time now and the
// normal interval (PT40M, CYCLE-03): at once for a job that never ran, one
// interval after the last cycle began, or the quarantine's next attempt
// (QUAR-04); never before now. It returns false when the job does not run
// by itself (Paused, Disabled, NotConfigured).
func (j *Machine) NextRun(now time.Time, interval time.Duration) (time.Time, bool) {
	switch j.Code() {
	case CodePaused, CodeDisabled, CodeNotConfigured:
		return time.Time{}, false
	case CodeQuarantine:
		return latest(now, j.Status.Quarantine.NextAttempt), true
	}
	if j.Status.LastExecution == nil {
		return now, true
	}
	return latest(now, j.Status.LastExecution.TimeBegan.Add(interval)), true
}

// CycleStarted marks the start of a cycle at now. A quarantined job may be
// run before its next attempt (the engine decides); that run counts as the
// retry.
func (j *Machine) CycleStarted(now time.Time) error {
	switch {
	case j.Code() == CodeDisabled:
		return fmt.Errorf("start cycle: %w", ErrDisabled)
	case j.Code() == CodePaused:
		return fmt.Errorf("start cycle: %w", ErrPaused)
	case j.Code() == CodeNotConfigured:
		return fmt.Errorf("start cycle: %w", ErrNotConfigured)
	case !j.CycleBegan.IsZero():
		return fmt.Errorf("start cycle at %s: %w (began %s)", now.UTC().Format(time.RFC3339),
			ErrCycleRunning, j.CycleBegan.UTC().Format(time.RFC3339))
	}
	if last := j.Status.LastExecution; last != nil && now.Before(last.TimeEnded) {
		return fmt.Errorf("start cycle at %s: %w (last cycle ended %s)", now.UTC().Format(time.RFC3339),
			ErrClockBackward, last.TimeEnded.UTC().Format(time.RFC3339))
	}
	j.CycleBegan = now
	return nil
}

// CycleFinished closes the cycle started by CycleStarted at time now and
// applies the rules, in this order:
//
//  1. s.Fatal: quarantine with its reason, whatever the counts (QUAR-01).
//  2. s.PendingDeletes above the deletion threshold with prevention on:
//     quarantine with TooManyDeletes (DEL-01).
//  3. The failure thresholds (QUAR-03, Config.Evaluate); in an initial cycle
//     that is not already quarantined they prune the escrows and pause the
//     job instead (escrowsPruned, QUAR-07).
//
// A quarantined job whose cycle triggers none of them is lifted (QUAR-04
// "if any of the retries … gets a successful response"); one that triggers
// one stays quarantined with the next attempt on the QUAR-04 schedule, or is
// disabled when the failed retry comes MaxDuration (28 days) after the first
// failure.
func (j *Machine) CycleFinished(now time.Time, s Summary) (Transition, error) {
	if j.CycleBegan.IsZero() {
		return Transition{}, fmt.Errorf("finish cycle: %w", ErrNoCycle)
	}
	if now.Before(j.CycleBegan) {
		return Transition{}, fmt.Errorf("finish cycle at %s: %w (began %s)", now.UTC().Format(time.RFC3339),
			ErrClockBackward, j.CycleBegan.UTC().Format(time.RFC3339))
	}
	if err := s.validate(); err != nil {
		return Transition{}, fmt.Errorf("finish cycle: %w", err)
	}
	cfg := j.Config.withDefaults()
	began := j.CycleBegan
	j.CycleBegan = time.Time{}
	allowDeletes := j.AllowDeletesOnce
	j.AllowDeletesOnce = false

	reason, qerr, detail := j.decide(cfg, s, allowDeletes)
	exec := &Execution{
		ActivityIdentifier: s.ActivityID,
		CountEscrowed:      s.Escrowed,
		CountEscrowedRaw:   s.Escrowed + s.EscrowedReference,
		CountExported:      s.Exported,
		CountExports:       s.Exports,
		State:              s.state(),
		TimeBegan:          began,
		TimeEnded:          now,
	}
	if s.Fatal != nil {
		exec.Error = qerr
	}
	j.recordExecution(exec)

	from := j.Code()
	tr := Transition{At: now, From: from, Detail: detail}
	switch {
	case reason == "" && from == CodeQuarantine:
		tr.Event, tr.Reason = EventLifted, j.Status.Quarantine.Reason
		j.Status.Quarantine = nil
		j.Status.Code = CodeActive
	case reason == "":
		tr.Event = EventRan
		j.Status.Code = CodeActive
	case reason.Threshold() && s.Initial && from != CodeQuarantine:
		tr.Event, tr.Reason, tr.DropEscrows = EventEscrowsPruned, reason, true
		j.Status.EscrowsPruned = true
		j.Status.Code = CodePaused
	case from == CodeQuarantine:
		j.retryFailed(cfg, now, reason, qerr, &tr)
	default:
		j.Status.Quarantine = &Quarantine{
			CurrentBegan: now,
			SeriesBegan:  now,
			NextAttempt:  now.Add(cfg.RetryOffset(0)),
			Reason:       reason,
			Error:        qerr,
		}
		j.Status.Code = CodeQuarantine
		tr.Event, tr.Reason, tr.NextAttempt = EventEntered, reason, j.Status.Quarantine.NextAttempt
	}
	tr.To = j.Code()
	return tr, nil
}

// decide returns the quarantine reason the cycle calls for, if any.
func (j *Machine) decide(cfg Config, s Summary, allowDeletes bool) (Reason, *Error, string) {
	if f := s.Fatal; f != nil {
		r := f.Reason
		if r == "" {
			r = ReasonUnknown
		}
		code := f.Code
		if code == "" {
			code = string(r)
		}
		return r, &Error{Code: code, Message: f.Message, TenantActionable: true}, "job-level failure: " + f.Message
	}
	if !allowDeletes && cfg.DeletionsExceeded(s.PendingDeletes) {
		msg := fmt.Sprintf("%d deletes and disables in one cycle exceed the accidental-deletion threshold of %d",
			s.PendingDeletes, cfg.DeleteThreshold)
		return ReasonTooManyDeletes, &Error{Code: string(ReasonTooManyDeletes), Message: msg, TenantActionable: true}, msg
	}
	v := cfg.Evaluate(s.Counts())
	if v.Reason == "" {
		return "", nil, v.Detail
	}
	return v.Reason, &Error{Code: string(v.Reason), Message: v.Detail, TenantActionable: true}, v.Detail
}

// retryFailed keeps a quarantined job in quarantine after a failed retry,
// or disables it once MaxDuration has passed since the first failure.
func (j *Machine) retryFailed(cfg Config, now time.Time, reason Reason, qerr *Error, tr *Transition) {
	q := j.Status.Quarantine
	tr.Reason = reason
	if now.Sub(q.SeriesBegan) >= cfg.MaxDuration {
		q.Reason, q.Error, q.CurrentBegan, q.NextAttempt = reason, qerr, now, time.Time{}
		j.Status.Code = CodeDisabled
		tr.Event, tr.DropEscrows = EventDisabled, true
		return
	}
	tr.Event = EventRetryFailed
	if reason != q.Reason {
		tr.Event, tr.PreviousReason = EventReasonChanged, q.Reason
	}
	q.SeriesCount++
	q.CurrentBegan = now
	q.Reason = reason
	q.Error = qerr
	q.NextAttempt = latest(now, q.SeriesBegan.Add(cfg.RetryOffset(q.SeriesCount)))
	tr.NextAttempt = q.NextAttempt
}

func (j *Machine) recordExecution(e *Execution) {
	j.Status.LastExecution = e
	if e.State == StateFailed {
		j.Status.CountSuccessiveCompleteFailures++
	} else {
		j.Status.CountSuccessiveCompleteFailures = 0
	}
	if e.State == StateSucceeded {
		j.Status.LastSuccessfulExecution = e
	}
	if e.State != StateFailed && e.CountExported > 0 {
		j.Status.LastSuccessfulExecutionWithExports = e
	}
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
