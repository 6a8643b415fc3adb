package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/progress"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// jobOptions are the flags shared by the commands that run the sync
// engine (cycle, run, provision), with the common flags.
type jobOptions struct {
	cmdPath                         string // "entrasim cycle", for messages
	common                          *commonOptions
	directory, state, mapping, logs string
	concurrency                     int
	allowDeletes, retryNow          bool
	// referenceCheck sends the manager reference check (ENTRA-FLOW-06).
	referenceCheck bool
	// failure behaviour (issue 6); remembered in the state file. Only
	// cycle and run have these flags (failureFlags); given says which the
	// command line gave.
	outbox, notificationEmail string
	thresholds                state.Thresholds
	failureFlags              bool
	given                     failureGiven
	// fullScan turns the unchanged-source shortcut off (cycle and run
	// only; the others always read the directory).
	fullScan bool
	// spillAbove is engine.Options.SpillRecordsAbove (cycle and run).
	spillAbove int
}

// failureGiven records which failure-behaviour flags were given.
type failureGiven struct {
	outbox, notificationEmail                            bool
	minFailures, proportion, baseFailures, totalFailures bool
}

func (f *jobOptions) add(cmd *cobra.Command, withLogs bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.directory, "directory", "", "source directory: a YAML file, or a folder with a Microsoft Graph export (docs/directory-format.md); required")
	fl.StringVar(&f.state, "state", "", "state file (SQLite; created if missing; locked while the command runs); required")
	fl.StringVar(&f.mapping, "mapping", "", "attribute-mapping file (default: the one stored in the state, else the Gtmhub gallery mapping)")
	fl.IntVar(&f.concurrency, "concurrency", 1, "objects exported at once (Entra: 1, UNC-14)")
	fl.BoolVar(&f.referenceCheck, "reference-check", true,
		"send the reference check before each manager PATCH (ENTRA-FLOW-06, UNC-04); false leaves it out")
	if withLogs {
		f.failureFlags = true
		fl.StringVar(&f.logs, "logs", "", "also write this run's provisioning-log records to FILE (JSON)")
		fl.BoolVar(&f.allowDeletes, "allow-deletes", false, "allow this cycle to go over the accidental-deletion threshold (ENTRA-DEL-01)")
		fl.StringVar(&f.outbox, "outbox", "", "folder for the quarantine emails (.eml, QUAR-06); default: outbox/ next to the state file")
		fl.StringVar(&f.notificationEmail, "notification-email", "", "the app's Notification Email; without one no quarantine email is written (QUAR-06)")
		fl.Int64Var(&f.thresholds.MinFailures, "quarantine-min-failures", 0, "failures before the thresholds are evaluated (QUAR-03; 0 = default 5000)")
		fl.Int64Var(&f.thresholds.ProportionPercent, "quarantine-proportion", 0, "quarantine above this % of failed events (QUAR-03; 0 = default 40)")
		fl.Int64Var(&f.thresholds.BaseFailures, "quarantine-base-failures", 0, "quarantine above this many non-reference failures (QUAR-03; 0 = default 40000)")
		fl.Int64Var(&f.thresholds.TotalFailures, "quarantine-total-failures", 0, "quarantine above this many failures in total (QUAR-03; 0 = default 60000)")
		fl.BoolVar(&f.fullScan, "full-scan", false, fullScanHelp)
		fl.IntVar(&f.spillAbove, "spill-above", 0, "a cycle with more objects to work on than this keeps their log records and exported values "+
			"in a temporary file beside the state file until its commit, to bound memory (0 = default 50000; negative = always)")
	}
}

// parsed fills in what the parsed command line gives beyond the flag
// values: the command path and which failure-behaviour flags were given.
func (f *jobOptions) parsed(cmd *cobra.Command) {
	f.cmdPath = cmd.CommandPath()
	fl := cmd.Flags()
	f.given = failureGiven{outbox: fl.Changed("outbox"), notificationEmail: fl.Changed("notification-email"),
		minFailures: fl.Changed("quarantine-min-failures"), proportion: fl.Changed("quarantine-proportion"),
		baseFailures: fl.Changed("quarantine-base-failures"), totalFailures: fl.Changed("quarantine-total-failures")}
}

