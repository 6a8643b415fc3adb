package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/notify"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/state"
)

// This file is the one place where the engine applies Entra's failure
// behaviour (issue 6): the escrow of failed objects with growing retry
// spacing (ENTRA-RESP-23), the quarantine state machine on the simulated
// clock (ENTRA-QUAR-01..07, DEL-01) and the quarantine email (QUAR-06).
// The rules themselves live in client/escrow and client/quarantine.

// ErrPaused is wrapped by the ErrStopped a paused job returns: the initial
// cycle reached the failure thresholds, so the escrows were pruned and the
// job paused (escrowsPruned, ENTRA-QUAR-07).
var ErrPaused = errors.New("the job is paused after its initial cycle reached the failure thresholds (escrowsPruned)")

// ErrDisabledByQuarantine is wrapped by the ErrStopped of a job disabled
// after 28 days in quarantine (ENTRA-QUAR-04).
var ErrDisabledByQuarantine = errors.New("the job was disabled after 28 days in quarantine; escrows dropped")

// loadJob reads the job with its status (the quarantine state machine) and
// the escrow ledger, and gives them the engine's configuration.
func (e *Engine) loadJob(ctx context.Context) (state.Job, *escrow.Ledger, error) {
	job, err := e.opt.Store.Job(ctx)
	if err != nil {
		return job, nil, err
	}
	l, err := e.opt.Store.Escrow(ctx)
	if err != nil {
		return job, nil, err
	}
	job.Status.Config = e.quarantineConfig()
	l.Policy = e.opt.Escrow
	return job, l, nil
}

// quarantineConfig is Options.Quarantine with the mapping's accidental-
// deletion settings (DEL-01 travels with the mappings in Entra's UI).
func (e *Engine) quarantineConfig() quarantine.Config {
	c := e.opt.Quarantine
	c.DeletePrevention = e.cfg.AccidentalDeletionPrevention
	c.DeleteThreshold = int64(e.cfg.DeletionThreshold)
	return c
}

// stoppedErr says why a job does not run, or nil.
func stoppedErr(job state.Job) error {
	q := job.Status
	switch {
	case job.Stopped:
		return ErrStopped
	case q.Code() == quarantine.CodeDisabled:
		return fmt.Errorf("%w: %w", ErrStopped, ErrDisabledByQuarantine)
	case q.Code() == quarantine.CodePaused:
		return fmt.Errorf("%w: %w", ErrStopped, ErrPaused)
	}
	return nil
}

// skip is a cycle slot that does not run because the job is quarantined
// and its next attempt is later (QUAR-04): the clock moves on, nothing is
// sent.
func (e *Engine) skip(ctx context.Context, job state.Job, l *escrow.Ledger, now time.Time) (*Summary, error) {
	q := job.Quarantine()
	why := fmt.Sprintf("quarantined (%s) until %s", q.Reason, q.NextAttempt.UTC().Format(time.RFC3339))
	if q.Reason == quarantine.ReasonTooManyDeletes {
		why += " (run `entrasim allow-deletes` or restart)"
	}
	job.Clock = now.Add(job.Interval)
	s := &Summary{Kind: KindIncremental, Stopped: why, At: now, Skipped: true}
	if err := e.opt.Store.SaveJob(ctx, job); err != nil {
		return nil, err
	}
	s.Job = job
	e.describe(s, l)
	return s, nil
}

// describe copies the job's status (s.Job) and the escrow ledger into the
// summary.
func (e *Engine) describe(s *Summary, l *escrow.Ledger) {
	st := s.Job.Status
	s.Status = st.Status
	s.Escrow = l.Counts()
	s.Escrows = l.All()
	s.NextRun = s.Job.Clock
	if q := st.Status.Quarantine; q != nil && st.Quarantined() && q.NextAttempt.After(s.NextRun) {
		s.NextRun = q.NextAttempt
	}
}

// fatalOnce remembers the first job-level failure of a cycle (QUAR-01): a
// 401 (ENTRA-RESP-06) or a 404 on a filter query (ENTRA-RESP-03). Once set,
// the cycle stops sending.
type fatalOnce struct {
	mu sync.Mutex
	f  *quarantine.Fatal
}

func (f *fatalOnce) note(o outcome.Outcome) {
	if o.Success || o.QuarantineReason == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f == nil {
		f.f = &quarantine.Fatal{Reason: quarantine.Reason(o.QuarantineReason), Code: o.ErrorCode, Message: o.Reason}
	}
}

func (f *fatalOnce) get() *quarantine.Fatal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f
}

// probe is the first request of a quarantine retry for a job-level reason:
// the user query of Test Connection (ENTRA-FLOW-01), which shows at once
// whether the credentials and the filter support are fixed (QUAR-05).
func (r *run) probe(ctx context.Context) error {
	c := r.e.opt.Client
	res, err := c.Do(ctx, outcome.QueryUsers, c.Builder().ProbeUsers("userName", provlog.NewGUID()))
	if err != nil {
		return fmt.Errorf("cycle: quarantine retry probe: %w", err)
	}
	r.probeCalls++
	if res.Outcome.HTTPStatus != 0 {
		r.probeAnswered++
	}
	r.fatal.note(res.Outcome)
	return nil
}

