package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/engine"
)

func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

// provisionOptions are the flags of `entrasim provision`.
type provisionOptions struct {
	job         jobOptions
	user, group string
}

func newProvisionCmd(common *commonOptions) *cobra.Command {
	opts := &provisionOptions{job: jobOptions{common: common}}
	cmd := &cobra.Command{
		Use:   "provision",
		Short: "Provision one user, or one group with up to 5 members, on demand (ENTRA-CYCLE-08)",
		Long: "Provisions on demand, printing the steps Entra shows: Test connection (only on failure), Import,\n" +
			"Scope, Match, Perform action. It can disable an unassigned user, not one disabled or deleted in Entra.\n\n" +
			referenceCheckHelp + "\n\n" +
			"Exit codes: 0 provisioned or skipped; 1 a step failed; 2 bad flags, unknown user or group, a group\n" +
			"with more than 5 members, a tenant URL without https:// or http://, or a state file that is not an\n" +
			"entrasim state or is in use (it is locked while the command runs); 130 interrupted by SIGINT or SIGTERM.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.job.parsed(cmd)
			return runProvision(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	opts.job.add(cmd, false)
	cmd.Flags().StringVar(&opts.user, "user", "", "userPrincipalName or object id of the user")
	cmd.Flags().StringVar(&opts.group, "group", "", "object id or display name of the group")
	return cmd
}

func runProvision(cmdCtx context.Context, opts *provisionOptions, out, errOut io.Writer) error {
	path, user, group := opts.job.cmdPath, opts.user, opts.group
	if (user == "") == (group == "") {
		return usagef("%s: give exactly one of --user and --group", path)
	}
	// A signal lets the objects in flight finish (at most six);
	// a second one aborts them.
	ctx, cancel := workContext(cmdCtx)
	defer cancel()
	s, err := openJob(ctx, &opts.job, errOut, "provision", nil, nil)
	if err != nil {
		return err
	}
	defer s.st.Close()
	dir, err := s.src.Directory()
	if err != nil {
		return usagef("%s: --directory: %v", path, err)
	}
	var res *engine.OnDemandResult
	if user != "" {
		res, err = s.eng.ProvisionUser(ctx, dir, user)
	} else {
		res, err = s.eng.ProvisionGroup(ctx, dir, group)
	}
	s.bar.Finish()
	if errors.Is(err, engine.ErrNotFound) {
		return usagef("%s: %v", path, err)
	}
	if err != nil {
		if user == "" {
			return usagef("%s: %v", path, err)
		}
		return failure(err)
	}
	obj := ""
	for _, st := range res.Steps {
		if st.Object != obj {
			obj = st.Object
			fmt.Fprintln(out, obj)
		}
		fmt.Fprintf(out, "  [%s] %s: %s\n", st.Status, st.Name, st.Detail)
	}
	if res.Failed {
		return failure(errors.New("provision on demand failed; see the steps above"))
	}
	return nil
}