// failureSettings merges the failure-behaviour flags over the stored
// configuration: a flag given wins and is remembered.
func (f *jobOptions) failureSettings(c *state.Config) {
	if !f.failureFlags {
		return
	}
	if f.given.outbox {
		c.Outbox = f.outbox
	}
	if f.given.notificationEmail {
		c.NotificationEmail = f.notificationEmail
	}
	set := func(given bool, dst *int64, v int64) {
		if given {
			*dst = v
		}
	}
	set(f.given.minFailures, &c.Thresholds.MinFailures, f.thresholds.MinFailures)
	set(f.given.proportion, &c.Thresholds.ProportionPercent, f.thresholds.ProportionPercent)
	set(f.given.baseFailures, &c.Thresholds.BaseFailures, f.thresholds.BaseFailures)
	set(f.given.totalFailures, &c.Thresholds.TotalFailures, f.thresholds.TotalFailures)
}

// defaultOutbox is outbox/ next to the state file.
func defaultOutbox(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), "outbox")
}

// stateMode says how a command uses --state.
type stateMode int

const (
	// stateRead: read only (status, logs). The file must exist; nothing is
	// created or written, and writers are not kept out.
	stateRead stateMode = iota
	// stateWrite: written, created if missing (cycle, run, provision).
	// Locked for the length of the command.
	stateWrite
	// stateWriteExisting: written, but only an existing job (restart, stop,
	// start, allow-deletes): a mistyped path creates nothing.
	stateWriteExisting
)

// openState opens --state for mode. A missing --state or file (for
// stateRead and stateWriteExisting), a file that is not a state file, and
// a file in use by another process are usage errors (exit 2); so is any
// other problem opening it before anything ran.
func openState(ctx context.Context, cmdPath, path string, mode stateMode) (*state.Store, error) {
	if strings.TrimSpace(path) == "" {
		return nil, usagef("%s: --state is required", cmdPath)
	}
	var st *state.Store
	var err error
	switch mode {
	case stateRead:
		st, err = state.OpenReadOnly(ctx, path)
	case stateWriteExisting:
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			err = fmt.Errorf("state file %s: %w", path, state.ErrNoStateFile)
			break
		}
		fallthrough
	default:
		st, err = state.OpenExclusive(ctx, path)
	}
	switch {
	case err == nil:
		return st, nil
	case errors.Is(err, state.ErrNoStateFile):
		return nil, usagef("%s: state file %s does not exist (nothing was created; a cycle creates it: entrasim cycle --state %s …)",
			cmdPath, path, path)
	case errors.Is(err, state.ErrNotStateFile), errors.Is(err, state.ErrInUse):
		return nil, usagef("%s: %v", cmdPath, err)
	}
	return nil, usagef("%s: --state: %v", cmdPath, err)
}

// setup is an opened job: state, directory, engine.
type setup struct {
	st *state.Store
	// src is the directory, parsed only when a cycle needs it; a cycle
	// lets it go once planned (engine.ReleasingSource), so nothing else
	// holds on to it.
	src *cliSource
	eng *engine.Engine
	bar *progress.Bar
	// tenantURL is the job's tenant URL: the flag's, else the state's.
	tenantURL string
}

