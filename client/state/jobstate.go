package state

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// CodePaused is the status of a job whose initial cycle reached the failure
// thresholds: escrows pruned, job paused (ENTRA-QUAR-07 escrowsPruned).
const CodePaused = "Paused"

// Meta keys of the job-level failure state (issue 6): the quarantine state
// machine and the escrow ledger, both as JSON. They replace the escrows
// table, which keyed entries by object only and so could not keep a user's
// own failure apart from its manager-update failure (QUAR-03).
const (
	metaQuarantine = "quarantine"
	metaEscrow     = "escrow"
)

// JobState is the job-level failure state kept with the job: Graph's
// synchronizationStatus with its quarantine (ENTRA-QUAR-06/07) and the
// escrow ledger of failed objects (ENTRA-RESP-23).
type JobState struct {
	Status *quarantine.Job
	Escrow *escrow.Ledger
}

// JobState reads the failure state. A file without one gives a job whose
// code follows the stored job (NotRun, or Active once cycles ran) and an
// empty ledger. Config and Policy are left zero: callers set them.
func (s *Store) JobState(ctx context.Context) (JobState, error) {
	js := JobState{Status: &quarantine.Job{}, Escrow: &escrow.Ledger{}}
	ok, err := s.getMeta(ctx, s.db, metaQuarantine, js.Status)
	if err != nil {
		return js, fmt.Errorf("state: %w", err)
	}
	if !ok {
		j, err := s.Job(ctx)
		if err != nil {
			return js, err
		}
		js.Status.Status.Code = quarantine.CodeNotRun
		switch {
		case j.Code == CodeQuarantine && j.Quarantine != nil:
			q := j.Quarantine
			js.Status.Status.Code = quarantine.CodeQuarantine
			js.Status.Status.Quarantine = &quarantine.Quarantine{Reason: quarantine.Reason(q.Reason),
				CurrentBegan: q.CurrentBegan, SeriesBegan: q.SeriesBegan, NextAttempt: q.NextAttempt,
				SeriesCount: int64(q.SeriesCount)}
		case j.Cycles > 0 || (j.Code != "" && j.Code != CodeNotRun && !j.Stopped):
			js.Status.Status.Code = quarantine.CodeActive
		}
	}
	if _, err := s.getMeta(ctx, s.db, metaEscrow, js.Escrow); err != nil {
		return js, fmt.Errorf("state: %w", err)
	}
	return js, nil
}

// SaveJobState writes the failure state and mirrors its code and
// quarantine into j, which it writes too, in one transaction.
func (s *Store) SaveJobState(ctx context.Context, j Job, js JobState) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save job state: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after a commit, a no-op
	if err := putJobState(ctx, tx, js); err != nil {
		return err
	}
	if err := putMeta(ctx, tx, "job", Mirror(j, js.Status)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save job state: %w", err)
	}
	return nil
}

func putJobState(ctx context.Context, q querier, js JobState) error {
	if js.Status != nil {
		if err := putMeta(ctx, q, metaQuarantine, js.Status); err != nil {
			return err
		}
	}
	if js.Escrow != nil {
		if err := putMeta(ctx, q, metaEscrow, js.Escrow); err != nil {
			return err
		}
	}
	return nil
}

// Mirror copies the quarantine job's status code and quarantine into the
// job record that `entrasim status` and older callers read. A job stopped
// by the admin (Disabled without quarantine) stays stopped.
func Mirror(j Job, q *quarantine.Job) Job {
	if q == nil {
		return j
	}
	j.Code = string(q.Code())
	if j.Stopped {
		j.Code = CodeDisabled // turned off by the admin (ENTRA-CYCLE-04)
	}
	j.AllowDeletes = q.AllowDeletesOnce
	j.Quarantine = nil
	if qq := q.Status.Quarantine; qq != nil {
		j.Quarantine = &Quarantine{Reason: string(qq.Reason), CurrentBegan: qq.CurrentBegan, SeriesBegan: qq.SeriesBegan,
			NextAttempt: qq.NextAttempt, SeriesCount: int(qq.SeriesCount)}
		if qq.Error != nil {
			j.Quarantine.Error = qq.Error.Message
		}
	}
	return j
}
