package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quantive/entra-scim-harness/client/arena"
	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/expr"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/state"
)

// run is one cycle in progress.
type run struct {
	e       *Engine
	dir     *directory.Directory
	job     state.Job
	cycleID string
	kind    string
	now     time.Time
	objs    map[state.Key]*state.Object
	users   []*item
	groups  []*item
	plog    *provlog.Job
	env     *expr.Env
	// progressMu serialises Progress calls, so that callers need no locking
	// and see done grow monotonically whatever the concurrency.
	progressMu sync.Mutex
	done       int
	total      int
	// byKey are the planned items by key (index.go).
	byKey []*item
	// onDemand marks a provision-on-demand run (ENTRA-CYCLE-08): no cycle
	// history, job status untouched.
	onDemand bool

	// ledger is the job's escrow ledger, nil on demand; the job's status
	// (quarantine) is job.Status.
	ledger *escrow.Ledger
	// retry marks a quarantine retry: every escrowed object is retried.
	retry bool
	// fatal is the first job-level failure (QUAR-01); it stops the cycle.
	fatal fatalOnce
	// deferred counts objects whose escrow entry was not due.
	deferred int
	// exports and exported count attempted and successful provisioning
	// events (QUAR-03's proportion); probeCalls the retry probe's requests.
	exports, exported, probeCalls int
	// answered and probeAnswered count calls with an HTTP answer;
	// lastTransportCode is the errorCode of a call without one.
	answered, probeAnswered int
	lastTransportCode       string
	// interrupted is set once Options.Interrupt stopped the cycle, or a
	// cancelled ctx aborted objects in flight (interrupt.go).
	interrupted atomic.Bool
	// resume: this initial cycle continues an interrupted one, so objects
	// whose watermark is current were done by it and are left out.
	resume bool
	// digest and mark: the source's plan digest and, when the source is
	// unchanged since a cycle that left nothing pending, that cycle's mark
	// (unchanged.go).
	digest string
	mark   *state.SourceMark
	// spill holds the waiting records of a large cycle (spill.go);
	// spillFailed is set once it failed and records stay in memory.
	spill       *provlog.SpillFile
	spillFailed atomic.Bool
	// evict: planning may evict the directory's users (evict.go), which
	// reload then loads again.
	evict  bool
	reload *directory.Reloader
	// unchangedObjects counts the objects planning found unchanged.
	unchangedObjects int
	// items and newObjs allocate the plan's items and new state entries.
	items   arena.Slab[item]
	newObjs arena.Slab[state.Object]
	// strs keeps the target ids and watermarks the cycle stores.
	strs strArena
	// refs holds the items' reference values.
	refs refArena
}

// Cycle runs one cycle against dir: an initial cycle when the state is new
// or was restarted, an incremental one otherwise. Failed exports are not
// errors: they are in the summary and the logs. The error is non-nil when
// the cycle could not run (stopped job, state file, context ended).
func (e *Engine) Cycle(ctx context.Context, dir *directory.Directory) (*Summary, error) {
	return e.CycleSource(ctx, loadedSource{dir})
}

// CycleSource is Cycle with a source read only when the cycle needs it: an
// incremental cycle over a source unchanged since a cycle that left nothing
// pending reads neither the directory nor the objects (unchanged.go).
func (e *Engine) CycleSource(ctx context.Context, src Source) (*Summary, error) {
	job, ledger, err := e.loadJob(ctx)
	if err != nil {
		return nil, err
	}
	if err := stoppedErr(job); err != nil {
		return nil, err
	}
	now := job.Clock
	q := job.Status
	if e.opt.AllowDeletes && q.Quarantined() && q.Status.Quarantine.Reason == quarantine.ReasonTooManyDeletes {
		if _, err := q.AllowDeletes(now); err != nil {
			return nil, fmt.Errorf("cycle: %w", err)
		}
	}
	retry := false
	if q.Quarantined() {
		if now.Before(q.Status.Quarantine.NextAttempt) && !e.opt.RetryNow {
			return e.skip(ctx, job, ledger, now)
		}
		retry = true
	}
	r, err := e.newRunFor(ctx, job, ledger, src)
	if err != nil {
		return nil, err
	}
	defer r.closeSpill()
	r.ledger, r.retry = ledger, retry
	r.resume = job.Resume && r.kind == KindInitial
	if err := q.CycleStarted(now); err != nil {
		return nil, fmt.Errorf("cycle: %w", err)
	}
	if retry && q.Status.Quarantine.Reason == quarantine.ReasonQuarantineException {
		if err := r.probe(ctx); err != nil {
			return nil, err
		}
	}
	if err := r.plan(ctx); err != nil {
		return nil, err
	}
	r.releaseSource(src)
	r.deferEscrowed()
	allowed := e.opt.AllowDeletes || q.DeletesAllowed()
	staged := r.threshold(allowed)
	if r.fatal.get() == nil {
		if err := r.startSpill(); err != nil {
			return nil, err
		}
		if err := r.execute(ctx); err != nil {
			return nil, err
		}
	}
	return r.finish(ctx, staged)
}

