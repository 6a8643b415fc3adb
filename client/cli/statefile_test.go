package cli

// The state file as the job commands use it (issue 13 item 9): read-only
// commands on a missing file, and SQLite files that are not states. The
// lock is tested with a second process in process_test.go.

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// TestMissingStateFileCreatesNothing_Issue13_9: status, logs and the
// commands that act on an existing job fail with exit 2 and a message
// naming the file, and create nothing: not the file, nor a journal, WAL or
// lock file beside it, nor logs' output folder.
func TestMissingStateFileCreatesNothing_Issue13_9(t *testing.T) {
	tmp := t.TempDir()
	p := filepath.Join(tmp, "typo.db")
	outDir := filepath.Join(tmp, "csv")
	for _, args := range [][]string{
		{"status", "--state", p},
		{"status", "--state", p, "--json"},
		{"logs", "--state", p},
		{"logs", "--state", p, "--format", "text"},
		{"logs", "--state", p, "--format", "csv", "--out", outDir},
		{"restart", "--state", p},
		{"restart", "--state", p, "--reset-scope", "full"},
		{"stop", "--state", p},
		{"start", "--state", p},
		{"allow-deletes", "--state", p},
	} {
		code, out, errOut := run(args...)
		if code != ExitUsage || !strings.Contains(errOut, "state file "+p+" does not exist (nothing was created") || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		if m, _ := filepath.Glob(p + "*"); len(m) != 0 {
			t.Fatalf("%v created %v", args, m)
		}
		if _, err := os.Stat(outDir); !os.IsNotExist(err) {
			t.Fatalf("%v created %s", args, outDir)
		}
	}
}

// TestRefserverDatabaseIsNotAStateFile_Issue13_9: the reference server's
// own SQLite database given as --state is refused by every job command
// (exit 2, saying what it is) and left byte for byte as it was, with
// nothing created beside it.
func TestRefserverDatabaseIsNotAStateFile_Issue13_9(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "refserver.db")
	srv, err := embedded.Start(context.Background(), embedded.Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.TenantURL()+"/Users", strings.NewReader(`{"userName":"a@contoso.com"}`))
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("seed a user: %v %v", err, resp)
	}
	resp.Body.Close()
	tenant, token := srv.TenantURL(), srv.Token
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	beside, _ := filepath.Glob(db + "*")
	dirFile, _ := writeSmallDirectory(t, tmp)
	common := []string{"--tenant-url", tenant, "--token", token, "--directory", dirFile, "--state", db}
	for _, args := range [][]string{
		append([]string{"cycle"}, common...),
		append([]string{"run", "--cycles", "2"}, common...),
		append([]string{"provision", "--user", "u01"}, common...),
		{"status", "--state", db},
		{"logs", "--state", db, "--format", "text"},
		{"restart", "--state", db},
		{"stop", "--state", db},
	} {
		code, _, errOut := run(args...)
		if code != ExitUsage || !strings.Contains(errOut, db+" is a SQLite database with the tables accounts, ") ||
			!strings.Contains(errOut, "not an entrasim state file") || !strings.Contains(errOut, "entrasim does not write into it") {
			t.Errorf("%v: exit %d, stderr %q", args[0], code, errOut)
		}
		if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
			t.Fatalf("%v wrote into the refserver database", args[0])
		}
		if now, _ := filepath.Glob(db + "*"); !slices.Equal(now, beside) {
			t.Fatalf("%v: files beside the database %v, before %v", args[0], now, beside)
		}
	}
}

// TestHelpDocumentsExitCodes_Issue13_9: the root help says what every exit
// code means, the state file's errors and the signals included, and the
// job commands' help names the codes they use.
func TestHelpDocumentsExitCodes_Issue13_9(t *testing.T) {
	code, out, _ := run("--help")
	for _, want := range []string{
		"  0    success",
		"  1    failure:",
		"  2    usage or environment: bad flags or arguments, or a state file that cannot be used: missing",
		"not an entrasim state file",
		`in use by another entrasim process ("in use by pid N")`,
		"  130  interrupted by SIGINT or SIGTERM (both are handled alike)",
	} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("root help lacks %q:\n%s", want, out)
		}
	}
	for cmd, wants := range map[string][]string{
		"cycle":     {"2 bad flags,", "is in use; 130", "state file <path> in use by pid N"},
		"run":       {"is in use; 130"},
		"provision": {"is in use (it is locked while the command runs); 130"},
		"status":    {"2 bad flags, or a state file that does not exist"},
		"logs":      {"2 bad flags, or a\nstate file that does not exist"},
		"restart":   {"does not exist\n(nothing is created), is not an entrasim state or is in use"},
		"stop":      {"does not exist\n(nothing is created), is not an entrasim state or is in use"},
	} {
		_, out, _ := run(cmd, "--help")
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("%s help lacks %q:\n%s", cmd, want, out)
			}
		}
	}
}
