package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScenarioRunCommand: a scenario by file and by name against the
// throwaway reference server; a failed expectation exits 1, a bad file 2.
func TestScenarioRunCommand(t *testing.T) {
	code, out, errOut := run("scenario", "run", "err-22-credentials-rejected")
	if code != ExitOK || !strings.Contains(out, "PASS err-22-credentials-rejected") || !strings.Contains(out, "[entered]") {
		t.Fatalf("by name: %d\n%s\n%s", code, out, errOut)
	}
	tmp := t.TempDir()
	file := filepath.Join(tmp, "mine.yaml")
	_ = os.WriteFile(file, []byte("directory: small.yaml\nfaults: err-03-internal-server-error\ncycles: 1\nexpect: {status: Quarantine}\n"), 0o644)
	code, out, errOut = run("scenario", "run", file)
	if code != ExitFailure || !strings.Contains(out, "FAIL mine") || !strings.Contains(errOut, "expectation(s) failed") {
		t.Fatalf("failing file: %d\n%s\n%s", code, out, errOut)
	}
	_ = os.WriteFile(file, []byte("cycles: [\n"), 0o644)
	if code, _, errOut = run("scenario", "run", file); code != ExitUsage {
		t.Fatalf("bad file: %d %s", code, errOut)
	}
	if code, _, errOut = run("scenario", "run", "no-such-scenario"); code != ExitUsage || !strings.Contains(errOut, "scenario list") {
		t.Fatalf("unknown name: %d %s", code, errOut)
	}
	if code, out, _ = run("scenario", "list"); code != ExitOK || !strings.Contains(out, "quarantine-on-tuesday") {
		t.Fatalf("list: %d %s", code, out)
	}
}

// TestScenarioRunTarget: scenario run names its target on the first line,
// refuses the tenant flags it would ignore (exit 2, nothing run) and never
// uses an exported tenant URL.
func TestScenarioRunTarget(t *testing.T) {
	ref := startRefServer(t)
	tenant := newRealTenant(t)
	for _, tc := range []struct {
		name      string
		args      []string
		env       bool
		code      int
		wantFirst string
		want      string // in stdout (exit 0) or stderr (exit 2)
	}{
		{name: "throwaway", code: ExitOK,
			wantFirst: "running against: throwaway reference server, in this process and discarded afterwards (a fresh account)",
			want:      "PASS err-01-conflict-on-create"},
		{name: "--admin-url", args: []string{"--admin-url", ref.BaseURL, "--admin-token", ref.AdminToken}, code: ExitOK,
			wantFirst: "running against: reference server " + ref.BaseURL + " (given with --admin-url; a fresh account)",
			want:      "PASS err-01-conflict-on-create"},
		{name: "exported tenant URL", env: true, code: ExitOK,
			wantFirst: "running against: throwaway reference server",
			want:      "  SCIM_TENANT_URL is set (" + tenant.URL + ") but not used: scenarios never run against a tenant URL"},
		{name: "--tenant-url", args: []string{"--tenant-url", tenant.URL}, code: ExitUsage,
			want: "entrasim scenario run: --tenant-url is not used by scenario run, which runs against a fresh account of a reference server (a throwaway one, or --admin-url with --admin-token) and takes its client settings from the scenario file; drop --tenant-url"},
		{name: "--token", args: []string{"--token", "secret"}, code: ExitUsage, want: "--token is not used by scenario run"},
		{name: "--dialect", args: []string{"--dialect", "compliant"}, code: ExitUsage, want: "--dialect is not used by scenario run"},
		{name: "--timeout", args: []string{"--timeout", "1s"}, code: ExitUsage, want: "--timeout is not used by scenario run"},
		{name: "--tenant-url with --admin-url", args: []string{"--admin-url", ref.BaseURL, "--admin-token", ref.AdminToken, "--tenant-url", tenant.URL, "--token", "x"},
			code: ExitUsage, want: "--tenant-url, --token are not used by scenario run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env {
				t.Setenv(EnvTenantURL, tenant.URL)
				t.Setenv(EnvToken, tenant.Token)
			} else {
				t.Setenv(EnvTenantURL, "")
			}
			code, out, errOut := run(append([]string{"scenario", "run", "err-01-conflict-on-create"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errOut)
			}
			if tc.code == ExitUsage {
				if out != "" || !strings.Contains(errOut, tc.want) {
					t.Fatalf("stdout %q, stderr %q, want nothing run and %q", out, errOut, tc.want)
				}
				return
			}
			if firstLine(out) != tc.wantFirst && !strings.HasPrefix(firstLine(out), tc.wantFirst) {
				t.Errorf("first line %q, want %q", firstLine(out), tc.wantFirst)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
	if got := tenant.requests(); len(got) != 0 {
		t.Fatalf("the tenant received %q", got)
	}
}
