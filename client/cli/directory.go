package cli

import (
	"fmt"
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

func newDirectoryGenerateCmd() *cobra.Command {
	var users, groups int
	var seed int64
	var out string
	cmd := &cobra.Command{
		Use:   "generate --users N --groups M [--seed S] [--out FILE]",
		Short: "Write a realistic synthetic directory file (YAML) for load tests and bug reports",
		Long: "Writes a directory file that looks like a real tenant: GUID object ids, names and unique UPNs, a\n" +
			"manager tree under a CEO with departments, 3 % disabled, 2 % soft-deleted and 1 % hard-deleted users\n" +
			"(at least one each from 3, 5 and 10 users on), department and project groups (some nested), and\n" +
			"scope \"assigned\" with group and direct user assignments. The same --users, --groups and --seed give\n" +
			"the same bytes on every machine, so a seed in a bug report reproduces the directory.\n\n" +
			"Without --out the file goes to stdout and a summary to stderr; with --out the summary goes to stdout.\n\n" +
			"Exit codes: 0 written; 1 the file could not be written; 2 bad flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			switch {
			case !fl.Changed("users") || !fl.Changed("groups"):
				return usagef("%s: --users and --groups are required", cmd.CommandPath())
			case users < 1 || users > maxGeneratedUsers:
				return usagef("%s: --users must be between 1 and %d, got %d", cmd.CommandPath(), maxGeneratedUsers, users)
			case groups < 0 || groups > maxGeneratedGroups:
				return usagef("%s: --groups must be between 0 and %d, got %d", cmd.CommandPath(), maxGeneratedGroups, groups)
			}
			data := fixtures.GenerateRealisticDirectory(users, groups, seed)
			name := out
			if name == "" {
				name = "generated.yaml"
			}
			d, err := directory.Parse(name, data)
			if err != nil {
				return failure(fmt.Errorf("generated directory is invalid (a bug in the generator): %w", err))
			}
			summary := fmt.Sprintf("generated %s (seed %d)", directorySummary(d), seed)
			if out == "" {
				if _, err := cmd.OutOrStdout().Write(data); err != nil {
					return failure(err)
				}
				fmt.Fprintln(cmd.ErrOrStderr(), summary)
				return nil
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return failure(fmt.Errorf("write directory: %w", err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", out, summary)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&users, "users", 0, "number of users (1 to 1000000); required")
	fl.IntVar(&groups, "groups", 0, "number of groups (0 to 100000); required")
	fl.Int64Var(&seed, "seed", 1, "seed: the same seed and sizes give the same file")
	fl.StringVar(&out, "out", "", "write to FILE instead of stdout")
	return cmd
}

func newDirectoryCheckCmd() *cobra.Command {
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
			d, err := directory.Load(args[0])
			if err != nil {
				return failure(fmt.Errorf("%s: %w", cmd.CommandPath(), err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", args[0], directorySummary(d))
			return nil
		},
	}
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
