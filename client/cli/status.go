package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/state"
)

func init() { register("status", newStatusCommand) }

// statusView is the JSON form of `entrasim status`, shaped like Graph's
// synchronizationStatus (ENTRA-QUAR-07) where the fields overlap.
type statusView struct {
	Code       string            `json:"code"`
	Quarantine *state.Quarantine `json:"quarantine"`
	JobID      string            `json:"jobId"`
	Clock      time.Time         `json:"clock"`
	NextRun    time.Time         `json:"nextRun"`
	Interval   string            `json:"interval"`
	Cycles     int               `json:"cycles"`
	LastCycle  *state.Cycle      `json:"lastExecution"`
	Linked     map[string]int    `json:"linked"`
	Escrows    int               `json:"escrows"`
	NextCycle  string            `json:"nextCycleKind"`
}

func newStatusCommand() *cobra.Command {
	var path string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the provisioning job's status: code, quarantine reason, counts, next run",
		Long: "Shows the job status kept in the state file: code (NotRun | Active | Quarantine | Disabled), the\n" +
			"quarantine reason, the last cycle's counts and the next run on the simulated clock.\n\n" +
			"Exit codes: 0 shown; 1 the state file cannot be read; 2 bad flags or not a state file.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openState(cmd, path)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			j, err := st.Job(ctx)
			if err != nil {
				return failure(err)
			}
			objs, err := st.Objects(ctx)
			if err != nil {
				return failure(err)
			}
			esc, err := st.Escrows(ctx)
			if err != nil {
				return failure(err)
			}
			v := statusView{Code: j.Code, Quarantine: j.Quarantine, JobID: j.JobID, Clock: j.Clock, NextRun: j.Clock,
				Interval: j.Interval.String(), Cycles: j.Cycles, LastCycle: j.LastCycle, Linked: map[string]int{"users": 0, "groups": 0},
				Escrows: len(esc), NextCycle: "incremental"}
			if j.NeedsInitial {
				v.NextCycle = "initial"
			}
			for _, o := range objs {
				if o.Linked() {
					v.Linked[string(o.Kind)+"s"]++
				}
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			fmt.Fprintf(w, "Job %s\nStatus: %s\n", v.JobID, v.Code)
			if q := v.Quarantine; q != nil {
				fmt.Fprintf(w, "Quarantine reason: %s (since %s)\n", q.Reason, q.CurrentBegan.Format(time.RFC3339))
				if q.Error != "" {
					fmt.Fprintf(w, "  %s\n", q.Error)
				}
			}
			fmt.Fprintf(w, "Cycles run: %d; next run %s (%s, every %s)\n", v.Cycles, v.NextRun.Format(time.RFC3339), v.NextCycle, v.Interval)
			fmt.Fprintf(w, "Linked: %d users, %d groups; escrows: %d\n", v.Linked["users"], v.Linked["groups"], v.Escrows)
			if c := v.LastCycle; c != nil {
				n := c.Counts
				fmt.Fprintf(w, "Last cycle %s (%s at %s): created %d, updated %d, disabled %d, deleted %d, skipped %d, failed %d, staged deletes %d; %d requests\n",
					c.ID, c.Kind, c.Started.Format(time.RFC3339), n.Created, n.Updated, n.Disabled, n.Deleted, n.Skipped, n.Failed, n.StagedDeletes, n.Requests)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "state", "", "state file; required")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
