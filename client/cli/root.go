// Package cli holds the entrasim commands (architecture note, "client:
// entrasim"). The root command carries the common flags (--tenant-url,
// --token, --dialect, --timeout, --manager-form); each subcommand lives in
// its own file (newCycleCmd in cycle.go, …) and NewRootCommand adds each
// explicitly with root.AddCommand.
//
// The common flags are bound to one commonOptions, handed to the
// constructor of each command that uses them; each command has an options
// struct and a run function (runCycle, runReproduce, …) taking a context,
// its options and the writers. Commands build their SCIM client with
// common.newClient(cmdPath, clientTarget, adjust), return usagef(...) for
// bad input (exit 2) and any other error for a failure (exit 1); Run maps
// errors to exit codes.
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
	"github.com/spf13/pflag"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/version"
)

// Exit codes of entrasim (exitCodesHelp).
const (
	ExitOK      = 0
	ExitFailure = 1 // the target failed as Entra would see it, or a run failed
	ExitUsage   = 2 // bad flags or arguments, or the state file cannot be used (missing, not a state, in use)
	// ExitInterrupted: SIGINT or SIGTERM ended the command (128 + SIGINT).
	ExitInterrupted = 130
)

// exitCodesHelp is the root command's account of the exit codes; each
// command's help says what they mean for it.
const exitCodesHelp = "Exit codes:\n" +
	"  0    success\n" +
	"  1    failure: the target failed as Entra would see it, objects failed, or the run could not complete\n" +
	"  2    usage or environment: bad flags or arguments, or a state file that cannot be used: missing (for\n" +
	"       status, logs and the other commands that only act on an existing job), not an entrasim state file\n" +
	"       (it is never written into), or in use by another entrasim process (\"in use by pid N\")\n" +
	"  130  interrupted by SIGINT or SIGTERM (both are handled alike): a cycle stops after the objects in\n" +
	"       flight, saves what was done with its log records and says so; the next cycle continues from\n" +
	"       there. A second signal aborts the requests in flight (what was done is still saved)."

// Environment variables that stand in for the common flags.
const (
	EnvTenantURL = "SCIM_TENANT_URL"
	EnvToken     = "SCIM_TOKEN"
)

// NewRootCommand builds the entrasim command with every subcommand and the common flags (--tenant-url, --token, --dialect,
// --timeout, --manager-form) as persistent flags.
func NewRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "entrasim",
		Short: "Send what the Microsoft Entra provisioning service sends to a SCIM endpoint",
		Long: "entrasim emulates the Microsoft Entra ID provisioning service as a SCIM client: its requests,\n" +
			"its PATCH dialects and the way it reads answers (see the behaviour spec, sections 1-9).\n\n" + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		// --version: module version, VCS revision, Go version.
		Version: version.String("entrasim"),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	common := &commonOptions{}
	pf := root.PersistentFlags()
	pf.StringVar(&common.tenantURL, "tenant-url", "", "tenant URL as typed into Entra, e.g. https://host/scim[?aadOptscim062020] (env "+EnvTenantURL+")")
	pf.StringVar(&common.token, "token", "", "secret token sent as Authorization: Bearer (env "+EnvToken+")")
	pf.StringVar(&common.dialect, "dialect", "", "PATCH dialect: legacy|compliant (default legacy; a tenant URL carrying aadOptscim062020 selects compliant)")
	pf.DurationVar(&common.timeout, "timeout", scim.DefaultTimeout, "per-request timeout")
	pf.StringVar(&common.managerForm, "manager-form", "", managerFormHelp)
	// Which common flags the command line gave, recorded once parsed
	// (before any command runs; no subcommand has a hook of its own).
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { common.record(cmd.Flags()) }
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%s: %v", c.CommandPath(), err)
	})

	// Every subcommand, wired here (help lists them sorted by name).
	root.AddCommand(
		newAllowDeletesCmd(),
		newCycleCmd(common),
		newDirectoryCmd(),
		newLogsCmd(),
		newProvisionCmd(common),
		newReproduceCmd(common),
		newRestartCmd(),
		newRunCmd(common),
		newScenarioCmd(common),
		newStartCmd(),
		newStatusCmd(),
		newStopCmd(),
		newTestConnectionCmd(common),
	)
	return root
}

// ExitError carries an exit code with its message.
type ExitError struct {
	Code int
	Err  error
}

// Error implements error.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *ExitError) Unwrap() error { return e.Err }

// usagef is a usage error (exit 2).
func usagef(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// failure is a run failure (exit 1).
func failure(err error) error { return &ExitError{Code: ExitFailure, Err: err} }

// Run executes entrasim with args and returns the exit code. Errors raised
// by cobra before a command runs (unknown command or flag, wrong
// arguments) are usage errors; an error returned by a command is a failure
// unless it is an *ExitError with its own code, or comes after SIGINT or
// SIGTERM (ExitInterrupted; signals.go).
func Run(args []string, stdout, stderr io.Writer) int {
	root := NewRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := false
	markStarted(root, &started)
	ctx, stop := notifySignals(context.Background())
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitFailure
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.Code
	case !started:
		code = ExitUsage
	}
	if code == ExitFailure && interruptedBy(ctx) != "" {
		code = ExitInterrupted // the failure is the signal's doing
	}
	msg := err.Error()
	if code == ExitUsage && !strings.Contains(msg, "--help") {
		msg += " (see entrasim --help)"
	}
	if !strings.HasPrefix(msg, "entrasim") {
		msg = "entrasim: " + msg
	}
	fmt.Fprintln(stderr, msg)
	return code
}

