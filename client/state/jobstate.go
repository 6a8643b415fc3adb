package state

import (
	"context"
	"fmt"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// Meta keys of the job-level failure state (issue 6): the quarantine state
// machine (the job's status: code, quarantine, allow-deletes) and the escrow
// ledger, both as JSON. They replace the escrows table, which keyed entries
// by object only and so could not keep a user's own failure apart from its
// manager-update failure (QUAR-03).
const (
	metaJob        = "job"
	metaQuarantine = "quarantine"
	metaEscrow     = "escrow"
)

// Code returns the job's status code: Disabled for a job turned off by the
// admin (ENTRA-CYCLE-04), otherwise the quarantine state machine's code.
func (j Job) Code() string {
	if j.Stopped {
		return CodeDisabled
	}
	if j.Status == nil {
		return CodeNotRun
	}
	return string(j.Status.Code())
}

// Quarantine returns the job's quarantine (ENTRA-QUAR-06): set while it is
// quarantined, and kept on a job disabled by quarantine; nil otherwise.
func (j Job) Quarantine() *quarantine.Quarantine {
	if j.Status == nil {
		return nil
	}
	return j.Status.Status.Quarantine
}

// jobRecord is the job as stored under metaJob. Code and Quarantine are
// read from files written before the status lived only in the quarantine
// record (they mirrored it); they are never written.
type jobRecord struct {
	Job
	Code       string            `json:"code,omitempty"`
	Quarantine *legacyQuarantine `json:"quarantine,omitempty"`
}

type legacyQuarantine struct {
	Reason       string    `json:"reason"`
	CurrentBegan time.Time `json:"currentBegan"`
	SeriesBegan  time.Time `json:"seriesBegan"`
	NextAttempt  time.Time `json:"nextAttempt,omitzero"`
	SeriesCount  int64     `json:"seriesCount"`
}

// legacyStatus is the status of a file without a quarantine record: its
// code follows the stored job (NotRun, Active once cycles ran, or the
// quarantine it recorded).
func legacyStatus(r jobRecord) *quarantine.Machine {
	q := &quarantine.Machine{Status: quarantine.Status{Code: quarantine.CodeNotRun}}
	switch {
	case r.Code == string(quarantine.CodeQuarantine) && r.Quarantine != nil:
		l := r.Quarantine
		q.Status.Code = quarantine.CodeQuarantine
		q.Status.Quarantine = &quarantine.Quarantine{Reason: quarantine.Reason(l.Reason),
			CurrentBegan: l.CurrentBegan, SeriesBegan: l.SeriesBegan, NextAttempt: l.NextAttempt,
			SeriesCount: l.SeriesCount}
	case r.Cycles > 0 || (r.Code != "" && r.Code != CodeNotRun && !r.Stopped):
		q.Status.Code = quarantine.CodeActive
	}
	return q
}

// readJob reads the job and its status; ok is false for a file without a
// job record.
func (s *Store) readJob(ctx context.Context, q querier) (Job, bool, error) {
	var r jobRecord
	ok, err := s.getMeta(ctx, q, metaJob, &r)
	if err != nil || !ok {
		return r.Job, ok, err
	}
	st := &quarantine.Machine{}
	has, err := s.getMeta(ctx, q, metaQuarantine, st)
	if err != nil {
		return r.Job, ok, fmt.Errorf("state: %w", err)
	}
	if !has {
		st = legacyStatus(r)
	}
	r.Job.Status = st
	return r.Job, true, nil
}

// putJob writes the job record and, when set, its status.
func putJob(ctx context.Context, q querier, j Job) error {
	if j.Status != nil {
		if err := putMeta(ctx, q, metaQuarantine, j.Status); err != nil {
			return err
		}
	}
	return putMeta(ctx, q, metaJob, j)
}

// Escrow reads the escrow ledger of failed objects (ENTRA-RESP-23); a file
// without one gives an empty ledger. Its Policy is left zero: callers set
// it.
func (s *Store) Escrow(ctx context.Context) (*escrow.Ledger, error) {
	l := &escrow.Ledger{}
	if _, err := s.getMeta(ctx, s.db, metaEscrow, l); err != nil {
		return l, fmt.Errorf("state: %w", err)
	}
	return l, nil
}
