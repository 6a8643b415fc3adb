package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"runtime/debug"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/state"
)

// This file is the harness's shortcut for an unchanged source (issue 16).
// An incremental cycle over a source that has not changed since a cycle
// that left nothing pending plans nothing: every watermark is current, no
// escrow entry waits, no delete is staged. Reading the directory and every
// object of the state only to find that out costs seconds per 100k users,
// so such a cycle is run with an empty plan instead: the same code path
// (quarantine state machine, clock, cycle history, observer, commit), with
// no objects read and Objects taken from the mark. Entra has no such
// shortcut; its delta query makes the same cycle cheap.
//
// The mark (state.SourceMark) is written with the commit of a complete
// cycle that left nothing pending and is cleared by every other commit and
// by restart. Any doubt means a full cycle.

// Source is a cycle's source directory, read only when the cycle needs it.
type Source interface {
	// Digest is a hex SHA-256 of the directory's bytes and of everything
	// outside the engine's Options that decides what a cycle plans or
	// sends (mapping file, tenant URL, dialect…); "" means unknown: the
	// cycle reads the directory and leaves no mark. It is asked again after
	// Directory, which may turn it to "" (the file changed while read).
	Digest() string
	// Directory loads the directory (once; later calls return the same).
	Directory() (*directory.Directory, error)
}

// SourceError is a Source that could not be loaded by CycleSource.
type SourceError struct{ Err error }

func (e *SourceError) Error() string { return e.Err.Error() }

// Unwrap returns the load error.
func (e *SourceError) Unwrap() error { return e.Err }

// loadedSource is a directory already loaded, without a digest.
type loadedSource struct{ dir *directory.Directory }

func (s loadedSource) Digest() string                           { return "" }
func (s loadedSource) Directory() (*directory.Directory, error) { return s.dir, nil }

// newRunFor prepares the cycle: with an empty plan when the source is
// unchanged (unchangedMark), else with the directory and the objects.
func (e *Engine) newRunFor(ctx context.Context, job state.Job, ledger *escrow.Ledger, src Source) (*run, error) {
	digest := e.planDigest(src.Digest())
	m, err := e.unchangedMark(ctx, job, ledger, digest)
	if err != nil {
		return nil, err
	}
	if m != nil {
		r := e.startRun(job, &directory.Directory{}, map[state.Key]*state.Object{})
		r.digest, r.mark = digest, m
		e.log.Debug("source unchanged: incremental cycle without reading the directory", "digest", digest, "objects", m.Objects)
		return r, nil
	}
	dir, err := src.Directory()
	if err != nil {
		return nil, &SourceError{Err: err}
	}
	// Only a source that lets go of its directory lends it to be evicted:
	// its users go before the state's objects are read, and planning
	// decodes them again in order (evict.go).
	rs, releasing := src.(ReleasingSource)
	evict := releasing && dir.EvictAllUsers()
	if evict {
		rs.Release()
	}
	r, err := e.newRun(ctx, job, dir)
	if err != nil {
		return nil, err
	}
	r.evict = evict
	r.digest = e.planDigest(src.Digest())
	return r, nil
}

// SourceUnchanged reports whether the next cycle over a source with this
// digest (Source.Digest) would skip reading it; a caller can then leave
// the directory unloaded.
func (e *Engine) SourceUnchanged(ctx context.Context, sourceDigest string) (bool, error) {
	digest := e.planDigest(sourceDigest)
	if digest == "" {
		return false, nil
	}
	job, ledger, err := e.loadJob(ctx)
	if err != nil {
		return false, err
	}
	if stoppedErr(job) != nil {
		return false, nil
	}
	m, err := e.unchangedMark(ctx, job, ledger, digest)
	return m != nil, err
}

// unchangedMark returns the state's mark when the cycle about to run may
// skip the directory: the digest is the mark's, the mark was written by
// the job's last cycle, and that cycle left nothing pending or in doubt:
// the job is Active, not stopped, not quarantined, has no one-off "allow
// deletes", needs no initial cycle and no resume, and has no escrow entry.
// Anything else (nil) runs the full cycle.
func (e *Engine) unchangedMark(ctx context.Context, job state.Job, ledger *escrow.Ledger, digest string) (*state.SourceMark, error) {
	if digest == "" {
		return nil, nil
	}
	m, err := e.opt.Store.SourceMark(ctx)
	if err != nil || m == nil || m.Digest != digest {
		return nil, err
	}
	q := job.Status
	lc := job.LastCycle
	switch {
	case job.Stopped, job.NeedsInitial, job.Resume, e.opt.AllowDeletes:
		return nil, nil
	case q == nil || q.Code() != quarantine.CodeActive || q.Quarantined() || q.AllowDeletesOnce || !q.CycleBegan.IsZero():
		return nil, nil
	case job.Quarantine() != nil:
		return nil, nil
	case ledger == nil || ledger.Len() != 0:
		return nil, nil
	case lc == nil || lc.ID != m.CycleID || lc.Interrupted || lc.Stopped != "" || job.Cycles != m.Cycles:
		return nil, nil
	case lc.Counts.Failed != 0 || lc.Counts.StagedDeletes != 0 || lc.Counts.ReferenceFailures != 0:
		return nil, nil
	}
	return m, nil
}

