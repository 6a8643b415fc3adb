package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/progress"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/state"
)

// jobFlags are the flags shared by the commands that run the sync engine
// (cycle, run, provision).
type jobFlags struct {
	directory, state, mapping, logs string
	concurrency                     int
	allowDeletes, retryNow          bool
	// referenceCheck sends the manager reference check (ENTRA-FLOW-06).
	referenceCheck bool
	// failure behaviour (issue 6); remembered in the state file
	outbox, notificationEmail string
	thresholds                state.Thresholds
}

func (f *jobFlags) add(cmd *cobra.Command, withLogs bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.directory, "directory", "", "source directory: a YAML file, or a folder with a Microsoft Graph export (docs/directory-format.md); required")
	fl.StringVar(&f.state, "state", "", "state file (SQLite; created if missing); required")
	fl.StringVar(&f.mapping, "mapping", "", "attribute-mapping file (default: the one stored in the state, else the Gtmhub gallery mapping)")
	fl.IntVar(&f.concurrency, "concurrency", 1, "objects exported at once (Entra: 1, UNC-14)")
	fl.BoolVar(&f.referenceCheck, "reference-check", true,
		"send the reference check before each manager PATCH (ENTRA-FLOW-06, UNC-04); false leaves it out")
	if withLogs {
		fl.StringVar(&f.logs, "logs", "", "also write this run's provisioning-log records to FILE (JSON)")
		fl.BoolVar(&f.allowDeletes, "allow-deletes", false, "allow this cycle to go over the accidental-deletion threshold (ENTRA-DEL-01)")
		fl.StringVar(&f.outbox, "outbox", "", "folder for the quarantine emails (.eml, QUAR-06); default: outbox/ next to the state file")
		fl.StringVar(&f.notificationEmail, "notification-email", "", "the app's Notification Email; without one no quarantine email is written (QUAR-06)")
		fl.Int64Var(&f.thresholds.MinFailures, "quarantine-min-failures", 0, "failures before the thresholds are evaluated (QUAR-03; 0 = default 5000)")
		fl.Int64Var(&f.thresholds.ProportionPercent, "quarantine-proportion", 0, "quarantine above this % of failed events (QUAR-03; 0 = default 40)")
		fl.Int64Var(&f.thresholds.BaseFailures, "quarantine-base-failures", 0, "quarantine above this many non-reference failures (QUAR-03; 0 = default 40000)")
		fl.Int64Var(&f.thresholds.TotalFailures, "quarantine-total-failures", 0, "quarantine above this many failures in total (QUAR-03; 0 = default 60000)")
	}
}

// failureSettings merges the failure-behaviour flags over the stored
// configuration: a flag given wins and is remembered.
func (f *jobFlags) failureSettings(cmd *cobra.Command, c *state.Config) {
	fl := cmd.Flags()
	if fl.Lookup("outbox") == nil {
		return
	}
	if fl.Changed("outbox") {
		c.Outbox = f.outbox
	}
	if fl.Changed("notification-email") {
		c.NotificationEmail = f.notificationEmail
	}
	set := func(name string, dst *int64, v int64) {
		if fl.Changed(name) {
			*dst = v
		}
	}
	set("quarantine-min-failures", &c.Thresholds.MinFailures, f.thresholds.MinFailures)
	set("quarantine-proportion", &c.Thresholds.ProportionPercent, f.thresholds.ProportionPercent)
	set("quarantine-base-failures", &c.Thresholds.BaseFailures, f.thresholds.BaseFailures)
	set("quarantine-total-failures", &c.Thresholds.TotalFailures, f.thresholds.TotalFailures)
}

// defaultOutbox is outbox/ next to the state file.
func defaultOutbox(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), "outbox")
}

