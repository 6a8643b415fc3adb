package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// Options configure an Engine.
type Options struct {
	// Client sends the requests; required.
	Client *scim.Client
	// Store is the state file; required.
	Store *state.Store
	// Config is the mapping configuration; nil means mapping.Gtmhub().
	Config *mapping.Config
	// Concurrency is the number of objects exported at once within a
	// phase; <= 0 means 1, Entra's sequential default (UNC-14).
	Concurrency int
	// AllowDeletes lets this cycle go over the deletion threshold
	// ("Allow deletes", ENTRA-DEL-01).
	AllowDeletes bool
	// Observer receives one event per object outcome and one summary per
	// cycle; nil ignores them.
	Observer Observer
	// Progress is called as objects are processed (done of total); calls
	// never overlap, even with Concurrency > 1. nil reports nothing.
	Progress func(done, total int)
	// Logger receives debug lines; nil discards them.
	Logger *slog.Logger
	// ServicePrincipal names the app in log records; zero means Gtmhub.
	ServicePrincipal provlog.ServicePrincipal
	// Quarantine holds the failure thresholds and the retry schedule
	// (ENTRA-QUAR-03/04); zero fields mean the documented defaults.
	// Accidental-deletion prevention comes from the mapping (DEL-01).
	Quarantine quarantine.Config
	// Escrow spaces the retries of failed objects (ENTRA-RESP-23); zero
	// means escrow's documented defaults.
	Escrow escrow.Policy
	// Outbox is the folder that receives the quarantine emails as .eml
	// files (QUAR-06); "" writes none.
	Outbox string
	// NotificationEmail is the app's Notification Email; without one Entra
	// sends no quarantine email (QUAR-06).
	NotificationEmail string
	// RetryNow runs a quarantined job's cycle before its next attempt; it
	// counts as the retry (QUAR-04), for checking a fix without waiting.
	RetryNow bool
	// SkipReferenceCheck leaves out the reference check sent before a
	// manager PATCH (ENTRA-FLOW-06, GET /Users?filter=id eq "…" and
	// manager eq "…"). false, the default, sends it, as the spec's DESIGN
	// for UNC-04 asks; the client's scim.Options.SkipReferenceCheck turns
	// it off too. A check answered with an error never fails the user: it
	// is logged (a failed referenceResolution step naming ENTRA-FLOW-06, the
	// record a warning) and the manager PATCH is sent all the same.
	SkipReferenceCheck bool
	// Interrupt, when closed during a cycle, ends the cycle early (entrasim
	// closes it on SIGINT or SIGTERM): no further object is started, the
	// objects in flight finish (cancel ctx to abort their requests too), and
	// what was done is committed with its provisioning-log records. Objects
	// not done keep their previous state, so the next cycle does them; an
	// interrupted initial cycle is resumed by the next one (Job.Resume). The
	// Summary says Interrupted, with Done of Total objects. nil, the
	// default, never interrupts: a cancelled ctx then fails the cycle and
	// nothing is committed. Provision on demand ignores it.
	Interrupt <-chan struct{}
	// KeepRecords has Summary.Records hold the cycle's provisioning-log
	// records. false, the default, leaves it empty: the records go
	// straight from the cycle to the state file (Store.Records reads
	// them), as a million of them are gigabytes (issue 16). Provision on
	// demand always keeps them.
	KeepRecords bool
	// SpillRecordsAbove is the number of objects with work above which a
	// cycle keeps the records of objects waiting for a later phase or the
	// commit in a temporary file rather than in memory (issue 16); the
	// records written are the same. 0 means DefaultSpillRecordsAbove; a
	// negative value spills in every cycle (tests).
	SpillRecordsAbove int
	// SpillDir is the folder of that file; "" means os.TempDir(). The
	// file is removed when the cycle ends, whatever way it ends.
	SpillDir string
	// SpillName, when set, is part of the file's name
	// (provlog.NewNamedSpillFile): the CLI's is the state file's, whose
	// next cycle removes what a killed process left.
	SpillName string
}

// Event is the outcome of one object in a cycle: the one place where
// success or failure of an export is recorded, for escrow and quarantine
// logic (issue 6) to hook into.
type Event struct {
	CycleID string
	Key     state.Key
	// TargetID is the linked target id after the action ("" if none).
	TargetID string
	Action   provlog.Action
	Status   provlog.Status
	// Outcome is the failing call's outcome, or success.
	Outcome outcome.Outcome
	// Reference is true when the failure was a reference update
	// (manager, members), which QUAR-03 counts apart.
	Reference bool
	// ReferenceCheckFailed is true when the manager's reference check
	// (ENTRA-FLOW-06) was answered with an error; Status is then warning
	// unless the object failed for another reason.
	ReferenceCheckFailed bool
}

// Observer watches a cycle. Methods are called from the cycle's goroutine,
// after every phase has finished, so implementations need no locking.
type Observer interface {
	// Exported is called once per object that produced a log record.
	Exported(ctx context.Context, e Event)
	// CycleDone is called once per cycle with its summary, before the state
	// is committed; it may change s.Job (e.g. to quarantine the job).
	CycleDone(ctx context.Context, s *Summary)
}

