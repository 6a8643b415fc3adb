package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// Bounds of `directory generate`, so a typo does not fill the disk.
const (
	maxGeneratedUsers  = 1_000_000
	maxGeneratedGroups = 100_000
)

func newDirectoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "directory",
		Short: "Generate or check source directories (the --directory of cycle, run and provision)",
		Long: "A source directory is a YAML file or a folder holding a Microsoft Graph export (users.json,\n" +
			"groups.json, optionally assignments.json); see docs/directory-format.md.",
	}
	cmd.AddCommand(newDirectoryGenerateCmd(), newDirectoryCheckCmd())
	return cmd
}

// directoryGenerateOptions are the flags of `entrasim directory generate`.
type directoryGenerateOptions struct {
	cmdPath       string // "entrasim directory generate", for messages
	users, groups int
	// usersSet, groupsSet: --users and --groups were given (both are required).
	usersSet, groupsSet bool
	seed                int64
	out                 string
	// scope is the job's scope written into the file: assigned or all.
	scope string
}

func newDirectoryGenerateCmd() *cobra.Command {
	opts := &directoryGenerateOptions{}
	cmd := &cobra.Command{
		Use:   "generate --users N --groups M [--seed S] [--out FILE]",
		Short: "Write a realistic synthetic directory file (YAML) for load tests and bug reports",
		Long: "Writes a directory file that looks like a real tenant: GUID object ids, names and unique UPNs, a\n" +
			"manager tree under a CEO with departments, 3 % disabled, 2 % soft-deleted and 1 % hard-deleted users\n" +
			"(at least one each from 3, 5 and 10 users on), department and project groups (some nested), and\n" +
			"scope \"assigned\" with group and direct user assignments (--scope all: every user and group in scope,\n" +
			"no assignments; the users and groups stay the same). The same --users, --groups, --seed and --scope give\n" +
			"the same bytes on every machine, so a seed in a bug report reproduces the directory.\n\n" +
			"Without --out the file goes to stdout and a summary to stderr; with --out the summary goes to stdout.\n\n" +
			"Exit codes: 0 written; 1 the file could not be written; 2 bad flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			opts.usersSet, opts.groupsSet = cmd.Flags().Changed("users"), cmd.Flags().Changed("groups")
			return runDirectoryGenerate(opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.users, "users", 0, "number of users (1 to 1000000); required")
	fl.IntVar(&opts.groups, "groups", 0, "number of groups (0 to 100000); required")
	fl.Int64Var(&opts.seed, "seed", 1, "seed: the same seed and sizes give the same file")
	fl.StringVar(&opts.out, "out", "", "write to FILE instead of stdout")
	fl.StringVar(&opts.scope, "scope", string(directory.ScopeAssigned), "the job's scope in the file: assigned (with assignments) or all (ENTRA-CYCLE-07)")
	return cmd
}

// runDirectoryGenerate writes the file to opts.out (or out) and the
// summary to out (or errOut).
func runDirectoryGenerate(opts *directoryGenerateOptions, out, errOut io.Writer) error {
	switch {
	case !opts.usersSet || !opts.groupsSet:
		return usagef("%s: --users and --groups are required", opts.cmdPath)
	case opts.users < 1 || opts.users > maxGeneratedUsers:
		return usagef("%s: --users must be between 1 and %d, got %d", opts.cmdPath, maxGeneratedUsers, opts.users)
	case opts.groups < 0 || opts.groups > maxGeneratedGroups:
		return usagef("%s: --groups must be between 0 and %d, got %d", opts.cmdPath, maxGeneratedGroups, opts.groups)
	}
	var data []byte
	switch directory.ScopeMode(opts.scope) {
	case directory.ScopeAssigned:
		data = fixtures.GenerateRealisticDirectory(opts.users, opts.groups, opts.seed)
	case directory.ScopeAll:
		data = fixtures.GenerateRealisticDirectoryScopeAll(opts.users, opts.groups, opts.seed)
	default:
		return usagef("%s: --scope must be assigned or all, got %q", opts.cmdPath, opts.scope)
	}
	name := opts.out
	if name == "" {
		name = "generated.yaml"
	}
	d, err := directory.Parse(name, data)
	if err != nil {
		return failure(fmt.Errorf("generated directory is invalid (a bug in the generator): %w", err))
	}
	summary := fmt.Sprintf("generated %s (seed %d)", directorySummary(d), opts.seed)
	if opts.out == "" {
		if _, err := out.Write(data); err != nil {
			return failure(err)
		}
		fmt.Fprintln(errOut, summary)
		return nil
	}
	if err := os.WriteFile(opts.out, data, 0o644); err != nil {
		return failure(fmt.Errorf("write directory: %w", err))
	}
	fmt.Fprintf(out, "%s: %s\n", opts.out, summary)
	return nil
}

// directoryCheckOptions are the arguments of `entrasim directory check`.
type directoryCheckOptions struct {
	cmdPath string // "entrasim directory check", for messages
	path    string // PATH
}

func newDirectoryCheckCmd() *cobra.Command {
	opts := &directoryCheckOptions{}
	return &cobra.Command{
		Use:   "check PATH",
		Short: "Load a directory file or Graph export folder and print what it holds",
		Long: "Loads PATH as cycle --directory would (a YAML file, or a folder with users.json, groups.json and\n" +
			"optionally assignments.json from Microsoft Graph) and prints its counts and what is in scope, or every\n" +
			"problem found, each as file:line:column: [record:] field: message.\n\n" +
			"Exit codes: 0 the directory loads; 1 it has problems or cannot be read; 2 bad arguments.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%s: want one PATH (a directory file or Graph export folder), got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.cmdPath, opts.path = cmd.CommandPath(), args[0]
			return runDirectoryCheck(opts, cmd.OutOrStdout())
		},
	}
}

func runDirectoryCheck(opts *directoryCheckOptions, out io.Writer) error {
	d, err := directory.Load(opts.path)
	if err != nil {
		return failure(fmt.Errorf("%s: %w", opts.cmdPath, err))
	}
	fmt.Fprintf(out, "%s: %s\n", opts.path, directorySummary(d))
	return nil
}

// directorySummary counts a directory's objects and what is in scope.
func directorySummary(d *directory.Directory) string {
	var disabled, soft, hard int
	for _, u := range d.Users {
		switch {
		case u.Deleted == directory.HardDeleted:
			hard++
		case u.Deleted == directory.SoftDeleted:
			soft++
		case !u.AccountEnabled:
			disabled++
		}
	}
	return fmt.Sprintf("%d users (%d disabled, %d soft-deleted, %d hard-deleted), %d groups; scope %s: %d users and %d groups in scope",
		len(d.Users), disabled, soft, hard, len(d.Groups), d.App.Scope, len(d.InScopeUsers()), len(d.InScopeGroups()))
}