// newRun prepares a cycle: state, ids, clock, log job.
func (e *Engine) newRun(ctx context.Context, job state.Job, dir *directory.Directory) (*run, error) {
	objs, err := e.opt.Store.Objects(ctx)
	if err != nil {
		return nil, err
	}
	return e.startRun(job, dir, objs), nil
}

// startRun is newRun with the objects read.
func (e *Engine) startRun(job state.Job, dir *directory.Directory, objs map[state.Key]*state.Object) *run {
	r := &run{e: e, dir: dir, job: job, cycleID: provlog.NewGUID(), now: job.Clock, objs: objs}
	r.kind = KindIncremental
	if job.NeedsInitial {
		r.kind = KindInitial
	}
	r.refs.canon = r.canonID
	clock := r.now
	r.env = &expr.Env{Now: func() time.Time { return clock }}
	// Source and target system as Graph logs them (List
	// provisioningObjectSummary, Example 2): the target system's id and
	// ApplicationId are GUIDs derived from the job id, stable per job.
	r.plog = &provlog.Job{
		JobID: job.JobID, TenantID: job.TenantID, ServicePrincipal: e.opt.ServicePrincipal,
		SourceSystem: provlog.SourceSystemFor(job.TenantID),
		TargetSystem: provlog.TargetSystemFor(job.JobID, e.opt.ServicePrincipal),
		InitiatedBy:  provlog.ProvisioningServiceInitiator(),
		Now:          func() time.Time { return clock },
	}
	return r
}

// execute runs the export, reference and deprovisioning phases in order.
func (r *run) execute(ctx context.Context) error {
	r.progressTotal()
	phases := []struct {
		id    int
		items []*item
		fn    func(context.Context, *item) error
	}{
		{phaseUserExport, r.users, func(ctx context.Context, it *item) error {
			if it.op == opExport {
				return r.exportUser(ctx, it)
			}
			return nil
		}},
		{phaseGroupExport, r.groups, func(ctx context.Context, it *item) error {
			if it.op == opExport {
				return r.exportGroup(ctx, it)
			}
			return nil
		}},
		{phaseManager, r.users, r.resolveManager},
		{phaseMembers, r.groups, r.resolveMembers},
		{phaseUserDeprov, r.users, r.deprovision},
		{phaseGroupDeprov, r.groups, r.deprovision},
	}
	for _, p := range phases {
		if err := r.phase(ctx, p.id, p.items, p.fn); err != nil {
			return err
		}
		if r.interrupted.Load() {
			return nil
		}
	}
	return nil
}

