package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/outcome"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// putFaults installs a fault plan (fixtures/faults format, as JSON) on the
// embedded server's account through its admin API.
func putFaults(t *testing.T, srv *embedded.Server, plan string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut,
		srv.BaseURL+"/admin/accounts/"+srv.AccountID+"/faults", strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("PUT faults: HTTP %d", resp.StatusCode)
	}
}

// faultedPlan makes user creates answer 400 invalidValue naming a
// required field (the plain-400 default, UNC-03: a scimType is not
// overruled by the detail) and group creates 409 (EntryConflict, DOC S5).
const faultedPlan = `{"rules":[
 {"name":"user-create","method":"POST","path":"^/Users$","status":400,
  "body":"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"scimType\":\"invalidValue\",\"detail\":\"userName is required\",\"status\":\"400\"}"},
 {"name":"group-create","method":"POST","path":"^/Groups$","status":409}]}`

// sourcedState runs one cycle that leaves failures in the state file and
// returns its path. faulted: the plan above; revoked: a rejected token,
// which quarantines the job with the credential failure (OBS O11).
func sourcedState(t *testing.T, setup string) string {
	t.Helper()
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	st := filepath.Join(tmp, "state.db")
	token := srv.Token
	switch setup {
	case "faulted":
		putFaults(t, srv, faultedPlan)
	case "revoked":
		token = "revoked"
	default:
		t.Fatalf("setup %q", setup)
	}
	if code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", token, "--directory", dirFile,
		"--state", st); code != ExitFailure {
		t.Fatalf("cycle %s: exit %d, want 1 (objects failed)\n%s\n%s", setup, code, out, errOut)
	}
	return st
}

// codeSources are the sources expected per setup, by error code.
var codeSources = []struct {
	setup string
	want  map[string]outcome.Source
	// quarantine is the source of the quarantine error's code, if any.
	quarantine *outcome.Source
}{
	{"faulted", map[string]outcome.Source{
		outcome.CodeBadRequest:    {Kind: outcome.Default, Ref: "UNC-03"},
		outcome.CodeEntryConflict: {Kind: outcome.Documented, Ref: "DOC S5"},
	}, nil},
	{"revoked", map[string]outcome.Source{
		outcome.CodeCredentialValidationFailure: {Kind: outcome.Observed, Ref: "OBS O11"},
	}, &outcome.Source{Kind: outcome.Observed, Ref: "OBS O11"}},
}