// markStarted wraps every command's run function so that Run can tell
// errors from cobra's parsing (usage) from errors of the command itself.
func markStarted(c *cobra.Command, started *bool) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error { *started = true; return run(cmd, args) }
	}
	if run := c.Run; run != nil {
		c.Run = func(cmd *cobra.Command, args []string) { *started = true; run(cmd, args) }
	}
	for _, sub := range c.Commands() {
		markStarted(sub, started)
	}
}

// commonOptions are the root's common flags (--tenant-url, --token,
// --dialect, --timeout, --manager-form), shared by the commands that use
// them, and which of them the command line gave.
type commonOptions struct {
	tenantURL, token, dialect string
	timeout                   time.Duration
	managerForm               string
	given                     commonGiven
}

// commonGiven records which common flags were given on the command line
// (an empty --tenant-url= counts as given).
type commonGiven struct {
	tenantURL, token, dialect, timeout, managerForm bool
}

// record notes which common flags fs (the running command's flags, the
// inherited ones included) had set on the command line.
func (c *commonOptions) record(fs *pflag.FlagSet) {
	c.given = commonGiven{tenantURL: fs.Changed("tenant-url"), token: fs.Changed("token"),
		dialect: fs.Changed("dialect"), timeout: fs.Changed("timeout"), managerForm: fs.Changed("manager-form")}
}

// names are the given common flags as "--name", sorted by name as pflag
// lists them.
func (g commonGiven) names() []string {
	var names []string
	for _, f := range []struct {
		given bool
		name  string
	}{{g.dialect, "dialect"}, {g.managerForm, "manager-form"}, {g.tenantURL, "tenant-url"}, {g.timeout, "timeout"}, {g.token, "token"}} {
		if f.given {
			names = append(names, "--"+f.name)
		}
	}
	return names
}

// clientTarget is where a command's client goes: the tenant URL, token and
// dialect after their fallbacks (flag, environment, state file).
type clientTarget struct {
	tenantURL, token, dialect string
}

// flagTarget is the target the common flags give, falling back to the
// environment for the tenant URL and the token.
func (c *commonOptions) flagTarget() clientTarget {
	return clientTarget{tenantURL: c.tenantURLOrEnv(), token: c.tokenOrEnv(), dialect: c.dialect}
}

// tenantURLOrEnv is the tenant URL the common flags give: --tenant-url,
// else SCIM_TENANT_URL.
func (c *commonOptions) tenantURLOrEnv() string {
	if c.tenantURL == "" {
		return os.Getenv(EnvTenantURL)
	}
	return c.tenantURL
}

// tokenOrEnv is the token the common flags give: --token, else SCIM_TOKEN.
func (c *commonOptions) tokenOrEnv() string {
	if c.token == "" {
		return os.Getenv(EnvToken)
	}
	return c.token
}

// resolveTenantURL is the tenant URL of a job: --tenant-url, else
// SCIM_TENANT_URL, else the one stored in the state (stored).
func (c *commonOptions) resolveTenantURL(stored string) string {
	if !c.given.tenantURL && os.Getenv(EnvTenantURL) == "" && stored != "" {
		return stored
	}
	return c.tenantURLOrEnv()
}

// resolveDialect is the PATCH dialect of a job: --dialect, else the one
// stored in the state (stored).
func (c *commonOptions) resolveDialect(stored string) string {
	if !c.given.dialect && stored != "" {
		return stored
	}
	return c.dialect
}

// clientOptions builds client options for t and the other common flags
// (--timeout, --manager-form); any problem is a usage error naming the
// flag, after cmdPath ("entrasim cycle").
func (c *commonOptions) clientOptions(cmdPath string, t clientTarget) (scim.Options, error) {
	timeout, managerForm := c.timeout, c.managerForm
	tenantURL, token, dialect := t.tenantURL, t.token, t.dialect
	var o scim.Options
	switch {
	case strings.TrimSpace(tenantURL) == "":
		return o, usagef("%s: --tenant-url (or %s) is required", cmdPath, EnvTenantURL)
	case strings.TrimSpace(token) == "":
		return o, usagef("%s: --token (or %s) is required", cmdPath, EnvToken)
	case timeout <= 0:
		return o, usagef("%s: --timeout must be positive, got %s", cmdPath, timeout)
	}
	o = scim.Options{TenantURL: tenantURL, Token: token, Timeout: timeout}
	if dialect != "" {
		d, err := scim.ParseDialect(dialect)
		if err != nil {
			return o, usagef("%s: --dialect: %v", cmdPath, err)
		}
		o.Dialect = d
	}
	mf, err := scim.ParseManagerShape(managerForm)
	if err != nil {
		return o, usagef("%s: --manager-form: %v", cmdPath, err)
	}
	o.ManagerShape = mf
	return o, nil
}

// managerFormHelp documents --manager-form (ENTRA-FLOW-08).
const managerFormHelp = "form of the manager PATCH (ENTRA-FLOW-08): observed (default; path urn:…:enterprise:2.0:User:manager,\n" +
	"the manager's id as a bare string, OBS O3) or documented (path manager, [{\"$ref\":\"<tenant>/Users/<id>\",\"value\":\"<id>\"}],\n" +
	"the SCIM tutorial's Example 5); object sends {\"value\":\"<id>\"} on the observed path"

// newClient builds a client for t and the common flags; a bad tenant URL
// is a usage error.
func (c *commonOptions) newClient(cmdPath string, t clientTarget, adjust func(*scim.Options)) (*scim.Client, error) {
	o, err := c.clientOptions(cmdPath, t)
	if err != nil {
		return nil, err
	}
	if adjust != nil {
		adjust(&o)
	}
	client, err := scim.New(o)
	if err != nil {
		return nil, usagef("%s: %v", cmdPath, err)
	}
	return client, nil
}
