package cli

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// journal returns method, path and decoded query of every request the
// server's account saw.
func journal(t *testing.T, srv *embedded.Server) []string {
	t.Helper()
	var out []string
	for _, r := range serverRequests(t, srv) {
		q, _ := url.QueryUnescape(r.Query)
		line := r.Method + " " + r.Path + "?" + q
		if r.Method == http.MethodPatch && strings.Contains(r.RequestBody, "manager") {
			line += " [manager]"
		}
		out = append(out, line)
	}
	return out
}

// serverRequests are the requests the server's account saw (admin API journal).
func serverRequests(t *testing.T, srv *embedded.Server) []adminapi.JournalEntry {
	t.Helper()
	log, err := srv.Admin().Requests(context.Background(), srv.AccountID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return log.Requests
}

// TestReferenceCheckFlag_ENTRA_FLOW_06: cycle sends the FLOW-06 check before
// each manager PATCH unless --reference-check=false; the PATCHes are sent
// either way. The small directory has five users with a provisioned
// manager.
func TestReferenceCheckFlag_ENTRA_FLOW_06(t *testing.T) {
	cases := []struct {
		name       string
		flags      []string
		wantChecks int
	}{
		{"default", nil, 5},
		{"explicitly on", []string{"--reference-check=true"}, 5},
		{"off", []string{"--reference-check=false"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRefServer(t)
			tmp := t.TempDir()
			dirFile, _ := writeSmallDirectory(t, tmp)
			args := append([]string{"cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token,
				"--directory", dirFile, "--state", filepath.Join(tmp, "state.db")}, tc.flags...)
			if code, out, errOut := run(args...); code != ExitOK {
				t.Fatalf("cycle: exit %d\n%s\n%s", code, out, errOut)
			}
			checks, patches := 0, 0
			reqs := journal(t, srv)
			for _, r := range reqs {
				if strings.HasPrefix(r, "GET /Users?") && strings.Contains(r, " and manager eq ") {
					checks++
				}
				if strings.HasSuffix(r, "[manager]") {
					patches++
				}
			}
			if checks != tc.wantChecks || patches != 5 {
				t.Fatalf("%d reference checks and %d manager PATCHes, want %d and 5:\n%s", checks, patches, tc.wantChecks, strings.Join(reqs, "\n"))
			}
		})
	}
}

// TestReferenceCheckHelp: every command that runs the sync engine documents
// --reference-check.
func TestReferenceCheckHelp(t *testing.T) {
	for _, cmd := range []string{"cycle", "run", "provision"} {
		code, out, errOut := run(cmd, "--help")
		if code != ExitOK {
			t.Fatalf("%s --help: exit %d %s", cmd, code, errOut)
		}
		for _, want := range []string{"--reference-check", "ENTRA-FLOW-06", "--reference-check=false", "sent all the same"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s --help does not mention %q:\n%s", cmd, want, out)
			}
		}
	}
}
