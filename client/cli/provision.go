package cli

import (
	"errors"
	"fmt"
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

func newProvisionCmd() *cobra.Command {
	var f jobFlags
	var user, group string
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
			if (user == "") == (group == "") {
				return usagef("%s: give exactly one of --user and --group", cmd.CommandPath())
			}
			// A signal lets the objects in flight finish (at most six);
			// a second one aborts them.
			ctx, cancel := workContext(cmd.Context())
			defer cancel()
			s, err := openJob(ctx, cmd, &f, "provision", nil, nil)
			if err != nil {
				return err
			}
			defer s.st.Close()
			var res *engine.OnDemandResult
			if user != "" {
				res, err = s.eng.ProvisionUser(ctx, s.dir, user)
			} else {
				res, err = s.eng.ProvisionGroup(ctx, s.dir, group)
			}
			s.bar.Finish()
			if errors.Is(err, engine.ErrNotFound) {
				return usagef("%s: %v", cmd.CommandPath(), err)
			}
			if err != nil {
				if user == "" {
					return usagef("%s: %v", cmd.CommandPath(), err)
				}
				return failure(err)
			}
			w := cmd.OutOrStdout()
			obj := ""
			for _, st := range res.Steps {
				if st.Object != obj {
					obj = st.Object
					fmt.Fprintln(w, obj)
				}
				fmt.Fprintf(w, "  [%s] %s: %s\n", st.Status, st.Name, st.Detail)
			}
			if res.Failed {
				return failure(errors.New("provision on demand failed; see the steps above"))
			}
			return nil
		},
	}
	f.add(cmd, false)
	cmd.Flags().StringVar(&user, "user", "", "userPrincipalName or object id of the user")
	cmd.Flags().StringVar(&group, "group", "", "object id or display name of the group")
	return cmd
}
