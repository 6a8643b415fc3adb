package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// logsOptions are the flags of `entrasim logs`.
type logsOptions struct {
	cmdPath                      string // "entrasim logs", for messages
	state, format, outDir, cycle string
}

func newLogsCmd() *cobra.Command {
	opts := &logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Export the provisioning logs (Graph's provisioningObjectSummary list, the three CSV files, or text)",
		Long: "Exports the provisioning-log records kept in the state file (LOG-01..11): --format json writes Graph's\n" +
			"answer to GET /auditLogs/provisioning, {\"@odata.context\": \"" + provlog.GraphListContext + "\",\n" +
			"\"value\": [ provisioningObjectSummary, … ]} (to stdout, or provisioningLogs.json in --out); --format csv\n" +
			"writes ProvisioningLogs.csv, ProvisioningLogs_ProvisioningSteps.csv and\n" +
			"ProvisioningLogs_ModifiedProperties.csv into --out; --format text prints the records for reading, to stdout.\n\n" +
			"Where each errorCode comes from (documented by Microsoft, observed in the field, or this harness's\n" +
			"default) is in the text output and in ProvisioningLogs.csv's extra errorCodeSource column. The JSON\n" +
			"keeps Graph's provisioningObjectSummary shape and has no such field.\n\n" +
			"The state file is only read: a missing one is an error and is not created.\n\n" +
			"Exit codes: 0 written; 1 the state cannot be read or the files cannot be written; 2 bad flags, or a\n" +
			"state file that does not exist or is not an entrasim state.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			return runLogs(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.state, "state", "", "state file; required")
	cmd.Flags().StringVar(&opts.format, "format", "json", "json, csv or text")
	cmd.Flags().StringVar(&opts.outDir, "out", "", "output directory (required for csv)")
	cmd.Flags().StringVar(&opts.cycle, "cycle", "", "only the records of this cycle id")
	return cmd
}

func runLogs(ctx context.Context, opts *logsOptions, out io.Writer) error {
	if opts.format != "json" && opts.format != "csv" && opts.format != "text" {
		return usagef("%s: --format must be json or csv (or text to read), got %q", opts.cmdPath, opts.format)
	}
	if opts.format == "text" && opts.outDir != "" {
		return usagef("%s: --format text prints to stdout; drop --out", opts.cmdPath)
	}
	if opts.format == "csv" && opts.outDir == "" {
		return usagef("%s: --format csv writes three files: --out DIR is required", opts.cmdPath)
	}
	st, err := openState(ctx, opts.cmdPath, opts.state, stateRead)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, err := st.Records(ctx, state.LogFilter{CycleID: opts.cycle})
	if err != nil {
		return failure(err)
	}
	if opts.format == "text" {
		if err := provlog.WriteText(out, recs); err != nil {
			return failure(err)
		}
		return nil
	}
	if opts.format == "csv" {
		if err := provlog.WriteCSVDir(opts.outDir, recs); err != nil {
			return failure(fmt.Errorf("write CSV logs to %s: %w", opts.outDir, err))
		}
		fmt.Fprintf(out, "%d records written to %s\n", len(recs), opts.outDir)
		return nil
	}
	// Graph's list response: List provisioningObjectSummary, v1.0,
	// Examples 1 and 2 (provlog.WriteList).
	if opts.outDir == "" {
		if err := provlog.WriteList(out, recs); err != nil {
			return failure(err)
		}
		return nil
	}
	file := filepath.Join(opts.outDir, "provisioningLogs.json")
	if err := mkdirAll(opts.outDir); err != nil {
		return failure(err)
	}
	if err := writeListFile(file, recs); err != nil {
		return failure(err)
	}
	fmt.Fprintf(out, "%d records written to %s\n", len(recs), file)
	return nil
}

// writeListFile writes records to path as Graph's list response.
func writeListFile(path string, records []provlog.Record) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write logs: %w", err)
	}
	if err := provlog.WriteList(fh, records); err != nil {
		fh.Close()
		return fmt.Errorf("write logs %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("write logs %s: %w", path, err)
	}
	return nil
}
