package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/gcpolicy"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

const cycleExitHelp = "SIGINT or SIGTERM (alike) ends the cycle early: no further object is started, the objects in flight\n" +
	"finish, and what was done is saved with its provisioning-log records; one line says how far it got\n" +
	"(\"interrupted after 120 of 500 objects; their log records are saved; the next cycle continues from\n" +
	"there\"), and the next cycle does the rest without sending the finished writes again. A second signal\n" +
	"aborts the requests in flight; what was done before is still saved. The state file is locked while the\n" +
	"command runs: a second command writing it refuses at once (\"state file <path> in use by pid N\").\n\n" +
	tenantURLHelp + "\n\n" +
	"Exit codes: 0 the cycles ran, no object failed and the job is not quarantined at the end; 1 objects\n" +
	"failed, the job is quarantined, stopped, paused or disabled, or the state could not be written; 2 bad flags,\n" +
	"directory, mapping or tenant URL, or a state file that is not an entrasim state or is in use; 130\n" +
	"interrupted by SIGINT or SIGTERM."

func newCycleCmd(common *commonOptions) *cobra.Command {
	opts := &jobOptions{common: common}
	cmd := &cobra.Command{
		Use:   "cycle",
		Short: "Run one provisioning cycle (initial when the state is new, incremental otherwise)",
		Long: "Runs one cycle of Entra's sync engine (ENTRA-CYCLE-01/02) from the directory file to the tenant URL:\n" +
			"scoping, matching, create/update, references (manager, members), disables and deletes. The state file\n" +
			"keeps links, watermarks, the job status, the simulated clock and the provisioning logs, so running it\n" +
			"again after editing the directory is an incremental cycle.\n\n" + referenceCheckHelp + "\n\n" + cycleExitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.parsed(cmd)
			return runCycle(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	opts.add(cmd, true)
	cmd.Flags().BoolVar(&opts.retryNow, "retry-now", false, "run a quarantined job's retry now instead of skipping until its next attempt (QUAR-04)")
	return cmd
}

// runCycle runs one cycle: `entrasim cycle`.
func runCycle(ctx context.Context, opts *jobOptions, out, errOut io.Writer) error {
	return runCycles(ctx, opts, 1, 0, out, errOut)
}

// runOptions are the flags of `entrasim run`.
type runOptions struct {
	job      jobOptions
	cycles   int
	interval time.Duration
}

func newRunCmd(common *commonOptions) *cobra.Command {
	opts := &runOptions{job: jobOptions{common: common}}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run N cycles on the simulated clock",
		Long: "Runs --cycles cycles one after another, the simulated clock advancing by --interval between them\n" +
			"(Entra: every 40 minutes, ENTRA-CYCLE-03), one line per cycle with its simulated time, counts and job\n" +
			"status. While the job is quarantined, slots before the next retry (+6 h, +12 h, +24 h, then daily,\n" +
			"ENTRA-QUAR-04) are skipped and folded into one line; the first successful retry lifts the quarantine,\n" +
			"and 28 days of failed retries disable the job. Stops early when the job is stopped, paused or disabled.\n\n" +
			referenceCheckHelp + "\n\n" + cycleExitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.job.parsed(cmd)
			return runRun(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	opts.job.add(cmd, true)
	cmd.Flags().IntVar(&opts.cycles, "cycles", 1, "number of cycles")
	cmd.Flags().DurationVar(&opts.interval, "interval", 40*time.Minute, "simulated time between cycles")
	return cmd
}

// runRun runs --cycles cycles: `entrasim run`.
func runRun(ctx context.Context, opts *runOptions, out, errOut io.Writer) error {
	if opts.cycles < 1 {
		return usagef("%s: --cycles must be at least 1, got %d", opts.job.cmdPath, opts.cycles)
	}
	if opts.interval <= 0 {
		return usagef("%s: --interval must be positive, got %s", opts.job.cmdPath, opts.interval)
	}
	return runCycles(ctx, &opts.job, opts.cycles, opts.interval, out, errOut)
}

// runCycles runs n cycles, interval apart on the simulated clock (0: the
// job's interval). cmdCtx is the command's context, cancelled by the first
// signal; the requests go with a work context (workContext).
func runCycles(cmdCtx context.Context, f *jobOptions, n int, interval time.Duration, out, errOut io.Writer) error {
	signalled := cmdCtx.Done()
	ctx, cancel := workContext(cmdCtx)
	defer cancel()
	watch := &urlWatch{}
	s, err := openJob(ctx, f, errOut, "cycle", signalled, watch)
	if err != nil {
		return err
	}
	defer s.st.Close()
	stopNote := noteInterrupt(cmdCtx, errOut)
	defer stopNote()
	tenantURL := s.tenantURL
	if interval > 0 {
		j, err := s.st.Job(ctx)
		if err != nil {
			return failure(err)
		}
		j.Interval = interval
		if err := s.st.SaveJob(ctx, j); err != nil {
			return failure(err)
		}
	}
	// all holds the records for --logs: the engine keeps them in the
	// summary for --logs only (openJob sets engine.Options.KeepRecords),
	// as a million records are gigabytes (issue 16).
	var all []provlog.Record
	keep := func(sum *engine.Summary) { all = append(all, sum.Records...) }
	failed, stopped := false, false
	advice := ""
	// Consecutive skipped slots (quarantined until a later retry) are
	// folded into one line, so weeks of quarantine stay readable.
	var skipFirst, skipLast *engine.Summary
	skips := 0
	flushSkips := func() {
		if skips == 0 {
			return
		}
		if skips == 1 {
			fmt.Fprintln(out, summaryLine(skipFirst))
		} else {
			fmt.Fprintf(out, "%s .. %s skipped %d cycles: %s.\n", skipFirst.At.UTC().Format(time.RFC3339),
				skipLast.At.UTC().Format(time.RFC3339), skips, skipLast.Stopped)
		}
		skips = 0
	}
	for i := 0; i < n; i++ {
		if i > 0 && cmdCtx.Err() != nil {
			flushSkips()
			if err := writeLogs(f.logs, all); err != nil {
				return failure(err)
			}
			return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("%s after %d of %d cycles; the next cycle continues from there",
				interruptedText(cmdCtx), i, n)}
		}
		watch.reset()
		if i > 0 {
			budgetCycle(ctx, s.st) // openJob did the first's
		}
		sum, err := s.eng.CycleSource(ctx, s.src)
		s.bar.Finish()
		if serr := (*engine.SourceError)(nil); errors.As(err, &serr) {
			flushSkips()
			return usagef("%s: --directory: %v", f.cmdPath, serr.Err)
		}
		if errors.Is(err, engine.ErrStopped) {
			flushSkips()
			if errors.Is(err, engine.ErrDisabledByQuarantine) || errors.Is(err, engine.ErrPaused) {
				return failure(fmt.Errorf("%w (run `entrasim restart --state %s`)", err, f.state))
			}
			return failure(fmt.Errorf("the provisioning job is stopped (run `entrasim start --state %s`)", f.state))
		}
		if err != nil {
			flushSkips()
			return failure(err)
		}
		if sum.Interrupted {
			flushSkips()
			fmt.Fprintln(out, summaryLine(sum))
			keep(sum)
			if err := writeLogs(f.logs, all); err != nil {
				return failure(err)
			}
			return &ExitError{Code: ExitInterrupted, Err: errors.New(interruptedLine(interruptedText(cmdCtx), sum))}
		}
		if sum.Skipped {
			if skips == 0 || skipLast.Stopped != sum.Stopped {
				flushSkips()
				skipFirst = sum
			}
			skipLast = sum
			skips++
		} else {
			flushSkips()
			fmt.Fprintln(out, summaryLine(sum))
			if adv := watch.advice(tenantURL); adv != "" {
				fmt.Fprintln(out, "Tenant URL: "+adv)
				advice = adv
			}
		}
		keep(sum)
		failed = failed || sum.Counts.Failed > 0
		stopped = sum.Job.Quarantine() != nil
	}
	flushSkips()
	if err := writeLogs(f.logs, all); err != nil {
		return failure(err)
	}
	switch {
	case stopped && advice != "":
		return failure(errors.New("the job is quarantined: " + advice))
	case stopped:
		return failure(errors.New("the job is quarantined; see `entrasim status`"))
	case failed && advice != "":
		return failure(errors.New("some objects failed: " + advice))
	case failed:
		return failure(errors.New("some objects failed; see `entrasim logs`"))
	}
	return nil
}

// writeLogs writes --logs, if given.
func writeLogs(path string, records []provlog.Record) error {
	if path == "" {
		return nil
	}
	return writeListFile(path, records) // the same shape as logs --format json
}

// interruptedText is "interrupted by SIGTERM" (or SIGINT).
func interruptedText(cmdCtx context.Context) string {
	if sig := interruptedBy(cmdCtx); sig != "" {
		return "interrupted by " + sig
	}
	return "interrupted"
}

// interruptedLine says in one line how far an interrupted cycle got.
func interruptedLine(what string, s *engine.Summary) string {
	if s.Done == 0 && s.Logged == 0 {
		return fmt.Sprintf("%s before any of %d objects was done; nothing was written; the next cycle starts from the beginning",
			what, s.Total)
	}
	return fmt.Sprintf("%s after %d of %d objects; their log records are saved; the next cycle continues from there",
		what, s.Done, s.Total)
}

// noteInterrupt says on stderr, when the first signal arrives, that the
// cycle is finishing the objects in flight; stop ends the watch.
func noteInterrupt(cmdCtx context.Context, errOut io.Writer) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-cmdCtx.Done():
			fmt.Fprintf(errOut, "entrasim: %s: finishing the objects in flight, then saving what was done "+
				"(send the signal again to abort the requests in flight)\n", interruptedText(cmdCtx))
		case <-done:
		}
	}()
	return func() { close(done) }
}

