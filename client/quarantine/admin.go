package quarantine

import (
	"fmt"
	"time"
)

// Restart is "Restart provisioning" (ENTRA-CYCLE-05, QUAR-05): the next
// cycle is an initial one (the engine clears its watermark), the escrows
// are dropped (DropEscrows), any quarantine and escrowsPruned are cleared,
// and a disabled or paused job runs again. Links to target ids are the
// engine's to keep or break.
func (j *Machine) Restart(now time.Time) Transition {
	from := j.Code()
	tr := Transition{At: now, Event: EventRestarted, From: from, DropEscrows: true}
	if q := j.Status.Quarantine; q != nil {
		tr.Reason = q.Reason
	}
	j.Status.Quarantine = nil
	j.Status.EscrowsPruned = false
	j.Status.CountSuccessiveCompleteFailures = 0
	j.CycleBegan = time.Time{}
	j.AllowDeletesOnce = false
	if j.Status.LastExecution == nil {
		j.Status.Code = CodeNotRun
	} else {
		j.Status.Code = CodeActive
	}
	tr.To = j.Code()
	return tr
}

// Start is Graph's start action: a paused or disabled job continues where it
// stopped, and a quarantined job leaves quarantine; escrows are kept.
func (j *Machine) Start(now time.Time) Transition {
	from := j.Code()
	tr := Transition{At: now, Event: EventStarted, From: from}
	if q := j.Status.Quarantine; q != nil {
		tr.Reason = q.Reason
	}
	j.Status.Quarantine = nil
	if from != CodeNotRun {
		j.Status.Code = CodeActive
	}
	tr.To = j.Code()
	return tr
}

// AllowDeletes is the admin's "Allow deletes" on a job quarantined with
// TooManyDeletes (DEL-01): quarantine is lifted and the next cycle may send
// the staged deletes whatever their number (DeletesAllowed).
func (j *Machine) AllowDeletes(now time.Time) (Transition, error) {
	if !j.Quarantined() || j.Status.Quarantine.Reason != ReasonTooManyDeletes {
		return Transition{}, fmt.Errorf("allow deletes: %w (status %s)", ErrNotQuarantine, j.Code())
	}
	tr := Transition{At: now, Event: EventDeletesAllowed, From: CodeQuarantine, To: CodeActive, Reason: ReasonTooManyDeletes}
	j.Status.Quarantine = nil
	j.Status.Code = CodeActive
	j.AllowDeletesOnce = true
	return tr, nil
}

// Impose quarantines the job by hand with any Graph reason, e.g.
// QuarantinedOnDemand (Microsoft's manual quarantine), IngestionInterrupted
// or Unknown (QUAR-02). On a quarantined job it counts as a failed
// evaluation, like a failed retry.
func (j *Machine) Impose(now time.Time, reason Reason, message string) (Transition, error) {
	if !reason.Valid() {
		return Transition{}, fmt.Errorf("impose quarantine: unknown reason %q", reason)
	}
	if j.Code() == CodeDisabled {
		return Transition{}, fmt.Errorf("impose quarantine: %w", ErrDisabled)
	}
	cfg := j.Config.withDefaults()
	qerr := &Error{Code: string(reason), Message: message, TenantActionable: reason != ReasonQuarantinedOnDemand}
	from := j.Code()
	tr := Transition{At: now, From: from, Detail: message}
	if from == CodeQuarantine {
		j.retryFailed(cfg, now, reason, qerr, &tr)
	} else {
		j.Status.Quarantine = &Quarantine{CurrentBegan: now, SeriesBegan: now,
			NextAttempt: now.Add(cfg.RetryOffset(0)), Reason: reason, Error: qerr}
		j.Status.Code = CodeQuarantine
		tr.Event, tr.Reason, tr.NextAttempt = EventEntered, reason, j.Status.Quarantine.NextAttempt
	}
	tr.To = j.Code()
	return tr, nil
}
