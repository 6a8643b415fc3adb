package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/quantive/entra-scim-harness/client/reproduce"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// realTenant is an in-process reference server that plays a real tenant,
// reached by the command through a loopback proxy that journals every
// request; setup and inspection go to the server directly, so the journal
// holds only what the command sent.
type realTenant struct {
	t     *testing.T
	srv   *embedded.Server
	URL   string // the tenant URL through the journal
	Token string
	mu    sync.Mutex
	reqs  []string // "METHOD /Users/…", relative to the tenant URL
}

func newRealTenant(t *testing.T) *realTenant {
	t.Helper()
	srv := startRefServer(t)
	rt := &realTenant{t: t, srv: srv, Token: srv.Token}
	prefix := strings.TrimPrefix(srv.TenantURL(), srv.BaseURL)
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt.mu.Lock()
		rt.reqs = append(rt.reqs, r.Method+" "+strings.TrimPrefix(r.URL.Path, prefix))
		rt.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	rt.URL = ts.URL + prefix
	return rt
}

func (rt *realTenant) requests() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return slices.Clone(rt.reqs)
}

// writes are the requests that change something (not GET).
func (rt *realTenant) writes() []string {
	var out []string
	for _, r := range rt.requests() {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// direct does one request to the server without the journal.
func (rt *realTenant) direct(method, path, body string, token string) (int, []byte) {
	rt.t.Helper()
	base := rt.srv.TenantURL()
	if strings.HasPrefix(path, "/admin") {
		base = rt.srv.BaseURL
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rt.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (rt *realTenant) createUser(userName, displayName string) string {
	rt.t.Helper()
	c, err := scim.New(scim.Options{TenantURL: rt.srv.TenantURL(), Token: rt.Token})
	if err != nil {
		rt.t.Fatal(err)
	}
	res, err := c.CreateUser(context.Background(), scim.Attributes{"userName": userName, "displayName": displayName, "active": "True"})
	if err != nil || !res.Outcome.Success {
		rt.t.Fatalf("create %s: %v %+v", userName, err, res)
	}
	return res.ID()
}

func (rt *realTenant) createGroup(displayName string) string {
	rt.t.Helper()
	c, _ := scim.New(scim.Options{TenantURL: rt.srv.TenantURL(), Token: rt.Token})
	res, err := c.CreateGroup(context.Background(), "", displayName)
	if err != nil || !res.Outcome.Success {
		rt.t.Fatalf("create group %s: %v %+v", displayName, err, res)
	}
	return res.ID()
}

// list returns "id name" of every user (userName) or group (displayName).
func (rt *realTenant) list(kind string) []string {
	rt.t.Helper()
	code, b := rt.direct(http.MethodGet, "/"+kind+"?count=500", "", rt.Token)
	var lr struct {
		Resources []struct{ ID, UserName, DisplayName string }
	}
	if code != http.StatusOK || json.Unmarshal(b, &lr) != nil {
		rt.t.Fatalf("list %s: %d %s", kind, code, b)
	}
	var out []string
	for _, r := range lr.Resources {
		n := r.UserName
		if kind == "Groups" {
			n = r.DisplayName
		}
		out = append(out, r.ID+" "+n)
	}
	sort.Strings(out)
	return out
}

// user returns the user's resource, or nil when it is gone.
func (rt *realTenant) user(id string) map[string]any {
	code, b := rt.direct(http.MethodGet, "/Users/"+id, "", rt.Token)
	if code == http.StatusNotFound {
		return nil
	}
	var m map[string]any
	if code != http.StatusOK || json.Unmarshal(b, &m) != nil {
		rt.t.Fatalf("get user %s: %d %s", id, code, b)
	}
	delete(m, "meta")
	return m
}

// faults installs fault rules on the tenant's account.
func (rt *realTenant) faults(rules string) {
	rt.t.Helper()
	code, b := rt.direct(http.MethodPut, "/admin/accounts/"+rt.srv.AccountID+"/faults", `{"rules":[`+rules+`]}`, rt.srv.AdminToken)
	if code >= 300 {
		rt.t.Fatalf("faults: %d %s", code, b)
	}
}

// rec builds a provisioning-log record in Graph's shape.
type rec struct {
	id, action, status, code, app string
	group                         bool
	source, target, name          string
	props                         []prop
	steps                         []map[string]any
}

// prop is a modified property; "-" is null.
type prop struct{ name, old, new string }

func (r rec) record() map[string]any {
	nullable := func(s string) any {
		if s == "-" {
			return nil
		}
		return s
	}
	typ, ttyp := "User", "urn:ietf:params:scim:schemas:core:2.0:User"
	if r.group {
		typ, ttyp = "Group", "urn:ietf:params:scim:schemas:core:2.0:Group"
	}
	status := map[string]any{"status": r.status, "errorInformation": nil}
	if r.code != "" {
		status["errorInformation"] = map[string]any{"errorCode": r.code, "reason": "as logged", "errorCategory": "nonServiceFailure"}
	}
	props := []any{}
	for _, p := range r.props {
		props = append(props, map[string]any{"displayName": p.name, "oldValue": nullable(p.old), "newValue": nullable(p.new)})
	}
	steps := []any{}
	for _, s := range r.steps {
		steps = append(steps, s)
	}
	id := r.id
	if id == "" {
		id = "rec-" + r.action
	}
	return map[string]any{"id": id, "changeId": "chg-" + id, "cycleId": "c1", "jobId": "scim.0a1b.11111111-2222-3333-4444-555555555555",
		"activityDateTime": "2026-03-03T09:00:00Z", "provisioningAction": r.action, "provisioningStatusInfo": status,
		"provisioningSteps": steps, "modifiedProperties": props,
		"sourceIdentity":   map[string]any{"id": r.source, "displayName": r.name, "identityType": typ, "details": map[string]any{}},
		"targetIdentity":   map[string]any{"id": r.target, "displayName": r.name, "identityType": ttyp, "details": map[string]any{}},
		"servicePrincipal": map[string]any{"id": "sp1", "displayName": r.app}}
}

// refStep is a failed referenceResolution step for attribute.
func refStep(attribute string) map[string]any {
	return map[string]any{"name": "EntryReferenceResolution", "provisioningStepType": "referenceResolution", "status": "failure",
		"description": "failed", "details": map[string]any{"attribute": attribute}}
}

// writeRecords writes records as Graph's list response and returns the path.
func writeRecords(t *testing.T, recs ...rec) string {
	t.Helper()
	var vals []any
	for _, r := range recs {
		vals = append(vals, r.record())
	}
	b, _ := json.Marshal(map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning", "value": vals})
	file := filepath.Join(t.TempDir(), "records.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

var createKen = rec{action: "create", status: "failure", code: "EntryConflict", source: "s-ken", name: "Ken Lee",
	props: []prop{{"userName", "-", "ken@contoso.com"}, {"active", "-", "True"}, {"displayName", "-", "Ken Lee"}}}

// TestReproduceWritesToARealTenantOnlyWithTenantURL: an exported
// SCIM_TENANT_URL is never used (the issue: a delete replayed against it
// deleted a real user); only --tenant-url on the command line reaches the
// tenant, and --dry-run sends nothing anywhere. The first line names the
// target.
func TestReproduceWritesToARealTenantOnlyWithTenantURL(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       bool
		args      []string // besides --log
		wantFirst string   // prefix of the first line; {TENANT} is the tenant URL
		wantOut   []string
		wantReqs  []string // requests the real tenant receives; {USER} is the user's id
		deleted   bool
	}{
		{name: "exported URL only", env: true,
			wantFirst: "replaying against: throwaway reference server",
			wantOut:   []string{"SCIM_TENANT_URL is set", "not used", "[request] DELETE /Users/", "REPRODUCED: the action succeeds"}},
		{name: "exported URL, dry run", env: true, args: []string{"--dry-run"},
			wantFirst: "replaying against: throwaway reference server, in this process and discarded afterwards (dry run: nothing is sent)",
			wantOut:   []string{"SCIM_TENANT_URL is set", "[request] DELETE /Users/", "not sent (dry run)", "DRY RUN"}},
		{name: "--tenant-url, dry run", args: []string{"--tenant-url", "{TENANT}", "--token", "{TOKEN}", "--dry-run"},
			wantFirst: "replaying against: {TENANT} (given with --tenant-url) (dry run: nothing is sent)",
			wantOut:   []string{"[request] DELETE /Users/{USER}", "not sent (dry run)", "DRY RUN"}},
		{name: "--tenant-url", args: []string{"--tenant-url", "{TENANT}", "--token", "{TOKEN}"},
			wantFirst: "replaying against: {TENANT} (given with --tenant-url)",
			wantOut:   []string{"acting on the record's target object {USER} itself", "[request] DELETE /Users/{USER}", "REPRODUCED"},
			wantReqs:  []string{"DELETE /Users/{USER}"}, deleted: true},
		{name: "--tenant-url, token from the environment", env: true, args: []string{"--tenant-url", "{TENANT}"},
			wantFirst: "replaying against: {TENANT} (given with --tenant-url)",
			wantOut:   []string{"[request] DELETE /Users/{USER}", "REPRODUCED"},
			wantReqs:  []string{"DELETE /Users/{USER}"}, deleted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRealTenant(t)
			joy := rt.createUser("joy@contoso.com", "Joy Young")
			other := rt.createUser("other@contoso.com", "Other")
			sub := strings.NewReplacer("{TENANT}", rt.URL, "{TOKEN}", rt.Token, "{USER}", joy)
			if tc.env {
				t.Setenv(EnvTenantURL, rt.URL)
				t.Setenv(EnvToken, rt.Token)
			} else {
				t.Setenv(EnvTenantURL, "")
				t.Setenv(EnvToken, "")
			}
			file := writeRecords(t, rec{action: "delete", status: "success", source: "s-joy", target: joy, name: "Joy Young",
				props: []prop{{"userName", "joy@contoso.com", "-"}}})
			args := []string{"reproduce", "--log", file}
			for _, a := range tc.args {
				args = append(args, sub.Replace(a))
			}
			code, out, errOut := run(args...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			if want := sub.Replace(tc.wantFirst); !strings.HasPrefix(firstLine(out), want) {
				t.Errorf("first line %q, want %q", firstLine(out), want)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, sub.Replace(w)) {
					t.Errorf("output lacks %q:\n%s", sub.Replace(w), out)
				}
			}
			var want []string
			for _, r := range tc.wantReqs {
				want = append(want, sub.Replace(r))
			}
			if got := rt.requests(); !slices.Equal(got, want) {
				t.Errorf("the real tenant received %q, want %q", got, want)
			}
			if gone := rt.user(joy) == nil; gone != tc.deleted {
				t.Errorf("user deleted: %v, want %v", gone, tc.deleted)
			}
			if rt.user(other) == nil {
				t.Error("an unrelated user was deleted")
			}
		})
	}
}

// TestReproduceDryRunShowsRequests: --dry-run prints each request with its
// method, path and body and sends none.
func TestReproduceDryRunShowsRequests(t *testing.T) {
	rt := newRealTenant(t)
	for _, tc := range []struct {
		name string
		r    rec
		want []string
	}{
		{"create", createKen, []string{"[request] GET /Users?filter=userName+eq+%22ken%40contoso.com%22", "[request] POST /Users",
			`"userName":"ken@contoso.com"`, `"displayName":"Ken Lee"`, "DRY RUN: 2 request(s) of the action"}},
		{"manager update, seeded", rec{action: "other", status: "failure", code: "MethodNotAllowed", source: "s-b", target: "t-b",
			name: "Ben", steps: []map[string]any{refStep("manager")}},
			[]string{"[setup] POST /Users", "manager-unlisted@reproduce.invalid", "[request] PATCH /Users/dry-run-1",
				`"path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"dry-run-2"`, "[cleanup] DELETE /Users/dry-run-2"}},
		{"member add", rec{action: "update", status: "success", group: true, source: "g1", target: "tg1", name: "Sales",
			props: []prop{{"members", "-", "t-ann"}}},
			[]string{"[request] PATCH /Groups/tg1", `"op":"Add","path":"members","value":[{"$ref":null,"value":"t-ann"}]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeRecords(t, tc.r)
			code, out, errOut := run("reproduce", "--log", file, "--tenant-url", rt.URL, "--token", rt.Token, "--dry-run")
			if code != ExitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if n := strings.Count(out, "-> not sent (dry run)"); n == 0 || strings.Contains(out, "-> HTTP") {
				t.Errorf("%d requests marked not sent, or an answer shown:\n%s", n, out)
			}
			if got := rt.requests(); len(got) != 0 {
				t.Fatalf("dry run sent %q", got)
			}
		})
	}
}

// TestReproduceRemovesWhatItCreated: against a real tenant, everything the
// replay creates is deleted afterwards, also when the replay fails or does
// not reproduce; objects that existed before are changed only by the
// replayed action itself (an update of the record's own target).
func TestReproduceRemovesWhatItCreated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      rec
		args   []string
		faults string
		code   int
		want   []string
		// writes are regexps the write requests must match, in order;
		// {PAT} is the pre-existing user's id.
		writes []string
		// patAfter is the pre-existing user's displayName afterwards.
		patAfter string
		stderr   string // the whole of stderr, when set
	}{
		{name: "create with manager, seeded", args: []string{"--seed"},
			r: rec{action: "create", status: "success", source: "s-ann", name: "Ann",
				props: []prop{{"userName", "-", "ann@contoso.com"}, {"manager", "-", "t-boss"}}},
			code: ExitOK, want: []string{"REPRODUCED: the action succeeds", "Removing what the replay created (2 object(s))"},
			writes: []string{`^POST /Users$`, `^POST /Users$`, `^PATCH /Users/{NEW}$`, `^DELETE /Users/{NEW}$`, `^DELETE /Users/{NEW}$`}},
		{name: "manager PATCH fails", faults: `{"name":"p","method":"PATCH","path":"^/Users/","status":405}`,
			r: rec{action: "create", status: "failure", code: "MethodNotAllowed", source: "s-ann", name: "Ann",
				props: []prop{{"userName", "-", "ann@contoso.com"}}, steps: []map[string]any{refStep("manager")}},
			code: ExitOK, want: []string{"REPRODUCED: MethodNotAllowed", "Removing what the replay created (2 object(s))"},
			writes: []string{`^POST /Users$`, `^POST /Users$`, `^PATCH /Users/{NEW}$`, `^DELETE /Users/{NEW}$`, `^DELETE /Users/{NEW}$`}},
		{name: "not reproduced", r: createKen,
			code: ExitFailure, want: []string{"NOT REPRODUCED: the record says EntryConflict, the replay got success", "Removing what the replay created (1 object(s))"},
			writes: []string{`^POST /Users$`, `^DELETE /Users/{NEW}$`}},
		{name: "group with members, seeded", args: []string{"--seed"},
			r: rec{action: "create", status: "success", group: true, source: "g-sales", name: "Sales",
				props: []prop{{"displayName", "-", "Sales"}, {"members", "-", "t-1"}, {"members", "-", "t-2"}}},
			code: ExitOK, want: []string{"REPRODUCED", "Removing what the replay created (3 object(s))"},
			writes: []string{`^POST /Groups$`, `^POST /Users$`, `^POST /Users$`, `^PATCH /Groups/{NEW}$`,
				`^DELETE /Users/{NEW}$`, `^DELETE /Users/{NEW}$`, `^DELETE /Groups/{NEW}$`}},
		{name: "create meets an existing user",
			r: rec{action: "create", status: "success", source: "s-pat", name: "Pat",
				props: []prop{{"userName", "-", "pat@contoso.com"}, {"displayName", "-", "Patricia"}}},
			code: ExitFailure, want: []string{"NOT REPRODUCED: the action was not sent", "already holds a user with userName pat@contoso.com"}},
		{name: "update of the record's own target",
			r: rec{action: "update", status: "success", source: "s-pat", target: "{PAT}", name: "Pat",
				props: []prop{{"displayName", "Pat", "Patricia"}}},
			code: ExitOK, want: []string{"acting on the record's target object", "REPRODUCED"},
			writes: []string{`^PATCH /Users/{PAT}$`}, patAfter: "Patricia"},
		{name: "stand-in create without an answer", args: []string{"--seed"}, faults: `{"name":"x","method":"POST","path":"^/Users$","status":502}`,
			r: rec{action: "update", status: "failure", code: "WebExceptionProtocolError", source: "s-ann", target: "t-ann", name: "Ann",
				props: []prop{{"userName", "ann@contoso.com", "ann@contoso.com"}, {"displayName", "Ann", "Anne"}}},
			code: ExitFailure, want: []string{"REPRODUCED: WebExceptionProtocolError", "WARNING: not removed; remove by hand",
				"user ann@contoso.com: its create got no usable answer, so it may exist; it was not looked up"},
			stderr: "entrasim: 1 created object(s) may be left on the tenant (listed above)\n",
			writes: []string{`^POST /Users$`}},
		{name: "removal refused", faults: `{"name":"d","method":"DELETE","status":403}`,
			r:    rec{action: "create", status: "success", source: "s-ann", name: "Ann", props: []prop{{"userName", "-", "ann@contoso.com"}}},
			code: ExitFailure, want: []string{"REPRODUCED", "WARNING: not removed; remove by hand", "user ann@contoso.com (id"},
			stderr: "entrasim: 1 created object(s) may be left on the tenant (listed above)\n",
			writes: []string{`^POST /Users$`, `^DELETE /Users/{NEW}$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRealTenant(t)
			pat := rt.createUser("pat@contoso.com", "Pat")
			rt.createGroup("Existing")
			usersBefore, groupsBefore := rt.list("Users"), rt.list("Groups")
			if tc.faults != "" {
				rt.faults(tc.faults)
			}
			r := tc.r
			if r.target == "{PAT}" {
				r.target = pat
			}
			file := writeRecords(t, r)
			code, out, errOut := run(append([]string{"reproduce", "--log", file, "--tenant-url", rt.URL, "--token", rt.Token}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tc.stderr != "" && errOut != tc.stderr {
				t.Errorf("stderr %q, want %q", errOut, tc.stderr)
			}
			writes := rt.writes()
			if len(writes) != len(tc.writes) {
				t.Fatalf("writes %q, want %d matching %q", writes, len(tc.writes), tc.writes)
			}
			for i, w := range writes {
				pattern := strings.NewReplacer("{PAT}", regexp.QuoteMeta(pat), "{NEW}", "[^/]+").Replace(tc.writes[i])
				if !regexp.MustCompile(pattern).MatchString(w) {
					t.Errorf("write %d %q does not match %s", i, w, pattern)
				}
				if strings.Contains(w, pat) && !strings.Contains(tc.writes[i], "{PAT}") {
					t.Errorf("write %q touches the pre-existing user", w)
				}
			}
			if tc.faults != "" && strings.Contains(tc.faults, "DELETE") {
				return // the removal was refused: the leftovers are the point
			}
			if got := rt.list("Users"); !slices.Equal(got, usersBefore) {
				t.Errorf("users afterwards %q, want %q", got, usersBefore)
			}
			if got := rt.list("Groups"); !slices.Equal(got, groupsBefore) {
				t.Errorf("groups afterwards %q, want %q", got, groupsBefore)
			}
			wantName := orDefault(tc.patAfter, "Pat")
			if u := rt.user(pat); u == nil || u["displayName"] != wantName || u["userName"] != "pat@contoso.com" {
				t.Errorf("the pre-existing user is now %v, want displayName %s", u, wantName)
			}
		})
	}
}

// TestReproduceLeftoversOnTheThrowawayServer: what the throwaway server
// keeps goes with it, so a create without an answer there is reported but
// does not fail the run (against a real tenant it does, see
// TestReproduceRemovesWhatItCreated).
func TestReproduceLeftoversOnTheThrowawayServer(t *testing.T) {
	r := rec{action: "update", status: "failure", code: "WebExceptionProtocolError", source: "s-ann", target: "t-ann", name: "Ann",
		props: []prop{{"userName", "ann@contoso.com", "ann@contoso.com"}}}
	code, out, errOut := run("reproduce", "--log", writeRecords(t, r), "--faults", "resp-15-bad-gateway")
	if code != ExitOK || !strings.Contains(out, "REPRODUCED: WebExceptionProtocolError") || !strings.Contains(out, "WARNING: not removed") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestReproducePrefixedErrorCode: an error code with the app's prefix, as
// Entra logs them for some gallery apps, equals its base code; distinct
// codes of the table stay distinct.
func TestReproducePrefixedErrorCode(t *testing.T) {
	for _, tc := range []struct {
		code, app string
		exit      int
		want      string
	}{
		{"GtmhubEntryConflict", "Gtmhub", ExitOK, "REPRODUCED: EntryConflict, as in the record (the record's GtmhubEntryConflict is EntryConflict with the app's prefix)"},
		{"gtmhubEntryConflict", "Gtmhub", ExitOK, "REPRODUCED: EntryConflict"},
		{"QuantiveEntryConflict", "", ExitOK, "REPRODUCED: EntryConflict"},
		{"EntryConflict", "Gtmhub", ExitOK, "REPRODUCED: EntryConflict, as in the record.\n"},
		{"Conflict", "Gtmhub", ExitFailure, "NOT REPRODUCED: the record says Conflict, the replay got EntryConflict"},
		{"GtmhubInternalServerError", "Gtmhub", ExitFailure, "NOT REPRODUCED: the record says GtmhubInternalServerError, the replay got EntryConflict"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			r := createKen
			r.code, r.app = tc.code, tc.app
			code, out, errOut := run("reproduce", "--log", writeRecords(t, r), "--faults", "err-01-conflict-on-create")
			if code != tc.exit || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want %d and %q\n%s\n%s", code, tc.exit, tc.want, out, errOut)
			}
		})
	}
}

// TestReproduceNamesFaultPlan: a record that does not reproduce names the
// fault plans of the catalogue that produce its error code.
func TestReproduceNamesFaultPlan(t *testing.T) {
	for _, tc := range []struct {
		code, app string
		want      string
	}{
		{"EntryConflict", "", "Fault plan(s) of the catalogue (fixtures/faults) that produce EntryConflict: err-01-conflict-on-create. Replay on the throwaway server with --faults err-01-conflict-on-create."},
		{"GtmhubInternalServerError", "Gtmhub", "that produce InternalServerError: err-03-internal-server-error."},
		{"SystemForCrossDomainIdentityManagementServiceIncompatible", "", "that produce SystemForCrossDomainIdentityManagementServiceIncompatible: err-20-manager-as-string, err-20-service-incompatible."},
		{"WebExceptionProtocolError", "", "that produce WebExceptionProtocolError: err-06-connection-dropped, resp-15-bad-gateway."},
		{"SchemaPropertyCanOnlyAcceptValue", "", "No fault plan of the catalogue (fixtures/faults) produces SchemaPropertyCanOnlyAcceptValue."},
	} {
		t.Run(tc.code, func(t *testing.T) {
			r := createKen
			r.code, r.app = tc.code, tc.app
			code, out, errOut := run("reproduce", "--log", writeRecords(t, r))
			if code != ExitFailure || !strings.Contains(out, "NOT REPRODUCED") || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want 1 and %q\n%s\n%s", code, tc.want, out, errOut)
			}
		})
	}
	// A reproduced record names none.
	if code, out, _ := run("reproduce", "--log", writeRecords(t, createKen), "--faults", "err-01-conflict-on-create"); code != ExitOK || strings.Contains(out, "Fault plan") {
		t.Fatalf("reproduced record: %d\n%s", code, out)
	}
}

// TestReproduceWarnsOnSourceAttributeNames: names in modifiedProperties
// that are not SCIM attributes (Entra's source names) give a warning and
// stay out of the requests; SCIM names, bare enterprise names included, go
// in.
func TestReproduceWarnsOnSourceAttributeNames(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		warn        string // "" = no warning
		inBody      string // what the POST body carries ("" = nothing of it)
	}{
		{"accountEnabled", "False", `WARNING: modifiedProperties lists "accountEnabled", which is not a SCIM attribute (an Entra source attribute name? the record may describe the source side); it is left out of the requests; Entra's default mapping sends it as active`, ""},
		{"mailNickname", "kenny-nick", `WARNING: modifiedProperties lists "mailNickname", which is not a SCIM attribute`, ""},
		{"userPrincipalName", "kenupn@contoso.com", `"userPrincipalName", which is not a SCIM attribute (an Entra source attribute name? the record may describe the source side); it is left out of the requests; Entra's default mapping sends it as userName`, ""},
		{"surname", "Leeward", `"surname", which is not a SCIM attribute`, ""},
		{"urn:ietf:params:scim:schemas:core:2.0:User:mailNickname", "kenny-nick", `which is not a SCIM attribute`, ""},
		{"title", "Engineer", "", `"title":"Engineer"`},
		{"name.givenName", "Ken", "", `"name":{"givenName":"Ken"}`},
		{"department", "Sales", "", `"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}`},
		{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge", "42", "", `"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badge":"42"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := createKen
			r.props = append(slices.Clone(r.props), prop{tc.name, "-", tc.value})
			code, out, errOut := run("reproduce", "--log", writeRecords(t, r), "--dry-run")
			if code != ExitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			post := regexp.MustCompile(`\[request\] POST /Users\n  (.*)\n`).FindStringSubmatch(out)
			if post == nil {
				t.Fatalf("no POST shown:\n%s", out)
			}
			if got := strings.Contains(out, "WARNING"); got != (tc.warn != "") || (tc.warn != "" && !strings.Contains(out, tc.warn)) {
				t.Errorf("warning %v, want %q:\n%s", got, tc.warn, out)
			}
			if tc.inBody == "" && strings.Contains(post[1], tc.value) {
				t.Errorf("the POST carries the source attribute's value: %s", post[1])
			}
			if tc.inBody == "" && strings.Contains(post[1], tc.name) {
				t.Errorf("the POST carries the source attribute: %s", post[1])
			}
			if tc.inBody != "" && !strings.Contains(post[1], tc.inBody) {
				t.Errorf("the POST lacks %s: %s", tc.inBody, post[1])
			}
		})
	}
}

// TestReproduceRecordSelection: --index and --id pick one record; without
// them every record is replayed in turn, and against a real tenant that
// needs --all. Contradicting flags exit 2.
func TestReproduceRecordSelection(t *testing.T) {
	rt := newRealTenant(t)
	group := rec{id: "g", action: "create", status: "success", group: true, source: "g-sales", name: "Sales", props: []prop{{"displayName", "-", "Sales"}}}
	staged := rec{id: "s", action: "stagedDelete", status: "skipped", source: "s-old", name: "Old"}
	ken := createKen
	ken.id = "k"
	file := writeRecords(t, group, ken, staged)
	for _, tc := range []struct {
		name string
		args []string
		exit int
		want []string
		not  []string
	}{
		{"all in turn", nil, ExitOK,
			[]string{"read 3 record(s)", "replaying all 3 in turn", "=== 1 of 3 ===", "=== 3 of 3 ===", "REPRODUCED: EntryConflict",
				"NOTHING TO REPLAY: a stagedDelete waits", "Summary of 3 records: 2 reproduced, 1 nothing to replay"}, nil},
		{"--index", []string{"--index", "1"}, ExitOK, []string{"Record 1: id k, changeId chg-k", "REPRODUCED: EntryConflict"}, []string{"Summary", "create group"}},
		{"--id", []string{"--id", "g"}, ExitOK, []string{"Record 0: id g", "REPRODUCED: the action succeeds"}, []string{"Summary", "Ken"}},
		{"--id with a changeId", []string{"--id", "chg-s"}, ExitOK, []string{"Record 2: id s", "NOTHING TO REPLAY"}, []string{"Summary"}},
		{"--change-id, the old name", []string{"--change-id", "chg-k"}, ExitOK, []string{"Record 1: id k"}, nil},
		{"--tenant-url needs --all", []string{"--tenant-url", rt.URL, "--token", rt.Token}, ExitUsage,
			[]string{"holds 3 records; against a real tenant give --index, --id or --all", "1: id k, changeId chg-k: create user \"Ken Lee\", failure EntryConflict"}, nil},
		{"--tenant-url --all", []string{"--tenant-url", rt.URL, "--token", rt.Token, "--all"}, ExitFailure,
			[]string{"Summary of 3 records: 1 reproduced, 1 not reproduced, 1 nothing to replay", "1 problem(s) in 3 record(s)"}, nil},
		{"--id and --index", []string{"--id", "g", "--index", "0"}, ExitUsage, []string{"--id and --index"}, nil},
		{"--index out of range", []string{"--index", "3"}, ExitUsage, []string{"index 3, but the input holds 3 record(s)"}, nil},
		{"--id unknown", []string{"--id", "nope"}, ExitUsage, []string{`no record with id or changeId "nope"`}, nil},
		{"--token without --tenant-url", []string{"--token", "x"}, ExitUsage, []string{"--token is for --tenant-url"}, nil},
		{"--faults with --tenant-url", []string{"--tenant-url", rt.URL, "--token", "x", "--faults", "err-01-conflict-on-create"}, ExitUsage, []string{"cannot be combined with --tenant-url"}, nil},
		{"--faults with --dry-run", []string{"--dry-run", "--faults", "err-01-conflict-on-create"}, ExitUsage, []string{"no effect with --dry-run"}, nil},
		{"unknown fault plan", []string{"--faults", "no-such-plan"}, ExitUsage, []string{"no-such-plan"}, nil},
		{"--tenant-url without a token", []string{"--tenant-url", rt.URL, "--index", "0"}, ExitUsage, []string{"--token (or SCIM_TOKEN) is required"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvToken, "")
			args := append([]string{"reproduce", "--log", file}, tc.args...)
			if tc.name == "--tenant-url --all" {
				args = append(args, "--seed")
			}
			if !slices.Contains(tc.args, "--tenant-url") && !slices.Contains(tc.args, "--dry-run") && tc.exit != ExitUsage {
				args = append(args, "--faults", "err-01-conflict-on-create")
			}
			code, out, errOut := run(args...)
			if code != tc.exit {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.exit, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s\n%s", w, out, errOut)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
	if got := rt.list("Groups"); len(got) != 0 {
		t.Errorf("the real tenant keeps groups %q", got)
	}
}

// TestReproduceReferenceFailures: manager and member PATCH failures, in
// create, update and "other" records, are replayed by creating the
// referenced objects first (the user, the manager, the group, the members)
// and then sending the PATCH.
func TestReproduceReferenceFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      rec
		faults string
		want   []string // in this order
	}{
		{"other: manager", rec{action: "other", status: "failure", code: "MethodNotAllowed", source: "b", target: "t-b", name: "Ben",
			steps: []map[string]any{refStep("manager")}}, "err-04-method-not-allowed",
			[]string{"[setup] POST /Users", "reproduce-b@reproduce.invalid", "[setup] POST /Users", "manager-unlisted@reproduce.invalid",
				"[request] GET /Users?filter=id+eq+", "[request] PATCH /Users/", "enterprise:2.0:User:manager", "HTTP 405", "REPRODUCED: MethodNotAllowed"}},
		{"create: manager", rec{action: "create", status: "failure", code: "SchemaAttributeNotFound", source: "b", name: "Ben",
			props: []prop{{"userName", "-", "ben@contoso.com"}}, steps: []map[string]any{refStep("manager")}}, "err-10-schema-attribute-not-found",
			[]string{"[request] POST /Users", "ben@contoso.com", "[setup] POST /Users", "manager-unlisted", "[request] PATCH /Users/", "HTTP 400", "REPRODUCED: SchemaAttributeNotFound"}},
		{"update: manager named", rec{action: "update", status: "failure", code: "MethodNotAllowed", source: "b", target: "t-b", name: "Ben",
			props: []prop{{"manager", "t-old", "t-new"}}}, "err-04-method-not-allowed",
			[]string{"[setup] POST /Users", "[setup] POST /Users", "manager-t-new@reproduce.invalid", "[request] PATCH /Users/", "REPRODUCED: MethodNotAllowed"}},
		{"other: members", rec{action: "other", status: "failure", code: "NotImplemented", group: true, source: "g1", target: "t-g1", name: "Sales",
			steps: []map[string]any{refStep("members")}}, "err-08-not-implemented",
			[]string{"[setup] POST /Groups", `"displayName":"Sales"`, "[setup] POST /Users", "member-unlisted@reproduce.invalid",
				"[request] PATCH /Groups/", `"op":"Add","path":"members"`, "HTTP 501", "REPRODUCED: NotImplemented"}},
		{"create: members", rec{action: "create", status: "failure", code: "NotImplemented", group: true, source: "g1", name: "Sales",
			props: []prop{{"displayName", "-", "Sales"}}, steps: []map[string]any{refStep("members")}}, "err-08-not-implemented",
			[]string{"[request] POST /Groups", "[setup] POST /Users", "[request] PATCH /Groups/", "REPRODUCED: NotImplemented"}},
		{"update: member removed", rec{action: "update", status: "success", group: true, source: "g1", target: "t-g1", name: "Sales",
			props: []prop{{"members", "t-ben", "-"}}}, "",
			[]string{"[setup] POST /Groups", "[setup] POST /Users", "member-t-ben", "[setup] PATCH /Groups/", `"op":"Add","path":"members"`,
				"[request] PATCH /Groups/", `"op":"Remove","path":"members"`, "REPRODUCED: the action succeeds"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"reproduce", "--log", writeRecords(t, tc.r)}
			if tc.faults != "" {
				args = append(args, "--faults", tc.faults)
			}
			code, out, errOut := run(args...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			rest := out
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q after the previous ones:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if !strings.Contains(out, "Removing what the replay created") || strings.Contains(out, "not removed") {
				t.Errorf("stand-ins not removed:\n%s", out)
			}
		})
	}
}

// TestReproduceInputFormats: every input shape gives the same records and
// replays them.
func TestReproduceInputFormats(t *testing.T) {
	group := rec{id: "g", action: "create", status: "success", group: true, source: "g-sales", name: "Sales", props: []prop{{"displayName", "-", "Sales"}}}
	staged := rec{id: "s", action: "stagedDelete", status: "skipped", source: "s-old", name: "Old"}
	ken := createKen
	ken.id = "k"
	recs := []any{group.record(), ken.record(), staged.record()}
	tmp := t.TempDir()
	write := func(name string, v any) string {
		b, ok := v.([]byte)
		if !ok {
			b, _ = json.MarshalIndent(v, "", " ")
		}
		p := filepath.Join(tmp, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The portal's JSON download: top-level action, beta statusInfo.
	var portal []any
	for _, x := range recs {
		m := x.(map[string]any)
		p := map[string]any{}
		for k, v := range m {
			p[k] = v
		}
		p["action"] = strings.ToUpper(m["provisioningAction"].(string)[:1]) + m["provisioningAction"].(string)[1:]
		p["statusInfo"] = m["provisioningStatusInfo"]
		delete(p, "provisioningAction")
		delete(p, "provisioningStatusInfo")
		portal = append(portal, p)
	}
	// The portal's CSV download: its headers are not documented (LOG-11);
	// these are the spellings of its columns in the UI.
	portalCSV := write("portal/ProvisioningLogs_2026-03-03.csv", []byte("\xef\xbb\xbfDate (UTC),Id,Job Id,Cycle Id,Change Id,Action,Source Identity Id,Source Identity Name,Source Identity Type,Target Identity Id,Target Identity Name,Target Identity Type,Status,Error Code,Error Reason\n"+
		"2026-03-03T09:00:00Z,g,scim.0a1b.x,c1,chg-g,Create,g-sales,Sales,Group,,,,Success,,\n"+
		"2026-03-03T09:00:01Z,k,scim.0a1b.x,c1,chg-k,Create,s-ken,Ken Lee,User,,,,Failure,EntryConflict,\"409 Conflict, as logged\"\n"+
		"2026-03-03T09:00:02Z,s,scim.0a1b.x,c1,chg-s,StagedDelete,s-old,Old,User,t-old,Old,User,Skipped,,\n"))
	write("portal/ProvisioningLogs_2026-03-03_ProvisioningSteps.csv", []byte("Change Id,Step Number,Name,Type,Status,Description,Details\n"+
		"chg-k,1,EntryImportAdd,Import,Success,Retrieved,{}\nchg-k,2,EntryExportAdd,Export,Failure,409,{}\n"))
	write("portal/ProvisioningLogs_2026-03-03_ModifiedProperties.csv", []byte("Change Id,Name,Old Value,New Value\n"+
		"chg-g,displayName,,Sales\nchg-k,userName,,ken@contoso.com\nchg-k,displayName,,Ken Lee\n"))
	// Our CSV and JSON exports of a scenario run.
	work := filepath.Join(tmp, "work")
	if code, out, errOut := run("scenario", "run", "err-01-conflict-on-create", "--work-dir", work); code != ExitOK {
		t.Fatalf("scenario: %d\n%s\n%s", code, out, errOut)
	}
	state := filepath.Join(work, "err-01-conflict-on-create.state.db")
	if code, out, errOut := run("logs", "--state", state, "--format", "csv", "--out", filepath.Join(tmp, "ours-csv")); code != ExitOK {
		t.Fatalf("logs csv: %d\n%s\n%s", code, out, errOut)
	}
	code, ourJSON, errOut := run("logs", "--state", state, "--format", "json")
	if code != ExitOK {
		t.Fatalf("logs json: %d %s", code, errOut)
	}
	ours, _, err := reproduce.Parse([]byte(ourJSON))
	if err != nil || len(ours) != 7 {
		t.Fatalf("our export: %d records, %v", len(ours), err)
	}
	var ourArray, ourList []any
	if err := json.Unmarshal([]byte(ourJSON), &ourArray); err != nil {
		var page struct{ Value []any }
		if err := json.Unmarshal([]byte(ourJSON), &page); err != nil {
			t.Fatal(err)
		}
		ourArray = page.Value
	}
	ourList = ourArray

	for _, tc := range []struct {
		name, path, format string
		args               []string
		summary            string
	}{
		{"Graph list response", write("list.json", map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning", "value": recs}),
			"Graph list response", nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
		{"bare array", write("array.json", recs), "JSON array of records", nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
		{"single record", write("one.json", recs[1]), "single JSON record", nil, "REPRODUCED: EntryConflict"},
		{"portal JSON download", write("portal.json", portal), "JSON array of records", nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
		{"portal CSV, logs file", portalCSV, "CSV download ProvisioningLogs_2026-03-03.csv + ProvisioningLogs_2026-03-03_ProvisioningSteps.csv + ProvisioningLogs_2026-03-03_ModifiedProperties.csv",
			nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
		{"portal CSV, folder", filepath.Dir(portalCSV), "CSV download ProvisioningLogs_2026-03-03.csv +", nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
		{"our CSV export", filepath.Join(tmp, "ours-csv"), "CSV download ProvisioningLogs.csv + ProvisioningLogs_ProvisioningSteps.csv + ProvisioningLogs_ModifiedProperties.csv",
			nil, "Summary of 7 records: 7 reproduced"},
		{"our CSV export, logs file only", write("lonely/ProvisioningLogs.csv", mustRead(t, filepath.Join(tmp, "ours-csv", "ProvisioningLogs.csv"))),
			"(no ProvisioningSteps file, no ModifiedProperties file next to it)", []string{"--index", "0"}, "REPRODUCED"},
		{"our JSON export", write("ours.json", []byte(ourJSON)), "", nil, "Summary of 7 records: 7 reproduced"},
		{"our JSON export as an array", write("ours-array.json", ourList), "JSON array of records", nil, "Summary of 7 records: 7 reproduced"},
		{"our JSON export as a list response", write("ours-list.json", map[string]any{"@odata.context": "x", "value": ourList}), "Graph list response", nil, "Summary of 7 records: 7 reproduced"},
		{"stdin", "-", "Graph list response", nil, "Summary of 3 records: 2 reproduced, 1 nothing to replay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == "-" {
				f, err := os.Open(filepath.Join(tmp, "list.json"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				old := os.Stdin
				os.Stdin = f
				defer func() { os.Stdin = old }()
			}
			args := append([]string{"reproduce", "--log", tc.path, "--faults", "err-01-conflict-on-create"}, tc.args...)
			code, out, errOut := run(args...)
			if code != ExitOK || !strings.Contains(out, tc.summary) || !strings.Contains(out, tc.format) {
				t.Fatalf("exit %d, want 0, %q and %q\n%s\n%s", code, tc.format, tc.summary, out, errOut)
			}
			if strings.Contains(tc.name, "portal") && !strings.Contains(out, `"userName":"ken@contoso.com"`) {
				t.Errorf("the modified properties were not read:\n%s", out)
			}
		})
	}
	// Bad inputs exit 2 and say why.
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(tmp, "missing.json"), "no such file"},
		{write("steps-only/ProvisioningLogs_ProvisioningSteps.csv", []byte("changeId,name\n")), "give the ProvisioningLogs file or the folder"},
		{write("empty/x.txt", []byte("")), "neither a ProvisioningLogs CSV download nor exactly one JSON file"},
		{write("nocol.csv", []byte("Id,Status\n1,Success\n")), "no provisioningAction (or Action) column"},
	} {
		p := tc.path
		if strings.HasSuffix(p, "x.txt") {
			p = filepath.Dir(p)
		}
		if code, _, errOut := run("reproduce", "--log", p); code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d %s, want 2 and %q", p, code, errOut, tc.want)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReproduceOwnLogAgainstTenant: a failed record from `entrasim cycle
// --logs` replays against the same tenant URL (still failing) to the same
// code.
func TestReproduceOwnLogAgainstTenant(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	logs := filepath.Join(tmp, "logs.json")
	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", "revoked", "--directory", dirFile,
		"--state", filepath.Join(tmp, "s.db"), "--logs", logs)
	if code != ExitFailure {
		t.Fatalf("cycle: %d %s %s", code, out, errOut)
	}
	if es, _, err := reproduce.ReadPath(logs); err != nil || len(es) != 1 {
		t.Fatalf("logs: %d records, %v", len(es), err)
	}
	code, out, errOut = run("reproduce", "--log", logs, "--tenant-url", srv.TenantURL(), "--token", "revoked")
	if code != ExitOK || !strings.Contains(out, "REPRODUCED: SystemForCrossDomainIdentityManagementCredentialValidationFailure") {
		t.Fatalf("reproduce: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("reproduce", "--log", logs, "--tenant-url", srv.TenantURL(), "--token", srv.Token)
	if code != ExitFailure || !strings.Contains(errOut, "not reproduced: the record says SystemForCrossDomainIdentityManagementCredentialValidationFailure, the replay got success") {
		t.Fatalf("reproduced with the good token: %d\n%s\n%s", code, out, errOut)
	}
}