// TestStatusShowsErrorCodeSource: status lists every escrowed failure and
// the quarantine error with the source of its code, in the text and as
// errorCodeSource / quarantineErrorCodeSource in --json.
func TestStatusShowsErrorCodeSource(t *testing.T) {
	for _, tc := range codeSources {
		t.Run(tc.setup, func(t *testing.T) {
			st := sourcedState(t, tc.setup)

			code, out, errOut := run("status", "--state", st)
			if code != ExitOK {
				t.Fatalf("status: %d %s", code, errOut)
			}
			seen := map[string]bool{}
			for _, line := range strings.Split(out, "\n") {
				if !strings.Contains(line, " own): ") && !strings.Contains(line, " reference): ") {
					continue
				}
				for c, src := range tc.want {
					if strings.Contains(line, "): "+c+" [") {
						seen[c] = true
						if !strings.Contains(line, "): "+c+" ["+src.String()+"], ") {
							t.Errorf("escrow line %q: want %s [%s]", line, c, src)
						}
					}
				}
			}
			for c := range tc.want {
				if !seen[c] {
					t.Errorf("no escrow line for %s:\n%s", c, out)
				}
			}
			if q := tc.quarantine; q != nil {
				if !strings.Contains(out, "  "+outcome.CodeCredentialValidationFailure+" ["+q.String()+"]: ") {
					t.Errorf("quarantine error without its source:\n%s", out)
				}
			} else if strings.Contains(out, "Quarantine reason") {
				t.Errorf("unexpected quarantine:\n%s", out)
			}

			code, out, errOut = run("status", "--state", st, "--json")
			var v struct {
				EscrowEntries []struct {
					ErrorCode       string          `json:"errorCode"`
					ErrorCodeSource *outcome.Source `json:"errorCodeSource"`
				} `json:"escrowEntries"`
				Quarantine *struct {
					Error map[string]any `json:"error"`
				} `json:"quarantine"`
				QuarantineErrorCodeSource *outcome.Source `json:"quarantineErrorCodeSource"`
			}
			if code != ExitOK || json.Unmarshal([]byte(out), &v) != nil {
				t.Fatalf("status --json: %d %s %s", code, errOut, out)
			}
			if len(v.EscrowEntries) == 0 {
				t.Fatalf("no escrow entries:\n%s", out)
			}
			got := map[string]bool{}
			for _, e := range v.EscrowEntries {
				want, ok := tc.want[e.ErrorCode]
				if !ok {
					t.Errorf("escrow code %q not expected in %s", e.ErrorCode, tc.setup)
					continue
				}
				got[e.ErrorCode] = true
				if e.ErrorCodeSource == nil || *e.ErrorCodeSource != want {
					t.Errorf("%s: errorCodeSource %+v, want %+v", e.ErrorCode, e.ErrorCodeSource, want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("escrow codes %v, want all of %v", got, tc.want)
			}
			switch {
			case tc.quarantine == nil && v.QuarantineErrorCodeSource != nil:
				t.Errorf("quarantineErrorCodeSource %+v without a quarantine", v.QuarantineErrorCodeSource)
			case tc.quarantine != nil && (v.QuarantineErrorCodeSource == nil || *v.QuarantineErrorCodeSource != *tc.quarantine):
				t.Errorf("quarantineErrorCodeSource %+v, want %+v", v.QuarantineErrorCodeSource, *tc.quarantine)
			}
			if tc.quarantine != nil {
				if v.Quarantine == nil || len(v.Quarantine.Error) != 3 {
					t.Errorf("Graph's quarantine.error changed shape: %+v", v.Quarantine)
				}
			}
		})
	}
}

// TestLogsShowErrorCodeSource: logs --format csv has an errorCodeSource
// column beside errorCode, --format text shows the source beside each
// code, and --format json keeps Graph's shape without it.
func TestLogsShowErrorCodeSource(t *testing.T) {
	for _, tc := range codeSources {
		t.Run(tc.setup, func(t *testing.T) {
			st := sourcedState(t, tc.setup)

			csvDir := filepath.Join(t.TempDir(), "csv")
			if code, out, errOut := run("logs", "--state", st, "--format", "csv", "--out", csvDir); code != ExitOK {
				t.Fatalf("logs csv: %d %s %s", code, out, errOut)
			}
			fh, err := os.Open(filepath.Join(csvDir, "ProvisioningLogs.csv"))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(fh).ReadAll()
			fh.Close()
			if err != nil || len(rows) < 2 {
				t.Fatalf("csv: %d rows, %v", len(rows), err)
			}
			codeCol, srcCol := slices.Index(rows[0], "errorCode"), slices.Index(rows[0], "errorCodeSource")
			if codeCol < 0 || srcCol < 0 {
				t.Fatalf("header %v", rows[0])
			}
			seen := map[string]bool{}
			for _, r := range rows[1:] {
				c := r[codeCol]
				if c == "" {
					if r[srcCol] != "" {
						t.Errorf("source %q without a code", r[srcCol])
					}
					continue
				}
				want, ok := tc.want[c]
				if !ok {
					t.Errorf("log code %q not expected in %s", c, tc.setup)
					continue
				}
				seen[c] = true
				if r[srcCol] != want.String() {
					t.Errorf("%s: errorCodeSource %q, want %q", c, r[srcCol], want.String())
				}
			}
			if len(seen) != len(tc.want) {
				t.Errorf("log codes %v, want all of %v", seen, tc.want)
			}

			code, out, errOut := run("logs", "--state", st, "--format", "text")
			if code != ExitOK {
				t.Fatalf("logs text: %d %s", code, errOut)
			}
			for c, src := range tc.want {
				if !strings.Contains(out, "    errorCode "+c+" ["+src.String()+"]: ") {
					t.Errorf("text lacks %s [%s]:\n%s", c, src, out)
				}
			}
			if !strings.HasSuffix(out, strconv.Itoa(len(rows)-1)+" records\n") {
				t.Errorf("text does not end with the record count %d:\n%s", len(rows)-1, out)
			}

			code, out, _ = run("logs", "--state", st, "--format", "json")
			if code != ExitOK || strings.Contains(out, "errorCodeSource") || strings.Contains(out, "UNC-03") || strings.Contains(out, "OBS O11") {
				t.Fatalf("logs json: exit %d, or it carries a source:\n%.400s", code, out)
			}
		})
	}
}

// TestLogsTextUsage: text goes to stdout only; unknown formats still fail.
func TestLogsTextUsage(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"logs", "--state", filepath.Join(tmp, "s.db"), "--format", "text", "--out", tmp}, "--format text prints to stdout"},
		{[]string{"logs", "--state", filepath.Join(tmp, "s.db"), "--format", "yaml"}, "--format must be json or csv (or text to read)"},
	} {
		code, _, errOut := run(tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want usage error with %q", tc.args, code, errOut, tc.want)
		}
	}
}
