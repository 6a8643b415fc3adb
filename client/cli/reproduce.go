package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/reproduce"
	"github.com/quantive/entra-scim-harness/client/reproduce/throwaway"
	"github.com/quantive/entra-scim-harness/client/scenario"
)

func init() { register("reproduce", newReproduceCommand) }

func newReproduceCommand() *cobra.Command {
	var logFile, changeID, faults string
	var index int
	var seed bool
	cmd := &cobra.Command{
		Use:   "reproduce --log ENTRY.json",
		Short: "Replay the action of a provisioning-log record and check whether the same error code results",
		Long: "Reads a provisioning-log record (entrasim's JSON export, a Graph provisioningObjectSummary or the\n" +
			"JSON download of the Entra portal; an array needs --change-id or --index) and sends the requests of its\n" +
			"action (create, update, disable, delete; users and groups) to the tenant URL, printing each request and\n" +
			"answer. Without --tenant-url a throwaway reference server runs inside this process, optionally with a\n" +
			"fault plan of the catalogue (--faults). With --seed (default for the throwaway server) the objects the\n" +
			"action needs are created first. What a record does not hold is listed after the replay.\n\n" +
			"Exit codes: 0 the same error code (or the same success) results; 1 it does not; 2 bad input or flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(logFile) == "" {
				return usagef("%s: --log is required", cmd.CommandPath())
			}
			data, err := os.ReadFile(logFile)
			if err != nil {
				return usagef("%s: --log: %v", cmd.CommandPath(), err)
			}
			entry, _, err := reproduce.Select(data, changeID, index)
			if err != nil {
				return usagef("%s: %s: %v", cmd.CommandPath(), logFile, err)
			}
			fl := cmd.Flags()
			tenantURL, _ := fl.GetString("tenant-url")
			if tenantURL == "" {
				tenantURL = os.Getenv(EnvTenantURL)
			}
			ctx := cmd.Context()
			if tenantURL == "" {
				srv, err := throwaway.Start(ctx)
				if err != nil {
					return failure(err)
				}
				defer srv.Close()
				tgt := &scenario.Target{BaseURL: srv.BaseURL, AdminToken: srv.AdminToken}
				acct, err := tgt.NewAccount(ctx)
				if err != nil {
					return failure(err)
				}
				if faults != "" {
					if err := tgt.SetFaults(ctx, acct.ID, faults); err != nil {
						return usagef("%s: --faults: %v", cmd.CommandPath(), err)
					}
				}
				_ = fl.Set("tenant-url", acct.TenantURL)
				if !fl.Changed("token") && os.Getenv(EnvToken) == "" {
					_ = fl.Set("token", acct.Token)
				}
				if !fl.Changed("seed") {
					seed = true
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Target: throwaway reference server %s (fault plan: %s)\n", acct.TenantURL, orDefault(faults, "none"))
			} else if faults != "" {
				return usagef("%s: --faults installs a plan on the throwaway server; it cannot be combined with --tenant-url", cmd.CommandPath())
			}
			client, err := NewClient(cmd, nil)
			if err != nil {
				return err
			}
			rep, err := reproduce.Replay(ctx, entry, reproduce.Options{Client: client, Seed: seed, Out: cmd.OutOrStdout()})
			if errors.Is(err, reproduce.ErrBadInput) {
				return usagef("%s: %v", cmd.CommandPath(), err)
			}
			if err != nil {
				return failure(err)
			}
			if !rep.Reproduced {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("not reproduced: the record says %s, the replay got %s",
					orDefault(rep.Expected, "success"), orDefault(rep.Got, "success"))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&logFile, "log", "", "provisioning-log record(s) as JSON; required")
	f.StringVar(&changeID, "change-id", "", "pick the record with this changeId (or id) from an array")
	f.IntVar(&index, "index", -1, "pick the record at this position (from 0) from an array")
	f.BoolVar(&seed, "seed", false, "create the objects the action needs first (default on for the throwaway server)")
	f.StringVar(&faults, "faults", "", "fault plan of the catalogue (fixtures/faults) to install on the throwaway server")
	return cmd
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
