package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

func init() { register("logs", newLogsCommand) }

func newLogsCommand() *cobra.Command {
	var path, format, out, cycle string
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Export the provisioning logs (Graph provisioningObjectSummary JSON, the three CSV files, or text)",
		Long: "Exports the provisioning-log records kept in the state file (LOG-01..11): --format json writes one JSON\n" +
			"array (to stdout, or provisioningLogs.json in --out); --format csv writes ProvisioningLogs.csv,\n" +
			"ProvisioningLogs_ProvisioningSteps.csv and ProvisioningLogs_ModifiedProperties.csv into --out;\n" +
			"--format text prints the records for reading, to stdout.\n\n" +
			"Where each errorCode comes from (documented by Microsoft, observed in the field, or this harness's\n" +
			"default) is in the text output and in ProvisioningLogs.csv's extra errorCodeSource column. The JSON\n" +
			"keeps Graph's provisioningObjectSummary shape and has no such field.\n\n" +
			"Exit codes: 0 written; 1 the state cannot be read or the files cannot be written; 2 bad flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "csv" && format != "text" {
				return usagef("%s: --format must be json or csv (or text to read), got %q", cmd.CommandPath(), format)
			}
			if format == "text" && out != "" {
				return usagef("%s: --format text prints to stdout; drop --out", cmd.CommandPath())
			}
			if format == "csv" && out == "" {
				return usagef("%s: --format csv writes three files: --out DIR is required", cmd.CommandPath())
			}
			st, err := openState(cmd, path)
			if err != nil {
				return err
			}
			defer st.Close()
			recs, err := st.Records(cmd.Context(), state.LogFilter{CycleID: cycle})
			if err != nil {
				return failure(err)
			}
			if format == "text" {
				if err := provlog.WriteText(cmd.OutOrStdout(), recs); err != nil {
					return failure(err)
				}
				return nil
			}
			if format == "csv" {
				if err := provlog.WriteCSVDir(out, recs); err != nil {
					return failure(fmt.Errorf("write CSV logs to %s: %w", out, err))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d records written to %s\n", len(recs), out)
				return nil
			}
			if out == "" {
				if err := provlog.WriteJSON(cmd.OutOrStdout(), recs); err != nil {
					return failure(err)
				}
				return nil
			}
			file := filepath.Join(out, "provisioningLogs.json")
			if err := mkdirAll(out); err != nil {
				return failure(err)
			}
			if err := writeJSONFile(file, recs); err != nil {
				return failure(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d records written to %s\n", len(recs), file)
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "state", "", "state file; required")
	cmd.Flags().StringVar(&format, "format", "json", "json, csv or text")
	cmd.Flags().StringVar(&out, "out", "", "output directory (required for csv)")
	cmd.Flags().StringVar(&cycle, "cycle", "", "only the records of this cycle id")
	return cmd
}
