package reproduce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

const users = `app:
  scope: assigned
  assignments: {users: [a, b], groups: [g1]}
users:
  - {objectId: a, userPrincipalName: ann@contoso.com, mailNickname: ann, displayName: Ann, department: Sales}
  - {objectId: b, userPrincipalName: ben@contoso.com, mailNickname: ben, displayName: Ben, department: Sales}
groups:
  - {objectId: g1, displayName: Sales, members: [a, b]}
`

// world is a reference server, an account and an engine on it.
type world struct {
	t    *testing.T
	srv  *embedded.Server
	acct string
	tok  string
	eng  *engine.Engine
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	w := &world{t: t, srv: srv, acct: srv.AccountID, tok: srv.Token}
	st, err := state.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := w.client(srv.Token)
	if w.eng, err = engine.New(engine.Options{Client: c, Store: st, KeepRecords: true}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) client(token string) *scim.Client {
	c, err := scim.New(scim.Options{TenantURL: w.srv.TenantURL(), Token: token, RetryAfterCap: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) faults(rules string) { w.faultsOn(w.acct, rules) }

// fresh returns a client of a new, empty account of the server with the
// fault rules installed.
func (w *world) fresh(rules string) *scim.Client {
	w.t.Helper()
	id, tok, err := w.srv.NewAccount(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	w.faultsOn(id, rules)
	c, err := scim.New(scim.Options{TenantURL: w.srv.TenantURLOf(id), Token: tok, RetryAfterCap: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) faultsOn(acct, rules string) {
	w.t.Helper()
	method, body := http.MethodPut, `{"rules":[`+rules+`]}`
	if rules == "" {
		method, body = http.MethodDelete, ""
	}
	req, _ := http.NewRequest(method, fmt.Sprintf("%s/admin/accounts/%s/faults", w.srv.BaseURL, acct), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+w.srv.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode >= 300 {
		w.t.Fatalf("faults: %v %v", err, resp)
	}
	resp.Body.Close()
}

func (w *world) cycle(y string) *engine.Summary {
	w.t.Helper()
	d, err := directory.Parse("t.yaml", []byte(y))
	if err != nil {
		w.t.Fatal(err)
	}
	s, err := w.eng.Cycle(context.Background(), d)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// failed returns the one failed record of the cycle.
func failed(t *testing.T, s *engine.Summary) provlog.Record {
	t.Helper()
	var out []provlog.Record
	for _, r := range s.Records {
		if r.ProvisioningStatusInfo.Status == provlog.StatusFailure {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no failed record in %+v", s.Counts)
	}
	return out[0]
}

// selectOne parses data and picks one record, as the CLI does.
func selectOne(data []byte, id string, index int) (*Entry, int, error) {
	es, _, err := Parse(data)
	if err != nil {
		return nil, 0, err
	}
	picked, err := Pick(es, id, index)
	if err != nil {
		return nil, len(es), err
	}
	if len(picked) != 1 {
		return nil, len(es), fmt.Errorf("%w: %d records picked", ErrBadInput, len(picked))
	}
	return picked[0], len(es), nil
}

func replayJSON(t *testing.T, rec any, c *scim.Client, seed bool) (*Report, string) {
	t.Helper()
	b, _ := json.Marshal(rec)
	e, _, err := selectOne(b, "", -1)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := Replay(context.Background(), e, Options{Client: c, Seed: seed, Out: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return rep, out.String()
}

// TestReproduceEngineRecords: records of each action and error class that
// our engine writes replay to the same error code against the faulty
// target, and to a different answer against a healthy one.
func TestReproduceEngineRecords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before string // directory of a healthy first cycle ("" = none)
		after  string // directory of the failing cycle
		rules  string
		action provlog.Action
		code   string
		seed   bool
		// fresh replays on an empty account with the rules: the engine's
		// account holds the objects, which a create must not touch.
		fresh bool
	}{
		{"create 409", "", users, `{"name":"c","method":"POST","path":"^/Users$","status":409}`,
			provlog.ActionCreate, outcome.CodeEntryConflict, false, false},
		{"update 404 invalid anchor", users, strings.Replace(users, "displayName: Ann, department: Sales", "displayName: Ann, department: Finance", 1),
			`{"name":"g","method":"GET","path":"^/Users/[^/]+$","status":404}`, provlog.ActionUpdate, outcome.CodeInvalidAnchor, false, false},
		{"update 404 seeded", users, strings.Replace(users, "displayName: Ann, department: Sales", "displayName: Ann, department: Finance", 1),
			`{"name":"g","method":"GET","path":"^/Users/[^/]+$","status":404}`, provlog.ActionUpdate, outcome.CodeInvalidAnchor, true, false},
		{"disable 500", users, strings.Replace(users, "displayName: Ann, department: Sales", "displayName: Ann, department: Sales, accountEnabled: false", 1),
			`{"name":"p","method":"PATCH","path":"^/Users/","status":500}`, provlog.ActionDisable, outcome.CodeInternalServerError, true, false},
		{"delete 403", users, strings.Replace(users, "displayName: Ann, department: Sales", "displayName: Ann, department: Sales, deleted: hard", 1),
			`{"name":"d","method":"DELETE","status":403}`, provlog.ActionDelete, outcome.CodeInsufficientRights, false, false},
		{"group create 501 members", "", users, `{"name":"m","method":"PATCH","path":"^/Groups/","status":501}`,
			provlog.ActionCreate, outcome.CodeNotImplemented, true, true},
		{"filter 404", "", users, `{"name":"f","method":"GET","path":"^/Users$","query":"filter=","status":404}`,
			provlog.ActionUpdate, outcome.CodeServiceIncompatible, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.before != "" {
				w.cycle(tc.before)
			}
			w.faults(tc.rules)
			rec := failed(t, w.cycle(tc.after))
			if rec.ProvisioningAction != tc.action || rec.ProvisioningStatusInfo.ErrorInformation.ErrorCode != tc.code {
				t.Fatalf("engine record %s %s", rec.ProvisioningAction, rec.ProvisioningStatusInfo.ErrorInformation.ErrorCode)
			}
			c := w.client(w.tok)
			if tc.fresh {
				c = w.fresh(tc.rules)
			}
			rep, out := replayJSON(t, rec, c, tc.seed)
			if !rep.Reproduced || rep.Got != tc.code || !strings.Contains(out, "REPRODUCED: "+tc.code) {
				t.Fatalf("not reproduced: got %q\n%s", rep.Got, out)
			}
			if len(rep.Gaps) == 0 || !strings.Contains(out, "Not in the record") {
				t.Fatalf("no gaps listed:\n%s", out)
			}
			// Against the healthy server the answer differs.
			w.faults("")
			c = w.client(w.tok)
			if tc.fresh {
				c = w.fresh("")
			}
			rep, out = replayJSON(t, rec, c, true)
			if rep.Reproduced || rep.Got == tc.code {
				t.Fatalf("reproduced without the fault:\n%s", out)
			}
		})
	}
}

// TestReproduceCredentialFailure_ERR_22: the 401 that quarantined a job
// replays to the same code with the rejected token, and not with a good one.
func TestReproduceCredentialFailure_ERR_22(t *testing.T) {
	w := newWorld(t)
	bad := w.client("revoked")
	eng, _ := engine.New(engine.Options{Client: bad, Store: mustStore(t), KeepRecords: true})
	d, _ := directory.Parse("t.yaml", []byte(users))
	s, err := eng.Cycle(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	rec := failed(t, s)
	rep, out := replayJSON(t, rec, bad, false)
	if !rep.Reproduced || rep.Got != outcome.CodeCredentialValidationFailure {
		t.Fatalf("%s", out)
	}
	if rep, _ = replayJSON(t, rec, w.client(w.tok), false); rep.Reproduced {
		t.Fatal("reproduced with a good token")
	}
}

// TestReproduceSuccessRecord: a successful update replays as a success.
func TestReproduceSuccessRecord(t *testing.T) {
	w := newWorld(t)
	w.cycle(users)
	s := w.cycle(strings.Replace(users, "displayName: Ann, department: Sales", "displayName: Ann, department: Finance", 1))
	var rec *provlog.Record
	for i := range s.Records {
		if s.Records[i].ProvisioningAction == provlog.ActionUpdate {
			rec = &s.Records[i]
		}
	}
	if rec == nil {
		t.Fatalf("no update record: %+v", s.Counts)
	}
	rep, out := replayJSON(t, rec, w.client(w.tok), true)
	if !rep.Reproduced || rep.Expected != "" || rep.Final.Request.Method != http.MethodPatch {
		t.Fatalf("%s", out)
	}
}

func mustStore(t *testing.T) *state.Store {
	st, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// portalDownload is shaped like the portal's JSON download (LOG-11): an
// array, action/jobId/changeId at the top level, beta-style statusInfo.
const portalDownload = `[
 {"id":"11111111-0000-0000-0000-000000000001","activityDateTime":"2026-03-03T09:00:00Z",
  "jobId":"scim.0a1b2c3d.11111111-2222-3333-4444-555555555555","cycleId":"c1",
  "changeId":"aaaa-1","action":"Update",
  "statusInfo":{"status":"Success"},
  "sourceIdentity":{"id":"s1","displayName":"Joy Young","identityType":"User"},
  "targetIdentity":{"id":"t1","displayName":"Joy Young","identityType":"urn:ietf:params:scim:schemas:core:2.0:User"},
  "modifiedProperties":[{"displayName":"title","oldValue":"Engineer","newValue":"Manager"}]},
 {"id":"11111111-0000-0000-0000-000000000002","activityDateTime":"2026-03-03T09:00:01Z",
  "jobId":"scim.0a1b2c3d.11111111-2222-3333-4444-555555555555","cycleId":"c1",
  "changeId":"bbbb-2","action":"Create",
  "statusInfo":{"status":"Failure","errorInformation":{"errorCode":"EntryConflict","reason":"409 Conflict"}},
  "sourceIdentity":{"id":"s2","displayName":"Ken Lee","identityType":"User"},
  "targetIdentity":{"id":"","displayName":"","identityType":"urn:ietf:params:scim:schemas:core:2.0:User"},
  "modifiedProperties":[{"displayName":"userName","oldValue":null,"newValue":"ken@contoso.com"},
    {"displayName":"active","oldValue":null,"newValue":"True"},
    {"displayName":"displayName","oldValue":null,"newValue":"Ken Lee"}]},
 {"changeId":"cccc-3","Action":"Delete","jobId":"scim.0a1b2c3d.11111111-2222-3333-4444-555555555555",
  "statusInfo":{"status":"Failure","errorInformation":{"errorCode":"InsufficientRights"}},
  "sourceIdentity":{"id":"s3","displayName":"Old Group","identityType":"Group"},
  "targetIdentity":{"id":"tg3","displayName":"Old Group","identityType":"urn:ietf:params:scim:schemas:core:2.0:Group"},
  "modifiedProperties":[]}
]`

// TestReproducePortalDownload_LOG_11: records shaped like the portal's JSON
// download are picked by changeId and replayed.
func TestReproducePortalDownload_LOG_11(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		changeID, rules, want string
		group                 bool
	}{
		{"bbbb-2", `{"name":"c","method":"POST","path":"^/Users$","status":409}`, outcome.CodeEntryConflict, false},
		{"cccc-3", `{"name":"d","method":"DELETE","path":"^/Groups/","status":403}`, outcome.CodeInsufficientRights, true},
		{"aaaa-1", "", "", false},
	} {
		t.Run(tc.changeID, func(t *testing.T) {
			w.faults(tc.rules)
			e, n, err := selectOne([]byte(portalDownload), tc.changeID, -1)
			if err != nil || n != 3 || e.Shape != "portal" || e.IsGroup() != tc.group {
				t.Fatalf("select: %+v %d %v", e, n, err)
			}
			var out bytes.Buffer
			rep, err := Replay(context.Background(), e, Options{Client: w.client(w.tok), Seed: true, Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Reproduced || rep.Got != tc.want {
				t.Fatalf("got %q want %q\n%s", rep.Got, tc.want, out.String())
			}
			if tc.changeID == "bbbb-2" && !strings.Contains(string(rep.Final.Request.Body), "ken@contoso.com") {
				t.Fatalf("create body %s", rep.Final.Request.Body)
			}
		})
	}
}

// TestReproduceGraphPageAndIndex: a Graph page ({"value":[…]}) works, by
// index; our own export too.
func TestReproduceGraphPageAndIndex(t *testing.T) {
	page := `{"@odata.context":"x","value":` + portalDownload + `}`
	e, _, err := selectOne([]byte(page), "", 1)
	if err != nil || e.ChangeID != "bbbb-2" || e.Action != "create" || e.ErrorCode != outcome.CodeEntryConflict {
		t.Fatalf("%+v %v", e, err)
	}
}

// TestSelectBadInput: clear errors for input that names no record.
func TestSelectBadInput(t *testing.T) {
	for _, tc := range []struct {
		data, change string
		index        int
		want         string
	}{
		{"", "", -1, "empty"},
		{"{not json", "", -1, "not JSON"},
		{"[]", "", -1, "no records"},
		{`{"value":{}}`, "", -1, "not an array"},
		{portalDownload, "nope", -1, `no record with id or changeId "nope"`},
		{portalDownload, "", 7, "index 7"},
		{portalDownload, "aaaa-1", 0, "not both"},
		{`[1,2]`, "", -1, "not an object"},
		{`{"changeId":"x"}`, "", -1, "no provisioningAction"},
		{`{"provisioningAction":"create"}`, "", -1, "neither a source nor a target"},
		{"changeId,status\nx,success\n", "", -1, "no provisioningAction"},
	} {
		_, _, err := selectOne([]byte(tc.data), tc.change, tc.index)
		if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.30q: %v, want %q", tc.data, err, tc.want)
		}
	}
	// Several records and no selection: all of them, in file order.
	es, _, err := Parse([]byte(portalDownload))
	if err != nil {
		t.Fatal(err)
	}
	if all, err := Pick(es, "", -1); err != nil || len(all) != 3 || all[2].ChangeID != "cccc-3" || all[2].Index != 2 {
		t.Fatalf("all: %v %v", all, err)
	}
}

// TestNothingToReplay: records for which Entra sent nothing replay to
// nothing, without a request.
func TestNothingToReplay(t *testing.T) {
	for _, rec := range []string{
		`{"provisioningAction":"stagedDelete","provisioningStatusInfo":{"status":"skipped"},"sourceIdentity":{"id":"s"}}`,
		`{"provisioningAction":"update","provisioningStatusInfo":{"status":"skipped"},"sourceIdentity":{"id":"s"}}`,
		`{"provisioningAction":"other","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"DuplicateSourceEntries"}},"sourceIdentity":{"id":"s"}}`,
		`{"provisioningAction":"other","provisioningStatusInfo":{"status":"success"},"sourceIdentity":{"id":"s"},"targetIdentity":{"id":"t"}}`,
		`{"provisioningAction":"create","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"X"}},"sourceIdentity":{"id":"s"},
		  "provisioningSteps":[{"provisioningStepType":"processing","status":"failure"}]}`,
	} {
		e, _, err := selectOne([]byte(rec), "", -1)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := scim.New(scim.Options{TenantURL: "http://127.0.0.1:1", Token: "x", Transport: failingTransport{t}})
		var out bytes.Buffer
		rep, err := Replay(context.Background(), e, Options{Client: c, Seed: true, Out: &out})
		if err != nil || rep.Verdict != NothingToReplay || len(rep.Exchanges) != 0 || !strings.Contains(out.String(), "NOTHING TO REPLAY") {
			t.Errorf("%.60s: %v %+v\n%s", rec, err, rep, out.String())
		}
	}
}

// failingTransport fails the test on any request.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
	return nil, errors.New("no requests expected")
}