// openJob reads the flags, opens the state (locked until the setup's store
// is closed) and directory, builds the client (tenant URL and dialect fall
// back to the state; the token is never stored) and the engine, and
// remembers the configuration in the state. ctx is the command's work
// context (workContext); errOut gets the progress bar; interrupt ends
// cycles early (the first signal); obs watches the cycles (nil: none).
func openJob(ctx context.Context, f *jobOptions, errOut io.Writer, label string, interrupt <-chan struct{}, obs engine.Observer) (*setup, error) {
	path, common := f.cmdPath, f.common
	if strings.TrimSpace(f.directory) == "" {
		return nil, usagef("%s: --directory is required", path)
	}
	if f.concurrency < 1 {
		return nil, usagef("%s: --concurrency must be at least 1, got %d", path, f.concurrency)
	}
	// Cycle and run hash the directory first and parse it only when the
	// state's mark does not show it unchanged (issue 16); a new state file
	// is never created for a directory that does not parse.
	src := &cliSource{path: f.directory}
	fullScan := f.fullScan || fullScanEnv()
	if f.failureFlags {
		// --full-scan reads every chunk of the file but still refreshes
		// the cache for the cycles after it.
		src.chunks = &sourceChunks{ctx: ctx, read: !fullScan, spoolDir: filepath.Dir(f.state), spoolName: filepath.Base(f.state)}
	}
	if f.failureFlags && !fullScan {
		src.fileHash, _ = sourceFileHash(f.directory) // unreadable: parsed below, with its error
	}
	ok := false
	defer func() {
		if !ok && src.chunks != nil {
			src.chunks.closeSpool() // a load's spool the state never took
		}
	}()
	if _, serr := os.Stat(f.state); src.fileHash == "" || serr != nil {
		if _, err := src.Directory(); err != nil {
			return nil, usagef("%s: --directory: %v", path, err)
		}
	}
	// A tenant URL given now is checked before the state file is touched;
	// one read from the state below.
	if err := checkTenantURLScheme(path, common.tenantURLOrEnv()); err != nil {
		return nil, err
	}
	st, err := openState(ctx, path, f.state, stateWrite)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	budgetCycle(ctx, st) // before the directory is read, below
	keep := ""
	if src.chunks != nil && src.chunks.spool != nil {
		keep = src.chunks.spool.f.Name()
	}
	if n, size := removeLeftovers(f.state, keep); n > 0 {
		fmt.Fprintf(errOut, "%s: removed %d temporary file(s) (%s) left beside the state by a cycle that did not end\n", path, n, humanize.Bytes(uint64(size)))
	}
	if src.chunks != nil {
		src.chunks.open(ctx, st)
	}
	cfgStored, err := st.Config(ctx)
	if err != nil {
		return nil, failure(err)
	}
	mapFile := f.mapping
	if mapFile == "" {
		mapFile = cfgStored.MappingFile
	}
	cfg := mapping.Gtmhub()
	if mapFile != "" {
		if cfg, err = mapping.LoadFile(mapFile); err != nil {
			return nil, usagef("%s: --mapping: %v", path, err)
		}
	}
	// Tenant URL and dialect: flag (or environment), else the state's.
	tgt := clientTarget{tenantURL: common.resolveTenantURL(cfgStored.TenantURL), token: common.tokenOrEnv(),
		dialect: common.resolveDialect(cfgStored.Dialect)}
	tenantURL := tgt.tenantURL
	if err := checkTenantURLScheme(path, tenantURL); err != nil {
		return nil, err
	}
	// PATCH operations and body keys follow the mapping's row order, as
	// Microsoft's examples do (client/scim Options.AttributeOrder).
	client, err := common.newClient(path, tgt, func(o *scim.Options) { o.AttributeOrder = cfg.Users.Targets() })
	if err != nil {
		return nil, err
	}
	stored := cfgStored
	stored.TenantURL, stored.Dialect, stored.MappingFile = tenantURL, tgt.dialect, mapFile
	f.failureSettings(&stored)
	src.settingsDigest(mapFile, tenantURL, tgt.dialect, common.timeout, common.managerForm)
	outbox := stored.Outbox
	if outbox == "" {
		outbox = defaultOutbox(f.state)
	}
	th := stored.Thresholds
	bar := progress.ForWriter(errOut, label)
	eng, err := engine.New(engine.Options{Client: client, Store: st, Config: cfg, Concurrency: f.concurrency,
		AllowDeletes: f.allowDeletes, Progress: bar.Update,
		Quarantine: quarantine.Config{MinFailures: th.MinFailures, ProportionPercent: th.ProportionPercent,
			BaseFailures: th.BaseFailures, TotalFailures: th.TotalFailures},
		Outbox: outbox, NotificationEmail: stored.NotificationEmail, RetryNow: f.retryNow,
		SkipReferenceCheck: !f.referenceCheck, Interrupt: interrupt, Observer: obs,
		// The summary keeps the records for --logs only: the state file
		// has them anyway, and a million of them are gigabytes (issue 16).
		KeepRecords: f.logs != "",
		// A large cycle's spill file (gigabytes at a million users) goes
		// on the disk chosen for the state, not in the temp folder, which
		// is often in memory (tmpfs).
		SpillRecordsAbove: f.spillAbove, SpillDir: filepath.Dir(f.state), SpillName: filepath.Base(f.state)})
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	if src.dir == nil {
		unchanged, err := eng.SourceUnchanged(ctx, src.Digest())
		if err != nil {
			return nil, failure(err)
		}
		if !unchanged {
			if _, err := src.Directory(); err != nil {
				return nil, usagef("%s: --directory: %v", path, err)
			}
		}
	}
	if err := st.SaveConfig(ctx, stored); err != nil {
		return nil, failure(err)
	}
	ok = true
	return &setup{st: st, src: src, eng: eng, bar: bar, tenantURL: tenantURL}, nil
}

