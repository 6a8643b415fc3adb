package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/scim"
)

func init() { register("test-connection", newTestConnectionCommand) }

func newTestConnectionCommand() *cobra.Command {
	var matching string
	var noGroupProbe, keepFlags bool
	cmd := &cobra.Command{
		Use:   "test-connection",
		Short: "Test the tenant URL and token as Entra's Test Connection does (ENTRA-FLOW-01)",
		Long: "Sends Entra's Test Connection probes: GET /Users?filter=<matching attribute> eq \"<random GUID>\" and\n" +
			"a group query with a random displayName. Exit 0 when Entra would accept the credentials, 1 with\n" +
			"the error code Entra would show otherwise, 2 on bad flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(matching) == "" {
				return usagef("%s: --matching-attribute must not be empty", cmd.CommandPath())
			}
			c, err := NewClient(cmd, func(o *scim.Options) {
				o.MatchingAttribute = matching
				o.SkipGroupProbe = noGroupProbe
				o.KeepURLFlags = keepFlags
			})
			if err != nil {
				return err
			}
			rep, err := c.TestConnection(cmd.Context())
			if err != nil {
				return failure(err)
			}
			printConnectionReport(cmd.OutOrStdout(), c, rep)
			if !rep.OK {
				f := rep.Failure
				return failure(errors.New("test connection failed: " + f.ErrorCode + ": " + f.Reason))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&matching, "matching-attribute", "userName", "attribute of the user probe filter")
	cmd.Flags().BoolVar(&noGroupProbe, "no-group-probe", false, "leave out the group probe")
	cmd.Flags().BoolVar(&keepFlags, "keep-url-flags", false, "repeat the tenant URL's query (feature flags) on each request (UNC-05)")
	return cmd
}

func printConnectionReport(w io.Writer, c *scim.Client, rep *scim.ConnectionReport) {
	fmt.Fprintf(w, "Tenant URL %s, dialect %s\n", c.BaseURL(), c.Dialect())
	for _, chk := range rep.Checks {
		r := chk.Result
		status := "ok  "
		if !r.Outcome.Success {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %s: %s %s -> %s\n", status, chk.Name, r.Request.Method, r.URL, httpStatus(r.Outcome.HTTPStatus))
		if chk.Warning != "" {
			fmt.Fprintf(w, "     warning: %s\n", chk.Warning)
		}
	}
	if rep.OK {
		fmt.Fprintln(w, "Test Connection succeeded: Entra would accept these credentials.")
		return
	}
	f := rep.Failure
	fmt.Fprintf(w, "Test Connection failed: %s\n", f.ErrorCode)
	fmt.Fprintf(w, "  reason: %s\n", f.Reason)
	if f.RecommendedAction != "" {
		fmt.Fprintf(w, "  recommended action: %s\n", f.RecommendedAction)
	}
	if f.QuarantineReason != "" {
		fmt.Fprintf(w, "  during provisioning cycles: quarantine (%s)\n", f.QuarantineReason)
	}
	if d := strings.TrimSpace(f.AdditionalDetails); d != "" {
		if len(d) > 2000 {
			d = d[:2000] + "…"
		}
		fmt.Fprintf(w, "  details: %s\n", d)
	}
	fmt.Fprintf(w, "  spec: %s\n", f.SpecID)
}

func httpStatus(s int) string {
	if s == 0 {
		return "no HTTP answer"
	}
	return fmt.Sprintf("HTTP %d", s)
}
