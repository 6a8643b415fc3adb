package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/reproduce"
	"github.com/quantive/entra-scim-harness/client/reproduce/throwaway"
	"github.com/quantive/entra-scim-harness/client/scenario"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/fixtures"
)

const reproduceLong = `Reads provisioning-log records and replays the action of each against a SCIM target, printing every
request and answer, then says whether the same error code results (REPRODUCED / NOT REPRODUCED).

Input (--log FILE, a folder, or - for stdin): Graph's list response {"@odata.context":…,"value":[…]}
(what ` + "`entrasim logs --format json`" + ` writes), a bare JSON array of records (its earlier output), a single
record, the Entra portal's JSON download, or a CSV download: the portal's or ` + "`entrasim logs --format csv`" + `'s
three files ProvisioningLogs, ProvisioningLogs_ProvisioningSteps and ProvisioningLogs_ModifiedProperties,
joined on changeId (give the ProvisioningLogs file or their folder; LOG-11). With several records, --index N
(from 0) or --id ID (id or changeId) picks one; without either, every record is replayed in turn, each on
a fresh account of the throwaway server.

Target. The first line of the output names it.
  - By default a throwaway reference server runs inside this process and is discarded afterwards, with
    the fault plan --faults installed (a name from fixtures/faults; ` + "`entrasim scenario list`" + ` shows the
    scenarios using them). SCIM_TENANT_URL and SCIM_TOKEN in the environment are NOT used: an exported
    tenant URL alone never makes reproduce write to a real tenant.
  - Only --tenant-url URL on the command line (with --token, or SCIM_TOKEN) replays against a real tenant.
    Several records need --all there.

What a replay does to a real tenant (--tenant-url):
  - It sends the requests of the record's action: the match query and the POST of a create, the read
    and PATCH of an update, the PATCH of a disable, the DELETE of a delete, the reference check and
    PATCH of a manager update, member PATCHes.
  - Without --seed, an update, disable or delete acts on the record's own target object (its
    targetIdentity.id): that object is changed, disabled or deleted, as the record's action did. No other
    existing object is changed.
  - With --seed, it creates stand-ins instead (the user from the record's old values, a manager, the
    members, a group) and acts on those. A record that does not name a referenced object (a failed
    manager or member update) is always replayed on stand-ins, so that no existing user or group gets a
    reference the record never had.
  - If a create finds an existing object of the same userName or displayName, it stops there and
    changes nothing (Entra would update that object).
  - Everything the replay created (the created object, stand-ins) is deleted afterwards, also when the
    replay fails; what cannot be deleted is listed. A create that got no answer is looked up and deleted
    when the replay had checked the name was free.
  - --dry-run prints the requests (method, path, body) and sends none; answers are assumed (queries
    find nothing, writes succeed).

Records whose action sent nothing (skipped, stagedDelete, source-side failures) print NOTHING TO REPLAY.
A NOT REPRODUCED record with an error code names the fault plans of the catalogue that produce it. Error
codes with an app prefix (GtmhubEntryConflict) compare equal to their base code (EntryConflict). Names
in modifiedProperties that are not SCIM attributes (accountEnabled, mailNickname: source-side names)
are left out of the requests with a WARNING. What a record does not hold is listed after each replay.

Exit codes: 0 every record replayed reproduced (or had nothing to replay, or --dry-run); 1 a record did
not reproduce or the target failed; 2 bad input or flags.`

// reproduceOptions are the flags of `entrasim reproduce`.
type reproduceOptions struct {
	cmdPath string // "entrasim reproduce", for messages
	// common: the common flags; only a --tenant-url given on the command
	// line (common.given) replays against a real tenant.
	common                        *commonOptions
	logFile, id, changeID, faults string
	index                         int
	seed, dryRun, all             bool
	// seedGiven: --seed was given (its default depends on the target).
	seedGiven     bool
	retryAfterCap time.Duration
}

