package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/progress"
	"github.com/quantive/entra-scim-harness/client/state"
)

// jobFlags are the flags shared by the commands that run the sync engine
// (cycle, run, provision).
type jobFlags struct {
	directory, state, mapping, logs string
	concurrency                     int
	allowDeletes                    bool
}

func (f *jobFlags) add(cmd *cobra.Command, withLogs bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.directory, "directory", "", "source directory file (YAML, see the architecture note); required")
	fl.StringVar(&f.state, "state", "", "state file (SQLite; created if missing); required")
	fl.StringVar(&f.mapping, "mapping", "", "attribute-mapping file (default: the one stored in the state, else the Gtmhub gallery mapping)")
	fl.IntVar(&f.concurrency, "concurrency", 1, "objects exported at once (Entra: 1, UNC-14)")
	if withLogs {
		fl.StringVar(&f.logs, "logs", "", "also write this run's provisioning-log records to FILE (JSON)")
		fl.BoolVar(&f.allowDeletes, "allow-deletes", false, "allow this cycle to go over the accidental-deletion threshold (ENTRA-DEL-01)")
	}
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
	if err := st.SaveConfig(cmd.Context(), state.Config{TenantURL: tenantURL, Dialect: dialect, MappingFile: mapFile}); err != nil {
		return nil, failure(err)
	}
	bar := progress.ForWriter(cmd.ErrOrStderr(), label)
	eng, err := engine.New(engine.Options{Client: client, Store: st, Config: cfg, Concurrency: f.concurrency,
		AllowDeletes: f.allowDeletes, Progress: bar.Update})
	if err != nil {
		return nil, usagef("%s: %v", cmd.CommandPath(), err)
	}
	ok = true
	return &setup{st: st, dir: dir, eng: eng, bar: bar}, nil
}

// summaryLine is the end-of-cycle summary.
func summaryLine(s *engine.Summary) string {
	if s.Stopped != "" {
		return fmt.Sprintf("Cycle not run: %s. Job %s.", s.Stopped, s.Job.Code)
	}
	c := s.Counts
	line := fmt.Sprintf("Cycle %s (%s): created %d, updated %d, disabled %d, deleted %d, skipped %d, failed %d",
		s.CycleID, s.Kind, c.Created, c.Updated, c.Disabled, c.Deleted, c.Skipped, c.Failed)
	if c.StagedDeletes > 0 {
		line += fmt.Sprintf(", staged deletes %d", c.StagedDeletes)
	}
	line += fmt.Sprintf("; %d requests. Job %s", c.Requests, s.Job.Code)
	if q := s.Job.Quarantine; q != nil {
		line += " (" + q.Reason + ")"
	}
	return line + ", next run " + s.Job.Clock.Format("2006-01-02T15:04:05Z") + "."
}