// phase runs fn over items with the engine's concurrency and marks each
// item it finished with the phase's bit. Once the cycle is interrupted
// (stopNow) no further item is started; an item whose requests were
// aborted by a cancelled ctx of an interruptible cycle is left unmarked
// instead of failing the cycle.
func (r *run) phase(ctx context.Context, id int, items []*item, fn func(context.Context, *item) error) error {
	n := r.e.opt.Concurrency
	fn = timed(r.watchFatal(fn))
	do := func(it *item) (stop bool, err error) {
		if err := fn(ctx, it); err != nil {
			if r.abortedBy(ctx) {
				return true, nil
			}
			return true, err
		}
		it.phases |= 1 << id
		r.dropRead(it, id)
		// Until a later phase decodes them again (members, deprovision),
		// the exported values wait as the text the commit stores (issue
		// 16: memory per object), in the spill file of a large cycle.
		it.obj.SealTo(r.spillFile())
		r.park(it)
		return false, nil
	}
	if n <= 1 || len(items) < 2 {
		for _, it := range items {
			if r.fatal.get() != nil || r.stopNow() {
				return nil
			}
			if stop, err := do(it); stop {
				return err
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	errs := make([]error, n)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				if ctx.Err() != nil || r.fatal.get() != nil || r.stopNow() {
					return
				}
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				if stop, err := do(items[i]); stop {
					errs[w] = err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if r.abortedBy(ctx) {
		return nil
	}
	return ctx.Err()
}

// dropRead lets go of what no phase after id reads of the item: at a
// million objects, what each holds to its commit is what the cycle's
// memory peaks with (issue 16). An item the deprovisioning phases act on
// keeps its source object.
func (r *run) dropRead(it *item, id int) {
	deprov := it.op == opDisable || it.op == opDelete || it.op == opSkip
	switch id {
	case phaseUserExport:
		if !deprov {
			it.user = nil // (releaseSource)
		}
	case phaseManager:
		it.refs = nil // read by managerWork alone
	case phaseMembers:
		if !deprov {
			it.group = nil
		}
	}
}

// timed adds the wall time fn spends on an item, its requests included,
// to the item's log record: durationInMilliseconds is how long the
// provisioning action took (provisioningObjectSummary, v1.0, "Properties").
// An object's action runs in the phases that touch it (export, references,
// deprovisioning), so the time of each is added; the time between phases,
// spent on other objects, is not. Wall time, not the simulated job clock,
// which stands still during a cycle.
func timed(fn func(context.Context, *item) error) func(context.Context, *item) error {
	return func(ctx context.Context, it *item) error {
		start := time.Now()
		err := fn(ctx, it)
		if it.rec != nil {
			it.rec.Elapsed(time.Since(start))
		}
		return err
	}
}

// watchFatal notes a job-level failure (401, 404 on a filter) of the item
// fn worked on, so that the cycle stops sending (QUAR-01).
func (r *run) watchFatal(fn func(context.Context, *item) error) func(context.Context, *item) error {
	if r.onDemand {
		return fn
	}
	return func(ctx context.Context, it *item) error {
		err := fn(ctx, it)
		if it.result.failed() {
			r.fatal.note(it.outcome())
		}
		return err
	}
}

func (r *run) progressTotal() {
	for _, it := range append(append([]*item{}, r.users...), r.groups...) {
		if it.op != opNone {
			r.total++
		}
	}
	r.tick(0)
}

// tick reports progress after an item's main action.
func (r *run) tick(n int) {
	if r.e.opt.Progress == nil {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	r.done += n
	r.e.opt.Progress(r.done, r.total)
}

// begin starts the item's log record.
func (r *run) begin(it *item, a provlog.Action) {
	idType := provlog.IdentityUser
	if it.key().Kind == state.KindGroup {
		idType = provlog.IdentityGroup
	}
	it.action = a
	it.rec = r.plog.Begin(r.cycleID, a, provlog.Identity{ID: it.key().SourceID, DisplayName: it.displayName(),
		IdentityType: idType, Details: map[string]string{}})
}

// threshold applies accidental-deletion prevention (ENTRA-DEL-01): disables
// and deletes of users and groups are counted once per cycle; above the
// threshold none is sent and each is logged as stagedDelete. It returns
// the number staged.
func (r *run) threshold(allowed bool) int {
	cfg := r.e.cfg
	if !cfg.AccidentalDeletionPrevention || allowed {
		return 0
	}
	limit := cfg.DeletionThreshold
	if limit <= 0 {
		limit = 500
	}
	var pending []*item
	for _, it := range append(append([]*item{}, r.users...), r.groups...) {
		if it.op == opDisable || it.op == opDelete {
			pending = append(pending, it)
		}
	}
	if len(pending) <= limit {
		return 0
	}
	for _, it := range pending {
		r.begin(it, provlog.ActionStagedDelete)
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingDelete, provlog.StatusSkipped,
			fmt.Sprintf("The %s of this object was staged: this cycle would delete or disable %d objects, over the accidental deletions threshold of %d.",
				opName(it.op), len(pending), limit), map[string]string{"reason": it.reason.String()})
		it.result = resultStaged
		it.op = opNone
		// The watermark stays, so the deprovision is planned again once
		// deletes are allowed.
		it.persist = persistKeep
	}
	return len(pending)
}

func opName(o op) string {
	if o == opDelete {
		return "delete"
	}
	return "disable"
}

// finish ends the cycle: for each item, in order, its state entry
// (persistItem), the counts (tally), its log record (record), the escrow
// (settleItem) and the observer (observe); then the job and the commit
// (commitCycle), or what an interrupted cycle keeps (finishInterrupted).
func (r *run) finish(ctx context.Context, staged int) (*Summary, error) {
	s := &Summary{CycleID: r.cycleID, Kind: r.kind, Objects: r.objectCount(), At: r.now,
		Retry: r.retry, Deferred: r.deferred}
	s.Counts.Requests += r.probeCalls
	fatal := r.fatal.get() != nil
	var commit state.Commit
	all := append(append(make([]*item, 0, len(r.users)+len(r.groups)), r.users...), r.groups...)
	keep := r.keepRecords()
	// Records are large structs: sizing the slice once spares the copies
	// of append's doubling (10k+ records in an initial cycle).
	if n := countRecorded(all); n > 0 && keep {
		s.Records = make([]provlog.Record, 0, n)
	}
	for _, it := range all {
		prog := r.progressOf(it)
		s.Counts.Requests += int(it.calls)
		if prog == itemNotDone {
			continue // left for the next cycle (interrupt.go)
		}
		persistItem(&commit, it, prog, fatal)
		r.tallyCalls(it)
		if it.rec == nil {
			continue
		}
		tally(s, it)
		s.Logged++
		it.logged = true
		if keep {
			rec, err := it.record()
			if err != nil {
				return nil, fmt.Errorf("cycle: log record of %s %s: %w", it.noun(), it.key().SourceID, err)
			}
			s.Records = append(s.Records, rec)
		}
		if !r.onDemand && prog == itemDone {
			if err := r.settleItem(it); err != nil {
				return nil, err
			}
		}
		r.observe(ctx, it)
	}
	if r.interrupted.Load() {
		return r.finishInterrupted(ctx, s, commit, all)
	}
	return r.commitCycle(ctx, s, commit, all, staged)
}

// persistItem adds the item's state entry to the commit as its persistence
// says. A partial item (its action ran, a later phase did not) keeps its
// link and values but not its watermark, so the next cycle does the rest.
// After a job-level failure no watermark moves and nothing is forgotten:
// the cycle stopped part-way, and the next one redoes it (links kept).
func persistItem(c *state.Commit, it *item, prog itemProgress, fatal bool) {
	switch {
	case it.persist == persistKeep:
	case prog == itemPartial:
		c.Upsert = append(c.Upsert, it.obj)
	case it.persist == persistForget && !fatal:
		c.Forget = append(c.Forget, it.key())
	default:
		if !it.result.failed() && !fatal {
			it.obj.Watermark = it.watermark
		}
		c.Upsert = append(c.Upsert, it.obj)
	}
}

// tallyCalls adds the item's answered calls to the cycle's, and notes the
// errorCode of a failed call that got no HTTP answer (QUAR-02).
func (r *run) tallyCalls(it *item) {
	r.answered += int(it.answered)
	if out := it.outcome(); it.result.failed() && out.HTTPStatus == 0 && out.ErrorCode != "" {
		r.lastTransportCode = out.ErrorCode
	}
}

// tally counts a logged item in the summary: by result, and a success by
// its action.
func tally(s *Summary, it *item) {
	if it.checkFailed {
		s.ReferenceCheckFailures++
	}
	switch it.result {
	case resultRefFailed:
		s.Counts.ReferenceFailures++
		s.Counts.Failed++
	case resultFailed:
		s.Counts.Failed++
	case resultStaged:
		s.Counts.StagedDeletes++
	case resultSkipped:
		s.Counts.Skipped++
	default:
		switch it.action {
		case provlog.ActionCreate:
			s.Counts.Created++
		case provlog.ActionUpdate:
			s.Counts.Updated++
		case provlog.ActionDisable:
			s.Counts.Disabled++
		case provlog.ActionDelete:
			s.Counts.Deleted++
		default:
			s.Counts.Skipped++
		}
	}
}

// record builds the item's log record with its final action and status,
// bringing it back from the spill file first.
func (it *item) record() (provlog.Record, error) {
	if err := it.rec.Unspill(); err != nil {
		return provlog.Record{}, err
	}
	it.rec.Action(it.action)
	if it.result.skipped() {
		it.rec.Skip()
	}
	return it.rec.Finish(), nil // the last use of the builder
}

// settleItem counts a done item's provisioning event for QUAR-03's
// proportion (a skip is none) and records its outcome in the escrow.
func (r *run) settleItem(it *item) error {
	if !it.result.skipped() {
		r.exports++
		if !it.result.failed() {
			r.exported++
		}
	}
	return r.escrowOutcome(it)
}

// observe reports the item's outcome to Options.Observer; a success whose
// reference check failed is a warning.
func (r *run) observe(ctx context.Context, it *item) {
	obs := r.e.opt.Observer
	if obs == nil {
		return
	}
	out := it.outcome()
	if !it.result.failed() {
		out.Success = true
	}
	status := it.result.status()
	if it.checkFailed && status == provlog.StatusSuccess {
		status = provlog.StatusWarning
	}
	obs.Exported(ctx, Event{CycleID: r.cycleID, Key: it.key(), TargetID: it.obj.TargetID,
		Action: it.action, Status: status, Outcome: out, Reference: it.result == resultRefFailed, ReferenceCheckFailed: it.checkFailed})
}

// commitCycle closes a complete cycle: the job moves on and the quarantine
// state machine runs (not on demand), the observer hears of the cycle, and
// objects, records, cycle and job are committed together.
func (r *run) commitCycle(ctx context.Context, s *Summary, commit state.Commit, all []*item, staged int) (*Summary, error) {
	e := r.e
	job := r.job
	var cyc *state.Cycle
	if !r.onDemand {
		job.Cycles++
		job.Resume = false
		job.NeedsInitial = false
		if err := r.settle(s, staged); err != nil {
			return nil, err
		}
		job.Clock = r.now.Add(job.Interval)
		cyc = &state.Cycle{ID: r.cycleID, Kind: r.kind, Started: r.now, Finished: r.now, Counts: s.Counts, Objects: s.Objects}
		job.LastCycle = cyc
		commit.Escrow = r.ledger
	}
	s.Job = job
	if !r.onDemand {
		e.describe(s, r.ledger)
		if e.opt.Observer != nil {
			e.opt.Observer.CycleDone(ctx, s)
		}
	}
	if cyc != nil {
		cyc.Counts = s.Counts
	}
	commit.Cycle, commit.Job = cyc, s.Job
	r.commitRecords(s, &commit, all)
	r.markSource(s, &commit, staged)
	r.releaseObjects(all)
	if err := e.opt.Store.Commit(ctx, commit); err != nil {
		return nil, err
	}
	return s, nil
}

// plan evaluates every source object against the state and decides what
// to do (ENTRA-CYCLE-01/02, DEPROV-01..06).
func (r *run) plan(ctx context.Context) error {
	cfg := r.e.cfg
	// stored are the objects of the state; seen holds those the
	// directory has, by pointer: a pointer hashes far faster than a Key's
	// two strings, which counts at a million users (issue 16). The
	// objects planning adds need no marking, so an initial cycle keeps
	// no such set at all.
	stored := make([]*state.Object, 0, len(r.objs))
	for _, o := range r.objs {
		stored = append(stored, o)
	}
	seen := make(map[*state.Object]struct{}, len(stored))
	mark := func(o *state.Object) {
		if o != nil {
			seen[o] = struct{}{}
		}
	}
	goneOf := func(kind state.Kind) []*state.Object {
		var gone []*state.Object
		for _, o := range stored {
			if _, ok := seen[o]; !ok && o.Kind == kind {
				gone = append(gone, o)
			}
		}
		slices.SortFunc(gone, func(a, b *state.Object) int { return cmp.Compare(a.SourceID, b.SourceID) })
		return gone
	}
	dups := r.newDupCheck()
	err := r.dir.EachUser(func(i int, u *directory.User) error {
		o := r.objs[state.Key{Kind: state.KindUser, SourceID: u.ObjectID}]
		it, err := r.planUser(u, o)
		if err != nil {
			return err
		}
		mark(o)
		if it != nil {
			if err := dups.check(ctx, it); err != nil {
				return err
			}
		}
		r.planned(i, it)
		return nil
	})
	if err != nil {
		return err
	}
	// Objects the directory no longer holds are hard deleted.
	gone := goneOf(state.KindUser)
	for _, o := range gone {
		if _, err := r.planUser(nil, o); err != nil {
			return err
		}
	}
	if !cfg.Groups.Enabled {
		r.indexItems()
		return nil
	}
	for _, g := range r.dir.Groups {
		o := r.objs[state.Key{Kind: state.KindGroup, SourceID: g.ObjectID}]
		r.planGroup(g, o)
		mark(o)
	}
	for _, o := range goneOf(state.KindGroup) {
		r.planGroup(nil, o)
	}
	r.indexItems()
	return nil
}

func (r *run) planUser(u *directory.User, prev *state.Object) (*item, error) {
	cfg := r.e.cfg
	hard := u == nil || u.Deleted == directory.HardDeleted
	assigned := !hard && r.dir.IsAssigned(u)
	inScope := assigned
	if inScope && cfg.Users.Scoping != nil {
		inScope = cfg.Users.Scoping.InScope(directory.UserSource(u, true))
	}
	wm := "gone"
	if u != nil {
		wm = u.Fingerprint() + "|" + scopeBit(inScope)
	}
	if r.unchanged(prev, wm) {
		return nil, nil
	}
	var k state.Key
	if u != nil {
		k = state.Key{Kind: state.KindUser, SourceID: r.sourceID(u.ObjectID, prev)}
	} else {
		k = prev.Key()
	}
	if prev == nil {
		prev = r.newObject(k)
	}
	it := r.items.Next()
	it.user, it.obj, it.inSource, it.inScope = u, prev, u != nil, inScope
	it.watermark = r.strs.keep(wm)
	if u != nil {
		r.setDisplayName(it.obj, u.DisplayName)
	}
	it.persist = persistUpsert
	linked := prev.Linked()
	softOrBlocked := u != nil && (u.Deleted == directory.SoftDeleted || !u.AccountEnabled)
	switch {
	case hard:
		if linked && prev.Status != state.StatusUnmanaged {
			it.op, it.reason = opDelete, reasonHardDeleted
			if !cfg.Users.Actions.Delete {
				it.op = opSkip
			}
		} else {
			it.persist = persistForget
		}
	case !inScope:
		it.reason = reasonUnassigned
		if assigned {
			it.reason = reasonOutOfScope
		}
		switch {
		case linked && prev.Status == state.StatusActive:
			if cfg.SkipOutOfScopeDeletions {
				it.op = opNone // ENTRA-DEPROV-04: left alone
			} else {
				it.op = r.deprovOp()
			}
		case !linked && r.dir.App.Scope == directory.ScopeAll:
			it.op = opSkip // ENTRA-CYCLE-07: logged as skipped under "sync all"
		}
	case softOrBlocked:
		it.reason = reasonSoftDeleted
		if u.Deleted != directory.SoftDeleted {
			it.reason = reasonBlocked
		}
		switch {
		case linked && prev.Status == state.StatusActive:
			it.op = r.deprovOp()
		case linked:
			it.op = opNone // already disabled, or unmanaged (DEPROV-05)
		default:
			it.op = opExport // matched and disabled if found, never created (DEPROV-06)
		}
	default:
		it.op = opExport
	}
	r.users = append(r.users, it)
	return it, nil
}

// unchanged reports an object whose source and scope are as at the last
// cycle that did it (its watermark), in an incremental cycle or an
// interrupted initial one resumed: there is nothing to do and nothing to
// log. It is counted, but gets no item: at a million users an
// incremental cycle with a thousand changes would otherwise hold a
// million idle items (issue 16). userInScope reads its scope from the
// watermark.
func (r *run) unchanged(prev *state.Object, watermark string) bool {
	if prev == nil || (r.kind != KindIncremental && !r.resume) || prev.Watermark != watermark {
		return false
	}
	r.unchangedObjects++
	return true
}

// userInScope reports whether the user is in scope this cycle.
func (r *run) userInScope(id string) bool {
	if ui := r.userItem(id); ui != nil {
		return ui.inScope
	}
	o := r.objs[state.Key{Kind: state.KindUser, SourceID: id}]
	return o != nil && strings.HasSuffix(o.Watermark, "|"+scopeBit(true)) // unchanged
}

// sourceID is the source object id the item and its state entry keep:
// the stored entry's when there is one, else the directory's own, which
// the directory keeps apart from the user's other strings for this (and
// which groups' member lists point at anyway).
func (r *run) sourceID(id string, prev *state.Object) string {
	if prev != nil {
		return prev.SourceID
	}
	return id
}

// setDisplayName sets the state entry's display name, copied into the
// arena when it changed: the directory's own copy sits with the user's
// other strings, freed once the user is exported.
func (r *run) setDisplayName(o *state.Object, name string) {
	if o.DisplayName != name {
		o.DisplayName = r.strs.keep(name)
	}
}

// newObject makes a new state entry for k; its item holds it (index.go).
func (r *run) newObject(k state.Key) *state.Object {
	o := r.newObjs.Next()
	o.Kind, o.SourceID = k.Kind, k.SourceID
	return o
}

// deprovOp is disable when active is mapped and updates are allowed, else
// delete (ENTRA-DEPROV-01/03/08).
func (r *run) deprovOp() op {
	m := &r.e.cfg.Users
	switch {
	case m.MapsActive() && m.Actions.Update:
		return opDisable
	case !m.MapsActive() && m.Actions.Delete:
		return opDelete
	}
	return opSkip
}

func (r *run) planGroup(g *directory.Group, prev *state.Object) {
	cfg := r.e.cfg
	present := g != nil && g.Deleted == directory.NotDeleted
	inScope := present && r.dir.IsGroupAssigned(g)
	if inScope && cfg.Groups.Scoping != nil {
		inScope = cfg.Groups.Scoping.InScope(directory.GroupSource(g))
	}
	wm := "gone"
	if g != nil {
		wm = g.Fingerprint() + "|" + scopeBit(inScope)
	}
	if r.unchanged(prev, wm) {
		return
	}
	if prev == nil {
		prev = r.newObject(state.Key{Kind: state.KindGroup, SourceID: r.sourceID(g.ObjectID, prev)})
	}
	it := r.items.Next()
	it.group, it.obj, it.inSource, it.inScope = g, prev, g != nil, inScope
	it.watermark = r.strs.keep(wm)
	if g != nil {
		r.setDisplayName(it.obj, g.DisplayName)
	}
	it.persist = persistUpsert
	switch {
	case !inScope && prev.Linked():
		it.op, it.reason = opDelete, reasonOutOfScope
		if !present {
			it.reason = reasonDeleted
		}
		if !cfg.Groups.Actions.Delete {
			it.op = opSkip
		}
	case !inScope:
		if g == nil {
			it.persist = persistForget
		}
	default:
		it.op = opExport
	}
	r.groups = append(r.groups, it)
}

// countRecorded is how many items have a log record to build.
func countRecorded(items []*item) int {
	n := 0
	for _, it := range items {
		if it.rec != nil {
			n++
		}
	}
	return n
}