func newReproduceCmd(common *commonOptions) *cobra.Command {
	opts := &reproduceOptions{common: common}
	cmd := &cobra.Command{
		Use:   "reproduce --log RECORDS",
		Short: "Replay the actions of provisioning-log records and check whether the same error codes result",
		Long:  reproduceLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath, opts.seedGiven = cmd.CommandPath(), cmd.Flags().Changed("seed")
			return runReproduce(cmd.Context(), opts, cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.logFile, "log", "", "provisioning-log records: a JSON or CSV file, a folder with a CSV download, or - for stdin; required")
	f.StringVar(&opts.id, "id", "", "replay only the record with this id or changeId")
	f.StringVar(&opts.changeID, "change-id", "", "same as --id")
	_ = f.MarkHidden("change-id")
	f.IntVar(&opts.index, "index", -1, "replay only the record at this position (from 0)")
	f.BoolVar(&opts.all, "all", false, "with --tenant-url: replay every record of the input in turn")
	f.BoolVar(&opts.seed, "seed", false, "act on stand-ins created first instead of the record's target objects (default on for the throwaway server)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print the requests (method, path, body) without sending any")
	f.StringVar(&opts.faults, "faults", "", "fault plan of the catalogue (fixtures/faults) to install on the throwaway server")
	f.DurationVar(&opts.retryAfterCap, "retry-after-cap", scim.DefaultRetryAfterCap,
		"longest wait for 429 Retry-After within one request before giving up with TooManyRequests (UNC-01)")
	return cmd
}

func runReproduce(ctx context.Context, opts *reproduceOptions, in io.Reader, out io.Writer) error {
	path, logFile, index, faults, dryRun, all := opts.cmdPath, opts.logFile, opts.index, opts.faults, opts.dryRun, opts.all
	if strings.TrimSpace(logFile) == "" {
		return usagef("%s: --log is required", path)
	}
	id := opts.id
	if id == "" {
		id = opts.changeID
	}
	// Only --tenant-url on the command line means a real tenant; the
	// environment's SCIM_TENANT_URL never does.
	tenantURL := opts.common.tenantURL
	real := opts.common.given.tenantURL
	switch {
	case real && strings.TrimSpace(tenantURL) == "":
		return usagef("%s: --tenant-url is empty", path)
	case id != "" && index >= 0:
		return usagef("%s: --id and --index both pick a record; give one", path)
	case faults != "" && real:
		return usagef("%s: --faults installs a plan on the throwaway server; it cannot be combined with --tenant-url", path)
	case faults != "" && dryRun:
		return usagef("%s: --faults has no effect with --dry-run, which sends nothing", path)
	case !real && opts.common.given.token:
		return usagef("%s: --token is for --tenant-url; the throwaway reference server uses its own token", path)
	case all && (id != "" || index >= 0):
		return usagef("%s: --all replays every record; drop --id/--index", path)
	case opts.retryAfterCap < 0:
		return usagef("%s: --retry-after-cap must not be negative", path)
	}
	if faults != "" {
		if _, err := fixtures.LookupFaultPlan(faults); err != nil {
			return usagef("%s: --faults: %v", path, err)
		}
	}
	printTarget(out, real, tenantURL, dryRun)

	entries, format, err := readRecords(in, logFile)
	if err != nil {
		return usagef("%s: %s: %v", path, logFile, err)
	}
	picked, err := reproduce.Pick(entries, id, index)
	if err != nil {
		return usagef("%s: %s: %v", path, logFile, err)
	}
	if len(picked) > 1 && real && !dryRun && !all {
		return usagef("%s: %s holds %d records; against a real tenant give --index, --id or --all:\n  %s",
			path, logFile, len(picked), reproduce.List(picked))
	}
	fmt.Fprintf(out, "read %d record(s) from %s (%s)", len(entries), logFile, format)
	if len(picked) > 1 {
		fmt.Fprintf(out, "; replaying all %d in turn", len(picked))
	}
	fmt.Fprintln(out)

	t, err := newReplayTarget(ctx, opts, real, out)
	if err != nil {
		return err
	}
	defer t.close()
	seed := opts.seed
	if !opts.seedGiven {
		seed = !real
	}
	return replayAll(ctx, path, out, t, picked, seed, dryRun)
}

// printTarget writes the first line: where the replay goes.
func printTarget(out io.Writer, real bool, tenantURL string, dryRun bool) {
	dry := ""
	if dryRun {
		dry = " (dry run: nothing is sent)"
	}
	if real {
		fmt.Fprintf(out, "replaying against: %s (given with --tenant-url)%s\n", tenantURL, dry)
		return
	}
	fmt.Fprintf(out, "replaying against: throwaway reference server, in this process and discarded afterwards%s\n", dry)
	if v := os.Getenv(EnvTenantURL); v != "" {
		fmt.Fprintf(out, "  %s is set (%s) but not used: reproduce writes to a real tenant only when --tenant-url is given on the command line\n",
			EnvTenantURL, v)
	}
}

func readRecords(stdin io.Reader, path string) ([]*reproduce.Entry, string, error) {
	if path == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, "", err
		}
		return reproduce.Parse(b)
	}
	return reproduce.ReadPath(path)
}

// replayTarget hands out a client per record: a fresh throwaway account,
// the real tenant's client, or a dry-run client.
type replayTarget struct {
	srv    *throwaway.Server
	tgt    *scenario.Target
	faults string
	opts   scim.Options
	real   *scim.Client // the one client of a real tenant or a dry run
}

