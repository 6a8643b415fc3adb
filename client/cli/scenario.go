package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/reproduce/throwaway"
	"github.com/quantive/entra-scim-harness/client/scenario"
)

func newScenarioCmd(common *commonOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario",
		Short: "Run failure scenarios: a directory, a fault plan, cycles and expected log codes and job status",
	}
	cmd.AddCommand(newScenarioRunCmd(common), newScenarioListCmd())
	return cmd
}

// scenarioRunOptions are the flags and argument of `entrasim scenario run`.
type scenarioRunOptions struct {
	cmdPath string // "entrasim scenario run", for messages
	// common: the common client flags, refused when given.
	common                        *commonOptions
	file                          string // FILE|NAME
	adminURL, adminToken, workDir string
}

func newScenarioRunCmd(common *commonOptions) *cobra.Command {
	opts := &scenarioRunOptions{common: common}
	cmd := &cobra.Command{
		Use:   "run FILE|NAME",
		Short: "Run one scenario and print each cycle and a verdict",
		Long: "Runs a scenario file (or the name of one under fixtures/scenarios) against a fresh account of a\n" +
			"reference server: by default a throwaway one inside this process; with --admin-url and --admin-token\n" +
			"any server offering the reference server's admin API (accounts, tokens, fault plans). The first line\n" +
			"of the output names the target. A scenario never runs against a tenant URL: the common client flags\n" +
			"(--tenant-url, --token, --dialect, --timeout, …) are refused, the scenario file giving the client's\n" +
			"settings, and SCIM_TENANT_URL and SCIM_TOKEN in the environment are not read.\n" +
			"Each cycle is printed with its simulated time, counts, error codes and job status.\n\n" +
			"Exit codes: 0 every expectation held; 1 an expectation failed or the target failed; 2 bad file or flags.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.cmdPath, opts.file = cmd.CommandPath(), args[0]
			return runScenarioRun(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.adminURL, "admin-url", "", "base URL of a reference server to use instead of a throwaway one")
	cmd.Flags().StringVar(&opts.adminToken, "admin-token", "", "its admin token")
	cmd.Flags().StringVar(&opts.workDir, "work-dir", "", "keep the state file and the outbox here (default: a temp dir, removed)")
	return cmd
}

func runScenarioRun(ctx context.Context, opts *scenarioRunOptions, out io.Writer) error {
	// The common client flags (--tenant-url, --token, --dialect,
	// --timeout, …) would be ignored: refuse any that is given.
	if ignored := opts.common.given.names(); len(ignored) > 0 {
		verb := "is"
		if len(ignored) > 1 {
			verb = "are"
		}
		list := strings.Join(ignored, ", ")
		return usagef("%s: %s %s not used by scenario run, which runs against a fresh account of a reference server "+
			"(a throwaway one, or --admin-url with --admin-token) and takes its client settings from the scenario file; drop %s",
			opts.cmdPath, list, verb, list)
	}
	sc, err := loadScenario(opts.file)
	if err != nil {
		return usagef("%s: %v", opts.cmdPath, err)
	}
	if (opts.adminURL == "") != (opts.adminToken == "") {
		return usagef("%s: --admin-url and --admin-token go together", opts.cmdPath)
	}
	tgt := &scenario.Target{BaseURL: opts.adminURL, AdminToken: opts.adminToken}
	if opts.adminURL == "" {
		fmt.Fprintln(out, "running against: throwaway reference server, in this process and discarded afterwards (a fresh account)")
	} else {
		fmt.Fprintf(out, "running against: reference server %s (given with --admin-url; a fresh account)\n", opts.adminURL)
	}
	if v := os.Getenv(EnvTenantURL); v != "" {
		fmt.Fprintf(out, "  %s is set (%s) but not used: scenarios never run against a tenant URL\n", EnvTenantURL, v)
	}
	if opts.adminURL == "" {
		srv, err := throwaway.Start(ctx)
		if err != nil {
			return failure(err)
		}
		defer srv.Close()
		tgt.BaseURL, tgt.AdminToken = srv.BaseURL, srv.AdminToken
	}
	dir := opts.workDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "entrasim-scenario-*"); err != nil {
			return failure(err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return failure(err)
	}
	res, err := scenario.Run(ctx, sc, tgt, dir, out)
	if err != nil {
		return failure(err)
	}
	if !res.Passed() {
		return failure(fmt.Errorf("scenario %s: %d expectation(s) failed", sc.Name, len(res.Failures)))
	}
	return nil
}

func newScenarioListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the scenarios under fixtures/scenarios",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScenarioList(cmd.OutOrStdout())
		},
	}
}

// runScenarioList prints each committed scenario with its description.
func runScenarioList(out io.Writer) error {
	names, err := scenario.Files()
	if err != nil {
		return failure(err)
	}
	for _, n := range names {
		sc, err := scenario.LoadFixture(n)
		if err != nil {
			return failure(err)
		}
		fmt.Fprintf(out, "%-36s %s\n", n, strings.TrimSpace(sc.Description))
	}
	return nil
}

// loadScenario reads a file, or a committed scenario by name.
func loadScenario(arg string) (*scenario.Scenario, error) {
	if _, err := os.Stat(arg); err == nil {
		return scenario.Load(arg)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	sc, err := scenario.LoadFixture(strings.TrimSuffix(arg, ".yaml"))
	if err != nil {
		return nil, fmt.Errorf("%s is neither a file nor a scenario under fixtures/scenarios (see `entrasim scenario list`)", arg)
	}
	return sc, nil
}