// openState opens --state, a usage error when missing or not a state file.
func openState(cmd *cobra.Command, path string) (*state.Store, error) {
	if strings.TrimSpace(path) == "" {
		return nil, usagef("%s: --state is required", cmd.CommandPath())
	}
	st, err := state.Open(cmd.Context(), path)
	if err != nil {
		if errors.Is(err, state.ErrNotStateFile) {
			return nil, usagef("%s: --state %s: %v", cmd.CommandPath(), path, err)
		}
		return nil, failure(err)
	}
	return st, nil
}

// setup is an opened job: state, directory, engine.
type setup struct {
	st  *state.Store
	dir *directory.Directory
	eng *engine.Engine
	bar *progress.Bar
}

// openJob reads the flags, opens the state and directory, builds the client
// (tenant URL and dialect fall back to the state; the token is never
// stored) and the engine, and remembers the configuration in the state.
func openJob(cmd *cobra.Command, f *jobFlags, label string) (*setup, error) {
	if strings.TrimSpace(f.directory) == "" {
		return nil, usagef("%s: --directory is required", cmd.CommandPath())
	}
	if f.concurrency < 1 {
		return nil, usagef("%s: --concurrency must be at least 1, got %d", cmd.CommandPath(), f.concurrency)
	}
	dir, err := directory.Load(f.directory)
	if err != nil {
		return nil, usagef("%s: --directory: %v", cmd.CommandPath(), err)
	}
	st, err := openState(cmd, f.state)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	cfgStored, err := st.Config(cmd.Context())
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
			return nil, usagef("%s: --mapping: %v", cmd.CommandPath(), err)
		}
	}
	fl := cmd.Flags()
	if !fl.Changed("tenant-url") && os.Getenv(EnvTenantURL) == "" && cfgStored.TenantURL != "" {
		_ = fl.Set("tenant-url", cfgStored.TenantURL)
	}
	if !fl.Changed("dialect") && cfgStored.Dialect != "" {
		_ = fl.Set("dialect", cfgStored.Dialect)
	}
	client, err := NewClient(cmd, nil)
	if err != nil {
		return nil, err
	}
	tenantURL, _ := fl.GetString("tenant-url")
	if tenantURL == "" {
		tenantURL = os.Getenv(EnvTenantURL)
	}
	dialect, _ := fl.GetString("dialect")
	stored := cfgStored
	stored.TenantURL, stored.Dialect, stored.MappingFile = tenantURL, dialect, mapFile
	f.failureSettings(cmd, &stored)
	if err := st.SaveConfig(cmd.Context(), stored); err != nil {
		return nil, failure(err)
	}
	outbox := stored.Outbox
	if outbox == "" {
		outbox = defaultOutbox(f.state)
	}
	th := stored.Thresholds
	bar := progress.ForWriter(cmd.ErrOrStderr(), label)
	eng, err := engine.New(engine.Options{Client: client, Store: st, Config: cfg, Concurrency: f.concurrency,
		AllowDeletes: f.allowDeletes, Progress: bar.Update,
		Quarantine: quarantine.Config{MinFailures: th.MinFailures, ProportionPercent: th.ProportionPercent,
			BaseFailures: th.BaseFailures, TotalFailures: th.TotalFailures},
		Outbox: outbox, NotificationEmail: stored.NotificationEmail, RetryNow: f.retryNow,
		SkipReferenceCheck: !f.referenceCheck})
	if err != nil {
		return nil, usagef("%s: %v", cmd.CommandPath(), err)
	}
	ok = true
	return &setup{st: st, dir: dir, eng: eng, bar: bar}, nil
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
		return fmt.Sprintf("%s skipped: %s. Job %s.", at, s.Stopped, s.Job.Code)
	}
	if s.Stopped != "" {
		return fmt.Sprintf("%s Cycle not run: %s. Job %s.", at, s.Stopped, s.Job.Code)
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
	line += fmt.Sprintf("; %d requests; escrowed %d (+%d reference). Job %s", c.Requests, s.Escrow.Failures, s.Escrow.ReferenceFailures, s.Job.Code)
	if q := s.Job.Quarantine; q != nil {
		line += " (" + q.Reason + ")"
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
