package state

import (
	"context"
	"fmt"
)

// metaSourceMark is the meta key of the SourceMark.
const metaSourceMark = "sourceMark"

// SourceMark is what the state remembers of the last cycle when it left
// nothing pending (issue 16): the digest of the source directory and of
// everything else that decides what a cycle plans, so that the next
// incremental cycle over the same source can skip reading the directory
// and the objects (engine.Engine.CycleSource). It is a harness shortcut,
// not Entra behaviour: a cycle that takes it is observably the cycle it
// replaces (ENTRA-CYCLE-02 with nothing changed).
//
// Every Commit writes it or clears it (Commit.Source), and Restart clears
// it, so a mark never outlives the cycle that wrote it.
type SourceMark struct {
	// Digest is the engine's plan digest (hex SHA-256).
	Digest string `json:"digest"`
	// CycleID and Cycles are the cycle that wrote the mark and the job's
	// cycle count after it: a mark is only good while the job's last
	// cycle is that one.
	CycleID string `json:"cycleId"`
	Cycles  int    `json:"cycles"`
	// Objects is the number of source objects the next cycle over the same
	// source evaluates (Cycle.Objects).
	Objects int `json:"objects"`
}

// SourceMark returns the stored mark, nil if none.
func (s *Store) SourceMark(ctx context.Context) (*SourceMark, error) {
	m := &SourceMark{}
	ok, err := s.getMeta(ctx, s.db, metaSourceMark, m)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if !ok || m.Digest == "" {
		return nil, nil
	}
	return m, nil
}

// putSourceMark writes m, or clears the mark when m is nil.
func putSourceMark(ctx context.Context, q querier, m *SourceMark) error {
	if m != nil {
		return putMeta(ctx, q, metaSourceMark, m)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM meta WHERE key=?`, metaSourceMark); err != nil {
		return fmt.Errorf("clear %s: %w", metaSourceMark, err)
	}
	return nil
}
