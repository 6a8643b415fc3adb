package cli

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// managerPatches returns the bodies of the manager PATCHes the server's
// account saw.
func managerPatches(t *testing.T, srv *embedded.Server) []string {
	t.Helper()
	var out []string
	for _, r := range serverRequests(t, srv) {
		if r.Method == http.MethodPatch && strings.Contains(r.RequestBody, "manager") {
			out = append(out, r.RequestBody)
		}
	}
	return out
}

// TestManagerFormFlag_ENTRA_FLOW_08: --manager-form selects the form of
// the manager PATCH a cycle sends: the observed bare id on the enterprise
// URN path by default and with "observed", the SCIM tutorial's Example 5
// (path manager, [{$ref,value}]) with "documented", {value} with "object";
// any other value is a usage error.
func TestManagerFormFlag_ENTRA_FLOW_08(t *testing.T) {
	const urnPath = `"path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"`
	cases := []struct {
		name  string
		flags []string
		want  []string // fragments of every manager PATCH
		not   []string
	}{
		{"default", nil, []string{`"op":"Add"`, urnPath, `"value":"`}, []string{`"$ref"`, `"value":{`, `"path":"manager"`}},
		{"observed", []string{"--manager-form", "observed"}, []string{urnPath}, []string{`"$ref"`, `"value":{`}},
		{"documented", []string{"--manager-form=documented"}, []string{`"path":"manager"`, `"value":[{"$ref":"`, `/Users/`}, []string{urnPath}},
		{"object", []string{"--manager-form", "object"}, []string{urnPath, `"value":{"value":"`}, []string{`"$ref"`}},
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
			patches := managerPatches(t, srv)
			if len(patches) != 5 {
				t.Fatalf("%d manager PATCHes, want 5 (the small directory's managers):\n%s", len(patches), strings.Join(patches, "\n"))
			}
			for _, p := range patches {
				for _, w := range tc.want {
					if !strings.Contains(p, w) {
						t.Errorf("manager PATCH lacks %s: %s", w, p)
					}
				}
				for _, n := range tc.not {
					if strings.Contains(p, n) {
						t.Errorf("manager PATCH has %s: %s", n, p)
					}
				}
				if tc.name == "documented" && !strings.Contains(p, `"$ref":"`+srv.TenantURL()+`/Users/`) {
					t.Errorf("$ref not under the tenant URL %s: %s", srv.TenantURL(), p)
				}
			}
		})
	}
	t.Run("unknown form", func(t *testing.T) {
		code, _, errOut := run("test-connection", "--tenant-url", "http://127.0.0.1:1/scim", "--token", "t", "--manager-form", "bare")
		if code != ExitUsage || !strings.Contains(errOut, "--manager-form") || !strings.Contains(errOut, "observed") {
			t.Errorf("exit %d, stderr %q; want a usage error naming the flag and the forms", code, errOut)
		}
	})
}