// newReplayTarget starts the throwaway server (saying so on out), or
// builds the client of a real tenant (real) or of a dry run.
func newReplayTarget(ctx context.Context, opts *reproduceOptions, real bool, out io.Writer) (*replayTarget, error) {
	dryRun, faults, retryAfterCap := opts.dryRun, opts.faults, opts.retryAfterCap
	t := &replayTarget{faults: faults}
	// The common flags (--dialect, --timeout and the like) are read by
	// clientOptions; the throwaway server gets placeholders for the tenant
	// URL and token, so that the environment is not read, and a dry run
	// without a token a placeholder token.
	tgt := opts.common.flagTarget()
	if !real {
		tgt.tenantURL, tgt.token = "http://throwaway-reference-server.invalid/scim", "throwaway"
	} else if dryRun && tgt.token == "" {
		tgt.token = "dry-run"
	}
	o, err := opts.common.clientOptions(opts.cmdPath, tgt)
	if err != nil {
		return nil, err
	}
	o.RetryAfterCap = retryAfterCap
	if retryAfterCap == 0 {
		o.RetryAfterCap = time.Nanosecond // 0 would mean the default
	}
	if dryRun {
		o.Transport = reproduce.DryRunTransport()
	}
	t.opts = o
	if real || dryRun {
		c, err := scim.New(o)
		if err != nil {
			return nil, usagef("%s: %v", opts.cmdPath, err)
		}
		t.real = c
		return t, nil
	}
	srv, err := throwaway.Start(ctx)
	if err != nil {
		return nil, failure(err)
	}
	t.srv = srv
	t.tgt = &scenario.Target{BaseURL: srv.BaseURL, AdminToken: srv.AdminToken}
	fmt.Fprintf(out, "throwaway reference server started at %s (fault plan: %s)\n", srv.BaseURL, orDefault(faults, "none"))
	return t, nil
}

func (t *replayTarget) close() {
	if t.srv != nil {
		_ = t.srv.Close()
	}
}

// client returns the client for one record and the hook to run before its
// cleanup.
func (t *replayTarget) client(ctx context.Context) (*scim.Client, func(context.Context) error, error) {
	if t.real != nil {
		return t.real, nil, nil
	}
	acct, err := t.tgt.NewAccount(ctx)
	if err != nil {
		return nil, nil, err
	}
	var before func(context.Context) error
	if t.faults != "" {
		if err := t.tgt.SetFaults(ctx, acct.ID, t.faults); err != nil {
			return nil, nil, err
		}
		before = func(ctx context.Context) error { return t.tgt.SetFaults(ctx, acct.ID, "none") }
	}
	o := t.opts
	o.TenantURL, o.Token = acct.TenantURL, acct.Token
	c, err := scim.New(o)
	if err != nil {
		return nil, nil, err
	}
	return c, before, nil
}

// replayAll replays the picked records in turn, printing to out; cmdPath
// ("entrasim reproduce") starts the messages.
func replayAll(ctx context.Context, cmdPath string, out io.Writer, t *replayTarget, picked []*reproduce.Entry, seed, dryRun bool) error {
	counts := map[reproduce.Verdict]int{}
	var bad []string
	for i, e := range picked {
		if len(picked) > 1 {
			fmt.Fprintf(out, "\n=== %d of %d ===\n", i+1, len(picked))
		}
		c, before, err := t.client(ctx)
		if err != nil {
			return failure(err)
		}
		rep, err := reproduce.Replay(ctx, e, reproduce.Options{Client: c, Seed: seed, DryRun: dryRun, Out: out, BeforeCleanup: before})
		switch {
		case errors.Is(err, reproduce.ErrBadInput) && len(picked) == 1:
			return usagef("%s: %v", cmdPath, err)
		case errors.Is(err, reproduce.ErrBadInput):
			fmt.Fprintf(out, "\nCANNOT REPLAY: %v\n", err)
			counts["CANNOT REPLAY"]++
			bad = append(bad, fmt.Sprintf("%s: cannot replay: %v", e.Label(), err))
			continue
		case err != nil:
			return failure(err)
		}
		counts[rep.Verdict]++
		if rep.Verdict == reproduce.NotReproduced {
			why := fmt.Sprintf("not reproduced: the record says %s, the replay got %s", orDefault(rep.Expected, "success"), orDefault(rep.Got, "success"))
			if rep.Blocked != "" {
				why = "not reproduced: not sent: " + rep.Blocked
			}
			bad = append(bad, e.Label()+": "+why)
		}
		if len(rep.Leftovers) > 0 && t.srv == nil && !dryRun {
			// On the throwaway server leftovers go with the server.
			bad = append(bad, fmt.Sprintf("%s: %d created object(s) may be left on the tenant (listed above)", e.Label(), len(rep.Leftovers)))
		}
	}
	if len(picked) > 1 {
		var parts []string
		for _, v := range []reproduce.Verdict{reproduce.Reproduced, reproduce.NotReproduced, reproduce.NothingToReplay, reproduce.DryRun, "CANNOT REPLAY"} {
			if counts[v] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[v], strings.ToLower(string(v))))
			}
		}
		fmt.Fprintf(out, "\nSummary of %d records: %s\n", len(picked), strings.Join(parts, ", "))
	}
	if len(bad) > 0 {
		if len(picked) == 1 {
			var msgs []string
			for _, b := range bad {
				msgs = append(msgs, strings.TrimPrefix(b, picked[0].Label()+": "))
			}
			return &ExitError{Code: ExitFailure, Err: errors.New(strings.Join(msgs, "; "))}
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d problem(s) in %d record(s):\n  %s", len(bad), len(picked), strings.Join(bad, "\n  "))}
	}
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