// objectCount is the cycle's Summary.Objects: the objects it evaluated,
// or for a cycle over an unchanged source those its mark counted.
func (r *run) objectCount() int {
	if r.mark != nil {
		return r.mark.Objects
	}
	return len(r.users) + len(r.groups) + r.unchangedObjects
}

// markSource sets the commit's source mark (state.SourceMark): kept for
// the next cycle when this complete cycle left nothing pending, cleared
// otherwise. It also flags the history entry of a cycle that skipped the
// source (state.Cycle.SourceUnchanged).
func (r *run) markSource(s *Summary, c *state.Commit, staged int) {
	c.Source = nil
	if r.mark != nil {
		s.SourceUnchanged = true
		if c.Cycle != nil {
			c.Cycle.SourceUnchanged = true
		}
	}
	j := s.Job
	q := j.Status
	switch {
	case r.digest == "", r.onDemand, c.Cycle == nil, r.interrupted.Load(), r.resume, r.retry:
		return
	case r.fatal.get() != nil, staged != 0, r.deferred != 0:
		return
	case s.Counts.Failed != 0, s.Counts.StagedDeletes != 0, s.Counts.ReferenceFailures != 0, s.ReferenceCheckFailures != 0:
		return
	case r.ledger == nil || r.ledger.Len() != 0:
		return
	case j.Stopped, j.NeedsInitial, j.Resume, j.Quarantine() != nil:
		return
	case q == nil || q.Code() != quarantine.CodeActive || q.Quarantined() || q.AllowDeletesOnce:
		return
	}
	c.Source = &state.SourceMark{Digest: r.digest, CycleID: c.Cycle.ID, Cycles: j.Cycles, Objects: r.nextObjects(c)}
}

// nextObjects is how many objects the next cycle over the same directory
// evaluates: this cycle's, less the objects it forgot that the directory
// does not hold (hard deleted in Entra ID, gone from the source).
func (r *run) nextObjects(c *state.Commit) int {
	n := r.objectCount()
	if r.mark != nil {
		return n // an empty plan forgets nothing
	}
	if len(c.Forget) == 0 {
		return n
	}
	// The directory is gone by now (releaseSource): the items know
	// whether it held their object.
	forgot := make(map[state.Key]bool, len(c.Forget))
	for _, k := range c.Forget {
		forgot[k] = true
	}
	n -= len(c.Forget)
	for _, items := range [][]*item{r.users, r.groups} {
		for _, it := range items {
			if it.inSource && forgot[it.key()] {
				n++
			}
		}
	}
	return n
}

// planDigest combines a source digest with everything of the engine that
// decides what a cycle plans or sends: the effective mapping, the options,
// the target and the build of this program (a new entrasim may plan
// differently). "" when the source digest is unknown or the options cannot
// be encoded.
func (e *Engine) planDigest(sourceDigest string) string {
	if sourceDigest == "" {
		return ""
	}
	o := e.opt
	var build string
	if bi, ok := debug.ReadBuildInfo(); ok {
		build = bi.String()
	}
	b, err := json.Marshal(struct {
		Source             string
		Mapping            any
		Concurrency        int
		AllowDeletes       bool
		RetryNow           bool
		SkipReferenceCheck bool
		ServicePrincipal   any
		Quarantine         any
		Escrow             any
		Outbox             string
		NotificationEmail  string
		Dialect            string
		BaseURL            string
		Build              string
	}{sourceDigest, e.cfg, o.Concurrency, o.AllowDeletes, o.RetryNow, o.SkipReferenceCheck, o.ServicePrincipal,
		e.quarantineConfig(), o.Escrow, o.Outbox, o.NotificationEmail, string(o.Client.Dialect()), o.Client.BaseURL(), build})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(append([]byte("entrasim plan digest v1\n"), b...))
	return hex.EncodeToString(sum[:])
}

// ReleasingSource is a Source that can let go of the directory it loaded.
// A cycle releases it once planning is done and drops each user as its
// export ends, so that at a million users the source's attributes are
// freed while the cycle goes on rather than held to its commit (issue
// 16). A later Directory call loads the directory again.
type ReleasingSource interface {
	Source
	Release()
}

// releaseSource lets go of the directory after planning: no later step
// reads it, only the items' own users and groups, or the users planning
// evicted, which the directory's reloader loads again (evict.go). An
// evicting cycle released its source before planning (newRunFor).
func (r *run) releaseSource(src Source) {
	if r.evict {
		r.reload = r.dir.Reloader()
	} else if rs, ok := src.(ReleasingSource); ok {
		rs.Release()
	}
	r.dir = nil
}
