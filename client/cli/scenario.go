package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quantive/entra-scim-harness/client/reproduce/throwaway"
	"github.com/quantive/entra-scim-harness/client/scenario"
)

func newScenarioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario",
		Short: "Run failure scenarios: a directory, a fault plan, cycles and expected log codes and job status",
	}
	var adminURL, adminToken, workDir string
	run := &cobra.Command{
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
			// The common client flags (--tenant-url, --token, --dialect,
			// --timeout, …) would be ignored: refuse any that is given.
			var ignored []string
			cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
				if f.Changed {
					ignored = append(ignored, "--"+f.Name)
				}
			})
			if len(ignored) > 0 {
				verb := "is"
				if len(ignored) > 1 {
					verb = "are"
				}
				list := strings.Join(ignored, ", ")
				return usagef("%s: %s %s not used by scenario run, which runs against a fresh account of a reference server "+
					"(a throwaway one, or --admin-url with --admin-token) and takes its client settings from the scenario file; drop %s",
					cmd.CommandPath(), list, verb, list)
			}
			sc, err := loadScenario(args[0])
			if err != nil {
				return usagef("%s: %v", cmd.CommandPath(), err)
			}
			if (adminURL == "") != (adminToken == "") {
				return usagef("%s: --admin-url and --admin-token go together", cmd.CommandPath())
			}
			out := cmd.OutOrStdout()
			tgt := &scenario.Target{BaseURL: adminURL, AdminToken: adminToken}
			if adminURL == "" {
				fmt.Fprintln(out, "running against: throwaway reference server, in this process and discarded afterwards (a fresh account)")
			} else {
				fmt.Fprintf(out, "running against: reference server %s (given with --admin-url; a fresh account)\n", adminURL)
			}
			if v := os.Getenv(EnvTenantURL); v != "" {
				fmt.Fprintf(out, "  %s is set (%s) but not used: scenarios never run against a tenant URL\n", EnvTenantURL, v)
			}
			if adminURL == "" {
				srv, err := throwaway.Start(cmd.Context())
				if err != nil {
					return failure(err)
				}
				defer srv.Close()
				tgt.BaseURL, tgt.AdminToken = srv.BaseURL, srv.AdminToken
			}
			dir := workDir
			if dir == "" {
				if dir, err = os.MkdirTemp("", "entrasim-scenario-*"); err != nil {
					return failure(err)
				}
				defer os.RemoveAll(dir)
			} else if err := os.MkdirAll(dir, 0o755); err != nil {
				return failure(err)
			}
			res, err := scenario.Run(cmd.Context(), sc, tgt, dir, out)
			if err != nil {
				return failure(err)
			}
			if !res.Passed() {
				return failure(fmt.Errorf("scenario %s: %d expectation(s) failed", sc.Name, len(res.Failures)))
			}
			return nil
		},
	}
	run.Flags().StringVar(&adminURL, "admin-url", "", "base URL of a reference server to use instead of a throwaway one")
	run.Flags().StringVar(&adminToken, "admin-token", "", "its admin token")
	run.Flags().StringVar(&workDir, "work-dir", "", "keep the state file and the outbox here (default: a temp dir, removed)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the scenarios under fixtures/scenarios",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			names, err := scenario.Files()
			if err != nil {
				return failure(err)
			}
			for _, n := range names {
				sc, err := scenario.LoadFixture(n)
				if err != nil {
					return failure(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-36s %s\n", n, strings.TrimSpace(sc.Description))
			}
			return nil
		},
	}
	cmd.AddCommand(run, list)
	return cmd
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