// urlWatch is the engine observer of runCycles: it keeps the first failed
// answer of a cycle, for adviseTenantURL.
type urlWatch struct {
	mu    sync.Mutex
	first *outcome.Outcome
}

func (w *urlWatch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.first = nil
}

// Exported implements engine.Observer.
func (w *urlWatch) Exported(_ context.Context, e engine.Event) {
	if e.Status != provlog.StatusFailure || e.Outcome.Success || e.Outcome.HTTPStatus == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		o := e.Outcome
		w.first = &o
	}
}

// CycleDone implements engine.Observer.
func (w *urlWatch) CycleDone(context.Context, *engine.Summary) {}

// advice is the tenant URL advice for the cycle's first failed answer.
func (w *urlWatch) advice(tenantURL string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		return ""
	}
	return adviseTenantURL(tenantURL, *w.first, "").short()
}

// budgetCycle sets the batch GC limit for the job's next cycle: an
// initial cycle leaves more of entrasim's 1 GiB to what the Go heap does
// not count (gcpolicy.ForCycle). A job that cannot be read keeps the
// limit as it is; the cycle reports the error.
func budgetCycle(ctx context.Context, st *state.Store) {
	if j, err := st.Job(ctx); err == nil {
		gcpolicy.ForCycle(j.NeedsInitial)
	}
}
