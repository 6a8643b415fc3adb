package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/state"
)

// statusView is the JSON form of `entrasim status`: Graph's
// synchronizationStatus with the field names of ENTRA-QUAR-06/07 (code,
// quarantine, countSuccessiveCompleteFailures, escrowsPruned,
// lastExecution, lastSuccessfulExecution,
// lastSuccessfulExecutionWithExports), plus the emulator's job details:
// clock, next run, links, escrow entries and the thresholds in force.
// Beside each error code it names where the code comes from
// (outcome.CodeSource): escrowEntries[].errorCodeSource and, for the
// quarantine's error, quarantineErrorCodeSource; both are harness fields,
// so Graph's quarantine object keeps its shape.
type statusView struct {
	Code                               string                 `json:"code"`
	Quarantine                         *quarantine.Quarantine `json:"quarantine"`
	CountSuccessiveCompleteFailures    int64                  `json:"countSuccessiveCompleteFailures"`
	EscrowsPruned                      bool                   `json:"escrowsPruned"`
	LastExecution                      *quarantine.Execution  `json:"lastExecution"`
	LastSuccessfulExecution            *quarantine.Execution  `json:"lastSuccessfulExecution"`
	LastSuccessfulExecutionWithExports *quarantine.Execution  `json:"lastSuccessfulExecutionWithExports"`

	JobID     string         `json:"jobId"`
	Clock     time.Time      `json:"clock"`
	NextRun   time.Time      `json:"nextRun"`
	Interval  string         `json:"interval"`
	Cycles    int            `json:"cycles"`
	LastCycle *state.Cycle   `json:"lastCycle"`
	Linked    map[string]int `json:"linked"`
	NextCycle string         `json:"nextCycleKind"`
	// Resumes is set when the next (initial) cycle continues one that
	// SIGINT or SIGTERM interrupted, leaving out the objects it finished.
	Resumes bool `json:"resumesInterruptedCycle,omitempty"`
	// QuarantineErrorCodeSource is where the quarantine error's code comes
	// from; absent without a quarantine error.
	QuarantineErrorCodeSource *outcome.Source `json:"quarantineErrorCodeSource,omitempty"`
	// Escrows is the number of escrow entries; EscrowCounts splits them as
	// QUAR-03 counts them; EscrowEntries lists them, next attempt first.
	Escrows       int               `json:"escrows"`
	EscrowCounts  escrow.Counts     `json:"escrowCounts"`
	EscrowEntries []escrowEntryView `json:"escrowEntries"`
	// Thresholds are the QUAR-03 numbers in force.
	Thresholds        state.Thresholds `json:"thresholds"`
	NotificationEmail string           `json:"notificationEmail,omitempty"`
}

// escrowEntryView is an escrow entry with the source of its error code.
type escrowEntryView struct {
	escrow.Entry
	ErrorCodeSource outcome.Source `json:"errorCodeSource"`
}

func escrowViews(entries []escrow.Entry) []escrowEntryView {
	if entries == nil {
		return nil
	}
	out := make([]escrowEntryView, len(entries))
	for i, e := range entries {
		out[i] = escrowEntryView{Entry: e, ErrorCodeSource: outcome.CodeSource(e.ErrorCode)}
	}
	return out
}

// statusOptions are the flags of `entrasim status`.
type statusOptions struct {
	cmdPath string // "entrasim status", for messages
	state   string
	json    bool
}

func newStatusCmd() *cobra.Command {
	opts := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the provisioning job's status: code, quarantine, escrows, counts, next run",
		Long: "Shows the job status kept in the state file: code (NotRun | Active | Quarantine | Paused | Disabled),\n" +
			"the quarantine (reason, began, next attempt, series), the escrowed objects waiting for a retry, the\n" +
			"last cycle's counts and the next run on the simulated clock. --json uses Graph's field names\n" +
			"(synchronizationStatus, ENTRA-QUAR-06/07). Each error code is shown with where it comes from:\n" +
			"documented by Microsoft (DOC Sx), observed in the field (OBS Ox) or this harness's default (UNC-xx).\n\n" +
			"The state file is only read (also while a cycle runs on it): a missing one is an error and is not created.\n\n" +
			"Exit codes: 0 shown; 1 the state file cannot be read; 2 bad flags, or a state file that does not exist\n" +
			"or is not an entrasim state.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			return runStatus(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.state, "state", "", "state file; required")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON (Graph synchronizationStatus field names)")
	return cmd
}

func runStatus(ctx context.Context, opts *statusOptions, out io.Writer) error {
	st, err := openState(ctx, opts.cmdPath, opts.state, stateRead)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := buildStatus(ctx, st)
	if err != nil {
		return failure(err)
	}
	if opts.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	printStatus(out, v)
	return nil
}