// referenceCheckHelp documents --reference-check in the help of the
// commands that run the sync engine.
const referenceCheckHelp = "Before each manager PATCH (ENTRA-FLOW-08) the engine sends the reference check\n" +
	"GET /Users?filter=id eq \"<user>\" and manager eq \"<manager>\"&attributes=id (ENTRA-FLOW-06); whether Entra still\n" +
	"sends it is unconfirmed (UNC-04), so --reference-check=false leaves it out. A check answered with an error\n" +
	"(non-2xx, unreadable) does not fail the user: it is logged as a failed reference-resolution step naming\n" +
	"ENTRA-FLOW-06 (the record a warning) and the manager PATCH is sent all the same."

// summaryLine is the end-of-cycle summary: the simulated time, what the
// cycle did, the job status and the next run.
func summaryLine(s *engine.Summary) string {
	at := s.At.UTC().Format(time.RFC3339)
	if s.Skipped {
		return fmt.Sprintf("%s skipped: %s. Job %s.", at, s.Stopped, s.Job.Code())
	}
	if s.Interrupted {
		c := s.Counts
		return fmt.Sprintf("%s Cycle %s (%s) interrupted after %d of %d objects: created %d, updated %d, disabled %d, "+
			"deleted %d, skipped %d, failed %d; %d requests. Job %s.", at, s.CycleID, s.Kind, s.Done, s.Total,
			c.Created, c.Updated, c.Disabled, c.Deleted, c.Skipped, c.Failed, c.Requests, s.Job.Code())
	}
	if s.Stopped != "" {
		return fmt.Sprintf("%s Cycle not run: %s. Job %s.", at, s.Stopped, s.Job.Code())
	}
	c := s.Counts
	kind := s.Kind
	if s.Retry {
		kind += ", quarantine retry"
	}
	line := fmt.Sprintf("%s Cycle %s (%s): created %d, updated %d, disabled %d, deleted %d, skipped %d, failed %d",
		at, s.CycleID, kind, c.Created, c.Updated, c.Disabled, c.Deleted, c.Skipped, c.Failed)
	if c.StagedDeletes > 0 {
		line += fmt.Sprintf(", staged deletes %d", c.StagedDeletes)
	}
	if s.Deferred > 0 {
		line += fmt.Sprintf(", deferred %d", s.Deferred)
	}
	line += fmt.Sprintf("; %d requests; escrowed %d (+%d reference). Job %s", c.Requests, s.Escrow.Failures, s.Escrow.ReferenceFailures, s.Job.Code())
	if q := s.Job.Quarantine(); q != nil {
		line += " (" + string(q.Reason) + ")"
	}
	if t := s.Transition; t != nil && t.Event != quarantine.EventRan {
		line += " [" + string(t.Event) + "]"
	}
	line += ", next run " + s.NextRun.UTC().Format(time.RFC3339) + "."
	if s.Notification != "" {
		line += " Quarantine email: " + s.Notification
	}
	return line
}
