package engine

import (
	"context"
	"time"

	"github.com/quantive/entra-scim-harness/client/state"
)

// This file ends a cycle early on Options.Interrupt (SIGINT or SIGTERM in
// entrasim). The cycle stops starting objects; the objects in flight finish
// their phase; finish then commits, for each object, what its finished
// phases did:
//
//   - done: every phase with work for it ran. It is committed as in a
//     complete cycle (watermark, record, escrow).
//   - partial: its action ran (create, update…) but a later phase with
//     work for it (its manager, its members) did not. Its record and link
//     are committed, its watermark is not, so the next cycle does the rest.
//   - not done: its action did not run, or its requests were aborted. Nothing
//     of it is committed; the next cycle does it. A write aborted after it
//     reached the target is matched by the next cycle, not sent again.
//
// The job's clock, cycle count and quarantine state do not move; an
// interrupted initial cycle leaves Job.Resume set, so that the next
// (initial) cycle leaves out the objects done.

// The phases of a cycle, in order (execute); item.phases has bit p set
// once phase p ran for the item.
const (
	phaseUserExport = iota
	phaseGroupExport
	phaseManager
	phaseMembers
	phaseUserDeprov
	phaseGroupDeprov
)

var (
	userPhases  = []int{phaseUserExport, phaseManager, phaseUserDeprov}
	groupPhases = []int{phaseGroupExport, phaseMembers, phaseGroupDeprov}
)

// itemProgress is how far an interrupted cycle got with an item.
type itemProgress int

const (
	itemDone itemProgress = iota
	itemPartial
	itemNotDone
)

// stopNow reports whether the cycle must stop starting objects, noting the
// interruption.
func (r *run) stopNow() bool {
	if r.onDemand || r.e.opt.Interrupt == nil {
		return false
	}
	select {
	case <-r.e.opt.Interrupt:
		r.interrupted.Store(true)
		return true
	default:
		return false
	}
}

// abortedBy reports whether an item's error comes from ctx being cancelled
// in an interruptible cycle: the item is then not done, and the cycle is
// interrupted rather than failed.
func (r *run) abortedBy(ctx context.Context) bool {
	if r.onDemand || r.e.opt.Interrupt == nil || ctx.Err() == nil {
		return false
	}
	r.interrupted.Store(true)
	return true
}

// progressOf classifies an item at the end of a cycle; every item is done
// in a cycle that was not interrupted.
func (r *run) progressOf(it *item) itemProgress {
	if !r.interrupted.Load() {
		return itemDone
	}
	phases := userPhases
	if it.key().Kind == state.KindGroup {
		phases = groupPhases
	}
	started, complete := false, true
	for _, p := range phases {
		if it.phases&(1<<p) != 0 {
			started = true
		} else if r.pending(it, p) {
			complete = false
		}
	}
	switch {
	case complete:
		return itemDone
	case started && it.rec != nil:
		return itemPartial
	}
	return itemNotDone
}

// pending reports whether phase p, which did not run for the item, had
// work for it.
func (r *run) pending(it *item, p int) bool {
	switch p {
	case phaseUserExport, phaseGroupExport:
		return it.op == opExport
	case phaseManager:
		_, ok := r.managerWork(it)
		return ok
	case phaseMembers:
		return it.exported && !it.result.failed() && it.group != nil && (len(it.group.Members) > 0 || len(it.obj.Members) > 0)
	case phaseUserDeprov, phaseGroupDeprov:
		return it.op == opDisable || it.op == opDelete || (it.op == opSkip && it.rec == nil)
	}
	return false
}

// doneCount is how many of the objects with work (progressTotal's count)
// had their action carried out.
func doneCount(items []*item) int {
	n := 0
	for _, it := range items {
		if it.op == opNone {
			continue
		}
		main := phaseUserDeprov
		switch {
		case it.key().Kind == state.KindGroup && it.op == opExport:
			main = phaseGroupExport
		case it.key().Kind == state.KindGroup:
			main = phaseGroupDeprov
		case it.op == opExport:
			main = phaseUserExport
		}
		if it.phases&(1<<main) != 0 {
			n++
		}
	}
	return n
}

// finishInterrupted commits what an interrupted cycle did (commit holds the
// objects and records of the items done or partial) and completes the
// summary. The commit is not cancelled with ctx: what was done is saved
// even when the requests in flight were aborted. Nothing is written when
// nothing was done.
func (r *run) finishInterrupted(ctx context.Context, s *Summary, commit state.Commit, all []*item) (*Summary, error) {
	e := r.e
	ctx = context.WithoutCancel(ctx)
	s.Interrupted, s.Done, s.Total = true, doneCount(all), r.total
	job := r.job
	job.Status.CycleBegan = time.Time{} // the cycle did not finish: no CycleFinished
	if len(commit.Upsert) == 0 && len(commit.Forget) == 0 && s.Logged == 0 {
		s.Job = job
		e.describe(s, r.ledger)
		return s, nil
	}
	if job.NeedsInitial {
		job.Resume = true
	}
	cyc := &state.Cycle{ID: r.cycleID, Kind: r.kind, Started: r.now, Finished: r.now, Counts: s.Counts,
		Objects: s.Objects, Interrupted: true}
	job.LastCycle = cyc
	s.Job = job
	e.describe(s, r.ledger)
	if e.opt.Observer != nil {
		e.opt.Observer.CycleDone(ctx, s)
	}
	cyc.Counts = s.Counts
	commit.Cycle, commit.Job, commit.Escrow = cyc, s.Job, r.ledger
	r.commitRecords(s, &commit, all)
	r.releaseObjects(all)
	if err := e.opt.Store.Commit(ctx, commit); err != nil {
		return nil, err
	}
	return s, nil
}
