package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
)

// graphExport is the small Microsoft Graph export of the directory
// package's tests: 4 users, 2 groups, assignments.
var graphExport = filepath.Join("..", "directory", "testdata", "graph")

// generate runs `directory generate` into a file and returns its bytes and
// the command's stdout.
func generate(t *testing.T, users, groups, seed string) ([]byte, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dir.yaml")
	code, stdout, stderr := run("directory", "generate", "--users", users, "--groups", groups, "--seed", seed, "--out", out)
	if code != ExitOK {
		t.Fatalf("generate %s/%s/%s: exit %d\n%s\n%s", users, groups, seed, code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, stdout
}

func TestDirectoryGenerate(t *testing.T) {
	cases := []struct {
		users, groups, seed string
		wantUsers, wantGrps int
		summary             string
	}{
		{"1", "0", "1", 1, 0, "generated 1 users (0 disabled, 0 soft-deleted, 0 hard-deleted), 0 groups; scope assigned: 1 users and 0 groups in scope (seed 1)"},
		{"50", "5", "3", 50, 5, "generated 50 users (1 disabled, 1 soft-deleted, 1 hard-deleted), 5 groups; scope assigned:"},
		{"400", "30", "-9", 400, 30, "generated 400 users (12 disabled, 8 soft-deleted, 4 hard-deleted), 30 groups; scope assigned:"},
	}
	for _, c := range cases {
		b, stdout := generate(t, c.users, c.groups, c.seed)
		if !strings.Contains(stdout, c.summary) {
			t.Errorf("%s users: summary %q, want %q", c.users, stdout, c.summary)
		}
		d, err := directory.Parse("dir.yaml", b)
		if err != nil {
			t.Fatalf("%s users: the generated file does not load: %v", c.users, err)
		}
		if len(d.Users) != c.wantUsers || len(d.Groups) != c.wantGrps {
			t.Errorf("%s users: loaded %d users, %d groups", c.users, len(d.Users), len(d.Groups))
		}
		again, _ := generate(t, c.users, c.groups, c.seed)
		if !bytes.Equal(again, b) {
			t.Errorf("%s users: the same seed gave other bytes", c.users)
		}
		other, _ := generate(t, c.users, c.groups, c.seed+"7")
		if bytes.Equal(other, b) {
			t.Errorf("%s users: seeds %s and %s7 gave the same bytes", c.users, c.seed, c.seed)
		}
	}
}

// Without --out the YAML is stdout (the same bytes) and the summary goes to
// stderr; the default seed is 1.
func TestDirectoryGenerateStdout(t *testing.T) {
	file, _ := generate(t, "20", "3", "1")
	code, stdout, stderr := run("directory", "generate", "--users", "20", "--groups", "3")
	if code != ExitOK || stdout != string(file) {
		t.Fatalf("exit %d; stdout differs from --out --seed 1:\n%s", code, stdout)
	}
	if !strings.HasPrefix(stderr, "generated 20 users") || !strings.HasSuffix(stderr, "(seed 1)\n") {
		t.Errorf("stderr %q", stderr)
	}
}

// --scope all writes the same users and groups with scope "all" and no
// assignments (ENTRA-CYCLE-07), so every existing user and group is in
// scope.
func TestDirectoryGenerateScopeAll_CYCLE07(t *testing.T) {
	out := filepath.Join(t.TempDir(), "all.yaml")
	code, stdout, stderr := run("directory", "generate", "--users", "200", "--groups", "12", "--seed", "4", "--scope", "all", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	all, err := directory.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	assigned, _ := generate(t, "200", "12", "4")
	d, err := directory.Parse("assigned.yaml", assigned)
	if err != nil {
		t.Fatal(err)
	}
	if all.App.Scope != directory.ScopeAll || len(all.App.AssignedUsers)+len(all.App.AssignedGroups) != 0 {
		t.Fatalf("app %+v; want scope all without assignments", all.App)
	}
	if len(all.Users) != len(d.Users) || len(all.Groups) != len(d.Groups) {
		t.Fatalf("%d users, %d groups; the assigned file has %d, %d", len(all.Users), len(all.Groups), len(d.Users), len(d.Groups))
	}
	for i, u := range all.Users {
		if u.ObjectID != d.Users[i].ObjectID || u.Manager != d.Users[i].Manager {
			t.Fatalf("user %d differs from the assigned file's: %+v vs %+v", i, u, d.Users[i])
		}
	}
	hard := 0
	for _, u := range all.Users {
		if u.Deleted == directory.HardDeleted {
			hard++
		}
	}
	want := fmt.Sprintf("scope all: %d users and %d groups in scope (seed 4)", len(all.Users)-hard, len(all.Groups))
	if !strings.Contains(stdout, want) {
		t.Errorf("summary %q; want it to say %q", stdout, want)
	}
}

func TestDirectoryGenerateErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--groups", "1"}, ExitUsage, "--users and --groups are required"},
		{[]string{"--users", "1"}, ExitUsage, "--users and --groups are required"},
		{[]string{"--users", "0", "--groups", "0"}, ExitUsage, "--users must be between 1 and 1000000, got 0"},
		{[]string{"--users", "1000001", "--groups", "0"}, ExitUsage, "--users must be between 1 and 1000000"},
		{[]string{"--users", "1", "--groups", "-1"}, ExitUsage, "--groups must be between 0 and 100000, got -1"},
		{[]string{"--users", "x", "--groups", "1"}, ExitUsage, "invalid argument \"x\" for \"--users\""},
		{[]string{"--users", "1", "--groups", "1", "extra"}, ExitUsage, "unknown command \"extra\""},
		{[]string{"--users", "1", "--groups", "1", "--scope", "everyone"}, ExitUsage, "--scope must be assigned or all, got \"everyone\""},
		{[]string{"--users", "1", "--groups", "1", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.yaml")}, ExitFailure, "write directory:"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(append([]string{"directory", "generate"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, stdout, stderr, c.code, c.want)
		}
	}
}

func TestDirectoryCheck(t *testing.T) {
	tmp := t.TempDir()
	small, _ := writeSmallDirectory(t, tmp)
	broken := filepath.Join(tmp, "broken")
	if err := os.Mkdir(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"users.json":  "{\"value\": [\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"manager\": {\"id\": \"nobody\"}}\n]}",
		"groups.json": `{"value": []}`,
	} {
		if err := os.WriteFile(filepath.Join(broken, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"yaml file", []string{small}, ExitOK,
			"10 users (1 disabled, 1 soft-deleted, 0 hard-deleted), 3 groups; scope assigned: 8 users and 2 groups in scope", ""},
		{"graph export", []string{graphExport}, ExitOK,
			"4 users (1 disabled, 0 soft-deleted, 0 hard-deleted), 2 groups; scope assigned: 3 users and 1 groups in scope", ""},
		{"broken graph export", []string{broken}, ExitFailure, "",
			filepath.Join(broken, "users.json") + `:3:3: value[1] (id "b"): manager.id: unknown user "nobody"`},
		{"folder without users.json", []string{tmp}, ExitFailure, "", "users.json is missing"},
		{"no such path", []string{filepath.Join(tmp, "nope.yaml")}, ExitFailure, "", "read directory:"},
		{"no path", nil, ExitUsage, "", "want one PATH"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(append([]string{"directory", "check"}, c.args...)...)
			if code != c.code || !strings.Contains(stdout, c.out) || !strings.Contains(stderr, c.err) {
				t.Fatalf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, c.code, stdout, c.out, stderr, c.err)
			}
		})
	}
}

// A cycle reads a Graph export folder given as --directory, as it reads a
// YAML file: of the assigned user (Ana) and the assigned group's members
// (Ben, Chen) Ana and Ben are created with the group; Chen, disabled and
// never provisioned, is skipped. Dana is not assigned.
func TestCycleFromGraphExport(t *testing.T) {
	srv := startRefServer(t)
	state := filepath.Join(t.TempDir(), "state.db")
	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token,
		"--directory", graphExport, "--state", state)
	if code != ExitOK || !strings.Contains(out, "(initial): created 3, updated 0, disabled 0, deleted 0, skipped 1, failed 0") {
		t.Fatalf("cycle: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("cycle", "--token", srv.Token, "--directory", filepath.Join(t.TempDir(), "empty"), "--state", state)
	if code != ExitUsage || !strings.Contains(errOut, "--directory") {
		t.Fatalf("missing folder: exit %d\n%s\n%s", code, out, errOut)
	}
}
