package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/state"
)

func newAllowDeletesCmd() *cobra.Command {
	return newStateActionCmd("allow-deletes",
		"Allow the deletes held back by accidental-deletion prevention (ENTRA-DEL-01)",
		"The next cycle applies the staged deletes and disables and the job leaves quarantine.",
		engine.AllowDeletes)
}

func newStopCmd() *cobra.Command {
	return newStateActionCmd("stop", "Turn provisioning off (ENTRA-CYCLE-04)",
		"Later cycles do not start until `entrasim start`.", engine.Stop)
}

func newStartCmd() *cobra.Command {
	return newStateActionCmd("start", "Turn provisioning back on after stop", "", engine.Start)
}

func newRestartCmd() *cobra.Command {
	var path, reset string
	cmd := &cobra.Command{
		Use:   "restart",
		Short: "Restart provisioning: the next cycle is an initial one (ENTRA-CYCLE-05)",
		Long: "Clears watermarks, escrows and quarantine; links to target objects are kept, unless\n" +
			"--reset-scope full (Graph restart criteria resetScope Full) breaks them so everything is matched again.\n\n" +
			"Exit codes: 0 done; 1 the state cannot be written; 2 bad flags, or a state file that does not exist\n" +
			"(nothing is created), is not an entrasim state or is in use by another process.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			full := false
			switch strings.ToLower(reset) {
			case "":
			case "full":
				full = true
			default:
				return usagef("%s: --reset-scope must be full, got %q", cmd.CommandPath(), reset)
			}
			st, err := openState(cmd.Context(), cmd, path, stateWriteExisting)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Restart(cmd.Context(), full); err != nil {
				return failure(err)
			}
			msg := "Restarted: the next cycle is an initial cycle; links kept."
			if full {
				msg = "Restarted with resetScope Full: the next cycle is an initial cycle that matches every object again."
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "state", "", "state file; required")
	cmd.Flags().StringVar(&reset, "reset-scope", "", "full: also break the links to target objects")
	return cmd
}

func newStateActionCmd(name, short, long string, act func(ctx context.Context, st *state.Store) error) *cobra.Command {
	{
		var path string
		cmd := &cobra.Command{
			Use:   name,
			Short: short,
			Long: strings.TrimSpace(short+". "+long) + "\n\nExit codes: 0 done; 1 the state cannot be written; 2 bad flags, " +
				"or a state file that does not exist\n(nothing is created), is not an entrasim state or is in use by another process.",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				st, err := openState(cmd.Context(), cmd, path, stateWriteExisting)
				if err != nil {
					return err
				}
				defer st.Close()
				if err := act(cmd.Context(), st); err != nil {
					return failure(err)
				}
				j, err := st.Job(cmd.Context())
				if err != nil {
					return failure(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: job %s\n", name, j.Code)
				return nil
			},
		}
		cmd.Flags().StringVar(&path, "state", "", "state file; required")
		return cmd
	}
}