func buildStatus(ctx context.Context, st *state.Store) (*statusView, error) {
	j, err := st.Job(ctx)
	if err != nil {
		return nil, err
	}
	ledger, err := st.Escrow(ctx)
	if err != nil {
		return nil, err
	}
	objs, err := st.Objects(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := st.Config(ctx)
	if err != nil {
		return nil, err
	}
	qs := j.Status.Status
	def := quarantine.DefaultConfig()
	th := cfg.Thresholds
	pick := func(v, d int64) int64 {
		if v == 0 {
			return d
		}
		return v
	}
	v := &statusView{Code: j.Code(), Quarantine: qs.Quarantine,
		CountSuccessiveCompleteFailures: qs.CountSuccessiveCompleteFailures, EscrowsPruned: qs.EscrowsPruned,
		LastExecution: qs.LastExecution, LastSuccessfulExecution: qs.LastSuccessfulExecution,
		LastSuccessfulExecutionWithExports: qs.LastSuccessfulExecutionWithExports,
		JobID:                              j.JobID, Clock: j.Clock, NextRun: j.Clock, Interval: j.Interval.String(), Cycles: j.Cycles,
		LastCycle: j.LastCycle, Linked: map[string]int{"users": 0, "groups": 0}, NextCycle: "incremental",
		Escrows: ledger.Len(), EscrowCounts: ledger.Counts(), EscrowEntries: escrowViews(ledger.All()),
		Thresholds: state.Thresholds{MinFailures: pick(th.MinFailures, def.MinFailures),
			ProportionPercent: pick(th.ProportionPercent, def.ProportionPercent),
			BaseFailures:      pick(th.BaseFailures, def.BaseFailures), TotalFailures: pick(th.TotalFailures, def.TotalFailures)},
		NotificationEmail: cfg.NotificationEmail}
	if q := qs.Quarantine; q != nil && q.Error != nil && q.Error.Code != "" {
		src := outcome.CodeSource(q.Error.Code)
		v.QuarantineErrorCodeSource = &src
	}
	if q := qs.Quarantine; q != nil && j.Status.Quarantined() && q.NextAttempt.After(v.NextRun) {
		v.NextRun = q.NextAttempt
	}
	if j.NeedsInitial {
		v.NextCycle = "initial"
		v.Resumes = j.Resume
	}
	for _, o := range objs {
		if o.Linked() {
			v.Linked[string(o.Kind)+"s"]++
		}
	}
	return v, nil
}

func printStatus(w io.Writer, v *statusView) {
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	fmt.Fprintf(w, "Job %s\nStatus: %s\n", v.JobID, v.Code)
	if q := v.Quarantine; q != nil {
		fmt.Fprintf(w, "Quarantine reason: %s (since %s; first failure %s; %d failed retries)\n",
			q.Reason, ts(q.CurrentBegan), ts(q.SeriesBegan), q.SeriesCount)
		if !q.NextAttempt.IsZero() {
			fmt.Fprintf(w, "  next attempt %s\n", ts(q.NextAttempt))
		}
		if q.Error != nil {
			fmt.Fprintf(w, "  %s [%s]: %s\n", q.Error.Code, outcome.CodeSource(q.Error.Code), q.Error.Message)
		}
	}
	if v.EscrowsPruned {
		fmt.Fprintln(w, "Escrows pruned: the initial cycle reached the failure thresholds; the job is paused (QUAR-07).")
	}
	next := v.NextCycle
	if v.Resumes {
		next += ", continuing the interrupted one"
	}
	fmt.Fprintf(w, "Cycles run: %d; next run %s (%s, every %s); successive complete failures: %d\n",
		v.Cycles, ts(v.NextRun), next, v.Interval, v.CountSuccessiveCompleteFailures)
	fmt.Fprintf(w, "Linked: %d users, %d groups; escrows: %d (%d failures, %d reference failures)\n",
		v.Linked["users"], v.Linked["groups"], v.Escrows, v.EscrowCounts.Failures, v.EscrowCounts.ReferenceFailures)
	for _, e := range v.EscrowEntries {
		kind := "own"
		if e.Reference {
			kind = "reference"
		}
		fmt.Fprintf(w, "  %s %s (%s %s): %s [%s], %d attempt(s) since %s, next attempt %s\n",
			e.Kind, e.ID, e.Action, kind, e.ErrorCode, e.ErrorCodeSource, e.Attempts, ts(e.FirstFailure), ts(e.NextAttempt))
	}
	if c := v.LastCycle; c != nil {
		n := c.Counts
		kind := c.Kind
		if c.Interrupted {
			kind += ", interrupted"
		}
		fmt.Fprintf(w, "Last cycle %s (%s at %s): created %d, updated %d, disabled %d, deleted %d, skipped %d, failed %d, staged deletes %d; %d requests\n",
			c.ID, kind, ts(c.Started), n.Created, n.Updated, n.Disabled, n.Deleted, n.Skipped, n.Failed, n.StagedDeletes, n.Requests)
	}
	fmt.Fprintf(w, "Thresholds (QUAR-03): evaluated from %d failures; >%d%% failed, >%d failures, >%d in total\n",
		v.Thresholds.MinFailures, v.Thresholds.ProportionPercent, v.Thresholds.BaseFailures, v.Thresholds.TotalFailures)
}
