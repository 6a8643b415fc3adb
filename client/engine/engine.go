package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
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
	// Progress is called as objects are processed (done of total); nil
	// reports nothing.
	Progress func(done, total int)
	// Logger receives debug lines; nil discards them.
	Logger *slog.Logger
	// ServicePrincipal names the app in log records; zero means Gtmhub.
	ServicePrincipal provlog.ServicePrincipal
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
	// Records are the cycle's provisioning-log records.
	Records []provlog.Record
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
	j, err := st.Job(ctx)
	if err != nil {
		return err
	}
	j.Code = state.CodeDisabled
	return st.SaveJob(ctx, j)
}

// Start turns a stopped job back on; the next cycle runs.
func Start(ctx context.Context, st *state.Store) error {
	j, err := st.Job(ctx)
	if err != nil {
		return err
	}
	if j.Code == state.CodeDisabled {
		j.Code = state.CodeActive
		if j.Cycles == 0 {
			j.Code = state.CodeNotRun
		}
	}
	return st.SaveJob(ctx, j)
}

// AllowDeletes is the admin's "Allow deletes" after a TooManyDeletes
// quarantine (ENTRA-DEL-01): the next cycle applies the staged deletes and
// the job is healthy again.
func AllowDeletes(ctx context.Context, st *state.Store) error {
	j, err := st.Job(ctx)
	if err != nil {
		return err
	}
	j.AllowDeletes = true
	if j.Code == state.CodeQuarantine && j.Quarantine != nil && j.Quarantine.Reason == ReasonTooManyDeletes {
		j.Code, j.Quarantine = state.CodeActive, nil
	}
	return st.SaveJob(ctx, j)
}

// ReasonTooManyDeletes is the Graph quarantine reason of ENTRA-DEL-01.
const ReasonTooManyDeletes = "TooManyDeletes"
