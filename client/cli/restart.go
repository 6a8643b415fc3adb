package cli

import (
	"context"
	"fmt"
	"io"
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

// restartOptions are the flags of `entrasim restart`.
type restartOptions struct {
	cmdPath    string // "entrasim restart", for messages
	state      string
	resetScope string
}

func newRestartCmd() *cobra.Command {
	opts := &restartOptions{}
	cmd := &cobra.Command{
		Use:   "restart",
		Short: "Restart provisioning: the next cycle is an initial one (ENTRA-CYCLE-05)",
		Long: "Clears watermarks, escrows and quarantine; links to target objects are kept, unless\n" +
			"--reset-scope full (Graph restart criteria resetScope Full) breaks them so everything is matched again.\n\n" +
			"Exit codes: 0 done; 1 the state cannot be written; 2 bad flags, or a state file that does not exist\n" +
			"(nothing is created), is not an entrasim state or is in use by another process.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			return runRestart(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.state, "state", "", "state file; required")
	cmd.Flags().StringVar(&opts.resetScope, "reset-scope", "", "full: also break the links to target objects")
	return cmd
}

func runRestart(ctx context.Context, opts *restartOptions, out io.Writer) error {
	full := false
	switch strings.ToLower(opts.resetScope) {
	case "":
	case "full":
		full = true
	default:
		return usagef("%s: --reset-scope must be full, got %q", opts.cmdPath, opts.resetScope)
	}
	st, err := openState(ctx, opts.cmdPath, opts.state, stateWriteExisting)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Restart(ctx, full); err != nil {
		return failure(err)
	}
	msg := "Restarted: the next cycle is an initial cycle; links kept."
	if full {
		msg = "Restarted with resetScope Full: the next cycle is an initial cycle that matches every object again."
	}
	fmt.Fprintln(out, msg)
	return nil
}

// stateActionOptions are the flags of allow-deletes, stop and start.
type stateActionOptions struct {
	cmdPath string // "entrasim stop", for messages
	name    string // the command's name, "stop"
	state   string
	act     func(ctx context.Context, st *state.Store) error
}

func newStateActionCmd(name, short, long string, act func(ctx context.Context, st *state.Store) error) *cobra.Command {
	opts := &stateActionOptions{name: name, act: act}
	cmd := &cobra.Command{
		Use:   name,
		Short: short,
		Long: strings.TrimSpace(short+". "+long) + "\n\nExit codes: 0 done; 1 the state cannot be written; 2 bad flags, " +
			"or a state file that does not exist\n(nothing is created), is not an entrasim state or is in use by another process.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			return runStateAction(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.state, "state", "", "state file; required")
	return cmd
}

func runStateAction(ctx context.Context, opts *stateActionOptions, out io.Writer) error {
	st, err := openState(ctx, opts.cmdPath, opts.state, stateWriteExisting)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := opts.act(ctx, st); err != nil {
		return failure(err)
	}
	j, err := st.Job(ctx)
	if err != nil {
		return failure(err)
	}
	fmt.Fprintf(out, "%s: job %s\n", opts.name, j.Code())
	return nil
}