// Summary is the result of one cycle.
type Summary struct {
	CycleID string
	// Kind is "initial" or "incremental".
	Kind   string
	Counts state.Counts
	// Objects is the number of source objects evaluated.
	Objects int
	// Job is the job status after the cycle.
	Job state.Job
	// Stopped says why the cycle did nothing (job disabled or quarantined).
	Stopped string
	// Records are the cycle's provisioning-log records, when
	// Options.KeepRecords asks for them.
	Records []provlog.Record
	// Logged is the number of provisioning-log records the cycle wrote,
	// whether Records holds them or not.
	Logged int

	// At is the cycle's time on the simulated clock.
	At time.Time
	// Skipped is true for a slot that did not run because the job is
	// quarantined until a later retry (QUAR-04); Stopped says until when.
	Skipped bool
	// Retry is true for a quarantine retry (QUAR-04): every escrowed object
	// was retried.
	Retry bool
	// Deferred counts objects left out because their escrow entry was not
	// due yet (ENTRA-RESP-23).
	Deferred int
	// ReferenceCheckFailures counts the manager reference checks
	// (ENTRA-FLOW-06) answered with an error; each is a warning record
	// (or a failure, if the manager PATCH failed too), not a failed object.
	ReferenceCheckFailures int
	// Status is Graph's synchronizationStatus after the cycle
	// (ENTRA-QUAR-06/07).
	Status quarantine.Status
	// Transition is what the cycle did to the job status; nil for a
	// skipped slot.
	Transition *quarantine.Transition
	// Escrow counts the escrowed failures after the cycle (QUAR-03).
	Escrow escrow.Counts
	// Escrows are the escrow entries after the cycle.
	Escrows []escrow.Entry
	// Notification is the path of the quarantine email written, if any.
	Notification string
	// NextRun is when the next cycle will run: the next slot, or the
	// quarantine's next attempt.
	NextRun time.Time
	// Interrupted is true for a cycle ended early by Options.Interrupt:
	// Counts and Records are those of the objects done, the job's clock,
	// cycle count and quarantine state did not move, and the next cycle
	// continues with the rest.
	Interrupted bool
	// Done and Total count the objects with work in an interrupted cycle:
	// Done of them had their action carried out.
	Done, Total int
	// SourceUnchanged is true for a cycle that found its source unchanged
	// (CycleSource) and so read neither the directory nor the objects.
	SourceUnchanged bool
}

// Cycle kinds.
const (
	KindInitial     = "initial"
	KindIncremental = "incremental"
)

// Errors of Cycle.
var (
	// ErrStopped: the job is Disabled (stopped, ENTRA-CYCLE-04).
	ErrStopped = errors.New("the provisioning job is stopped")
)

// Engine runs cycles for one job.
type Engine struct {
	opt Options
	cfg *mapping.Config
	log *slog.Logger
}

// New checks the options and builds an engine.
func New(opt Options) (*Engine, error) {
	if opt.Client == nil {
		return nil, errors.New("engine: a SCIM client is required")
	}
	if opt.Store == nil {
		return nil, errors.New("engine: a state store is required")
	}
	cfg := opt.Config
	if cfg == nil {
		cfg = mapping.Gtmhub()
	}
	if err := cfg.Compile(); err != nil {
		return nil, fmt.Errorf("engine: mapping: %w", err)
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 1
	}
	if opt.ServicePrincipal.DisplayName == "" {
		opt.ServicePrincipal = provlog.ServicePrincipal{ID: "00000000-0000-0000-0000-0000000000a1", DisplayName: "Gtmhub"}
	}
	lg := opt.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Engine{opt: opt, cfg: cfg, log: lg}, nil
}

// Stop turns provisioning off (ENTRA-CYCLE-04): later cycles do not start.
func Stop(ctx context.Context, st *state.Store) error {
	return adminAction(ctx, st, func(j *state.Job, _ *quarantine.Machine) error {
		j.Stopped = true
		return nil
	})
}

// Start turns a stopped, paused or disabled job back on (Graph's start):
// it leaves quarantine and keeps its escrows; the next cycle runs.
func Start(ctx context.Context, st *state.Store) error {
	return adminAction(ctx, st, func(j *state.Job, q *quarantine.Machine) error {
		j.Stopped = false
		q.Start(j.Clock)
		return nil
	})
}

// AllowDeletes is the admin's "Allow deletes" after a TooManyDeletes
// quarantine (ENTRA-DEL-01): the next cycle applies the staged deletes and
// the job is healthy again. On a job in another state it only lets the
// next cycle go over the threshold.
func AllowDeletes(ctx context.Context, st *state.Store) error {
	return adminAction(ctx, st, func(j *state.Job, q *quarantine.Machine) error {
		if _, err := q.AllowDeletes(j.Clock); err != nil {
			q.AllowDeletesOnce = true
		}
		return nil
	})
}

func adminAction(ctx context.Context, st *state.Store, act func(*state.Job, *quarantine.Machine) error) error {
	j, err := st.Job(ctx)
	if err != nil {
		return err
	}
	if err := act(&j, j.Status); err != nil {
		return err
	}
	return st.SaveJob(ctx, j)
}

// ReasonTooManyDeletes is the Graph quarantine reason of ENTRA-DEL-01.
const ReasonTooManyDeletes = quarantine.ReasonTooManyDeletes