// unreachable is the job-level failure of a cycle in which requests were
// sent and none got an HTTP answer: the target cannot be reached, which
// Graph reports as EncounteredQuarantineException (QUAR-02 "invalid
// credentials / cannot connect"). A target that answers, even with 5xx,
// is reachable and goes through the escrow and the thresholds instead.
func (r *run) unreachable(sent, answered int) *quarantine.Fatal {
	if sent == 0 || answered > 0 {
		return nil
	}
	return &quarantine.Fatal{Reason: quarantine.ReasonQuarantineException, Code: r.lastTransportCode,
		Message: fmt.Sprintf("The target could not be reached: none of the %d request(s) of the cycle got an HTTP answer.", sent)}
}

// deferEscrowed leaves out of this cycle the objects whose escrow entry
// is not due yet (ENTRA-RESP-23: retries spaced further apart), unless the
// cycle is a quarantine retry, which retries every escrowed object
// (QUAR-04). Objects with nothing left to do lose their entry.
func (r *run) deferEscrowed() {
	l := r.ledger
	if l.Len() == 0 {
		return
	}
	for _, it := range append(append([]*item{}, r.users...), r.groups...) {
		obj := escrowObject(it.key())
		own, okOwn := l.Get(obj, false)
		ref, okRef := l.Get(obj, true)
		if !okOwn && !okRef {
			continue
		}
		if it.persist == persistKeep && it.op == opNone {
			l.Succeeded(obj) // the source is back where the target is
			continue
		}
		if r.retry || it.op == opNone {
			continue
		}
		due := (!okOwn || !own.NextAttempt.After(r.now)) && (!okRef || !ref.NextAttempt.After(r.now))
		if !due {
			it.op, it.persist = opNone, persistKeep
			r.deferred++
		}
	}
}

func escrowObject(k state.Key) escrow.Object {
	kind := escrow.KindUser
	if k.Kind == state.KindGroup {
		kind = escrow.KindGroup
	}
	return escrow.Object{ID: k.SourceID, Kind: kind}
}

// escrowOutcome records one object's outcome in the ledger.
func (r *run) escrowOutcome(it *item) error {
	obj := escrowObject(it.key())
	switch {
	case it.result.failed():
		out := it.outcome()
		_, _, err := r.ledger.Record(r.now, obj, escrow.Attempt{Action: string(it.action), ErrorCode: out.ErrorCode,
			Reference: it.result == resultRefFailed, RetryAfter: out.RetryAfter})
		if err != nil {
			return fmt.Errorf("cycle: escrow: %w", err)
		}
	case it.result == resultStaged:
		// A staged delete is held by DEL-01, not escrowed.
	default:
		r.ledger.Succeeded(obj)
	}
	return nil
}

// settle runs the quarantine state machine at the end of a cycle and acts
// on its transition: drop escrows, write the email.
func (r *run) settle(s *Summary, staged int) error {
	q := r.job.Status
	c := r.ledger.Counts()
	qs := quarantine.Summary{ActivityID: r.cycleID, Initial: r.kind == KindInitial,
		Exports: int64(r.exports), Exported: int64(r.exported),
		Escrowed: c.Failures, EscrowedReference: c.ReferenceFailures, PendingDeletes: int64(staged),
		Fatal: r.fatal.get()}
	if qs.Fatal == nil {
		qs.Fatal = r.unreachable(s.Counts.Requests, r.answered+r.probeAnswered)
	}
	tr, err := q.CycleFinished(r.now, qs)
	if err != nil {
		return fmt.Errorf("cycle: quarantine: %w", err)
	}
	if tr.DropEscrows {
		r.ledger.DropAll()
	}
	s.Transition = &tr
	if tr.Notify() {
		path, err := r.e.writeEmail(q, tr)
		if err != nil {
			return err
		}
		s.Notification = path
	}
	return nil
}

// writeEmail writes the quarantine email into the outbox (QUAR-06); no
// outbox or no notification email means no email, as in Entra.
func (e *Engine) writeEmail(q *quarantine.Machine, tr quarantine.Transition) (string, error) {
	if e.opt.Outbox == "" || e.opt.NotificationEmail == "" {
		return "", nil
	}
	job, err := e.opt.Store.Job(context.Background())
	if err != nil {
		return "", err
	}
	m, err := notify.FromTransition(q, tr, e.opt.ServicePrincipal.DisplayName, e.opt.NotificationEmail, job.JobID)
	if err != nil {
		return "", fmt.Errorf("quarantine email: %w", err)
	}
	path, err := notify.Outbox{Dir: filepath.Clean(e.opt.Outbox)}.Write(m)
	if err != nil {
		return "", fmt.Errorf("quarantine email: %w", err)
	}
	return path, nil
}
