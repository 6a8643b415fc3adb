package scim_test

// These tests run every flow against the in-process reference server and
// read back what it stored. Only this test file imports the server; the
// client package itself never does.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

func startRef(t *testing.T) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatalf("start the embedded reference server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// newAccount opens a fresh tenant on the server, so that each subtest
// starts from an empty store, and returns its tenant URL and token.
func newAccount(t *testing.T, srv *embedded.Server) (tenantURL, token string) {
	t.Helper()
	acct, token, err := srv.NewAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return srv.TenantURLOf(acct), token
}

// must fails the test unless the call succeeded as Entra sees it.
func must(t *testing.T) func(*scim.Result, error) *scim.Result {
	return func(r *scim.Result, err error) *scim.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if !r.Outcome.Success {
			t.Fatalf("%s %s: %s\n%s", r.Request.Method, r.URL, r.Outcome, r.Outcome.AdditionalDetails)
		}
		return r
	}
}

// stored reads a resource straight from the server (members included).
func stored(t *testing.T, tenant, token, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, tenant+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
	return m
}

func memberIDs(g map[string]any) []string {
	var out []string
	ms, _ := g["members"].([]any)
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			out = append(out, mm["value"].(string))
		}
	}
	return out
}

// TestFlowsAgainstReferenceServer runs ENTRA-FLOW-01..18 in both dialects
// against the reference server and checks the stored result after each.
func TestFlowsAgainstReferenceServer(t *testing.T) {
	srv := startRef(t)
	for _, d := range []scim.Dialect{scim.Legacy, scim.Compliant} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			tenant, token := newAccount(t, srv)
			url := tenant
			if d == scim.Compliant {
				url += "?aadOptscim062020" // the flag selects the dialect
			}
			c, err := scim.New(scim.Options{TenantURL: url, Token: token})
			if err != nil {
				t.Fatal(err)
			}
			if c.Dialect() != d {
				t.Fatalf("dialect %s", c.Dialect())
			}

			// FLOW-01, FLOW-02
			rep, err := c.TestConnection(ctx)
			if err != nil || !rep.OK {
				t.Fatalf("test connection: %v %+v", err, rep.Failure)
			}
			must(t)(c.GetSchemas(ctx))

			// FLOW-03 then FLOW-04
			userName := "Alice." + string(d) + "@contoso.com"
			if r := must(t)(c.MatchUser(ctx, "userName", userName)); r.Found() {
				t.Fatal("matched before create")
			}
			attrs := scim.Attributes{
				"userName": userName, "externalId": "alice-" + string(d), "active": true,
				`emails[type eq "work"].value`: userName, "name.givenName": "Alice", "name.familyName": "Anders",
				"name.formatted": "Alice Anders", "displayName": "Alice Anders",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Finance",
			}
			uid := must(t)(c.CreateUser(ctx, attrs)).ID()
			if uid == "" {
				t.Fatal("no id")
			}
			u := stored(t, tenant, token, "/Users/"+uid)
			if u["userName"] != userName || u["active"] != true {
				t.Errorf("stored user %v", u)
			}
			// userName matching ignores case (FLOW-03).
			if r := must(t)(c.MatchUser(ctx, "userName", strings.ToUpper(userName))); !r.Found() || r.ID() != uid {
				t.Errorf("case-insensitive match: found=%v id=%s", r.Found(), r.ID())
			}
			if r := must(t)(c.MatchUser(ctx, `emails[type eq "work"].value`, userName)); !r.Found() {
				t.Errorf("match by work email failed")
			}
			// A second create conflicts (RESP-09).
			r, err := c.CreateUser(ctx, attrs)
			if err != nil || r.Outcome.ErrorCode != outcome.CodeEntryConflict {
				t.Errorf("duplicate create: %v %s", err, r.Outcome)
			}

			// FLOW-05, FLOW-07
			must(t)(c.GetUser(ctx, uid))
			newAttrs := map[string]any{}
			for k, v := range attrs {
				newAttrs[k] = v
			}
			newAttrs[`emails[type eq "work"].value`] = "alice.new@contoso.com"
			newAttrs["name.familyName"] = "Andersen"
			newAttrs["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"] = "Sales"
			must(t)(c.UpdateUser(ctx, uid, attrs, newAttrs))
			u = stored(t, tenant, token, "/Users/"+uid)
			if name, _ := u["name"].(map[string]any); name["familyName"] != "Andersen" {
				t.Errorf("familyName not updated: %v", u["name"])
			}
			if !strings.Contains(mustJSON(u["emails"]), "alice.new@contoso.com") {
				t.Errorf("work email not updated: %v", u["emails"])
			}
			if ent, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any); ent["department"] != "Sales" {
				t.Errorf("department not updated: %v", ent)
			}

			// FLOW-06, FLOW-08
			mid := must(t)(c.CreateUser(ctx, scim.Attributes{"userName": "boss." + string(d) + "@contoso.com", "active": true})).ID()
			calls, err := c.UpdateManager(ctx, uid, mid)
			if err != nil || len(calls) != 2 || !calls[1].Outcome.Success {
				t.Fatalf("set manager: %v %d calls", err, len(calls))
			}
			u = stored(t, tenant, token, "/Users/"+uid)
			ent, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
			if m, _ := ent["manager"].(map[string]any); m["value"] != mid {
				t.Errorf("manager not stored in complex form: %v", ent["manager"])
			}
			calls, err = c.UpdateManager(ctx, uid, mid)
			if err != nil || len(calls) != 1 || !calls[0].Found() {
				t.Errorf("reference check should find the manager and stop: %v %d calls", err, len(calls))
			}

			// FLOW-09, FLOW-10
			must(t)(c.DisableUser(ctx, uid))
			if u = stored(t, tenant, token, "/Users/"+uid); u["active"] != false {
				t.Errorf("after disable active=%v", u["active"])
			}
			if r := must(t)(c.MatchUser(ctx, "userName", userName)); !r.Found() {
				t.Error("disabled user must stay queryable")
			}
			must(t)(c.EnableUser(ctx, uid))
			if u = stored(t, tenant, token, "/Users/"+uid); u["active"] != true {
				t.Errorf("after enable active=%v", u["active"])
			}

			// FLOW-12..17
			gname := "Sales " + string(d)
			if r := must(t)(c.MatchGroup(ctx, gname)); r.Found() {
				t.Fatal("group matched before create")
			}
			gid := must(t)(c.CreateGroup(ctx, "ext-"+string(d), gname)).ID()
			must(t)(c.GetGroup(ctx, gid))
			if rs := mustAll(t)(c.AddMembers(ctx, gid, []string{uid, mid})); len(rs) != 1 {
				t.Errorf("two members took %d PATCHes, want one batch", len(rs))
			}
			if got := memberIDs(stored(t, tenant, token, "/Groups/"+gid)); len(got) != 2 {
				t.Errorf("members after add: %v", got)
			}
			must(t)(c.GetGroup(ctx, gid)) // still no members in the answer
			mustAll(t)(c.RemoveMembers(ctx, gid, []string{mid}))
			if got := memberIDs(stored(t, tenant, token, "/Groups/"+gid)); len(got) != 1 || got[0] != uid {
				t.Errorf("members after remove: %v", got)
			}
			must(t)(c.RenameGroup(ctx, gid, gname+" renamed"))
			if g := stored(t, tenant, token, "/Groups/"+gid); g["displayName"] != gname+" renamed" {
				t.Errorf("displayName %v", g["displayName"])
			}
			if r := must(t)(c.MatchGroup(ctx, gname+" renamed")); !r.Found() || r.ID() != gid {
				t.Error("renamed group not matched")
			}

			// FLOW-18, FLOW-11 and the 404s after them.
			must(t)(c.DeleteGroup(ctx, gid))
			if r, _ := c.GetGroup(ctx, gid); r.Outcome.ErrorCode != outcome.CodeInvalidAnchor {
				t.Errorf("GET deleted group: %s", r.Outcome)
			}
			must(t)(c.DeleteUser(ctx, uid))
			if r, _ := c.GetUser(ctx, uid); r.Outcome.ErrorCode != outcome.CodeInvalidAnchor {
				t.Errorf("GET deleted user: %s", r.Outcome)
			}
			if r := must(t)(c.DeleteUser(ctx, uid)); r.Outcome.Warning == "" {
				t.Error("second delete: want success with a warning (UNC-08)")
			}
		})
	}
}

func mustAll(t *testing.T) func([]*scim.Result, error) []*scim.Result {
	return func(rs []*scim.Result, err error) []*scim.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if !r.Outcome.Success {
				t.Fatalf("%s %s: %s", r.Request.Method, r.URL, r.Outcome)
			}
		}
		return rs
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestTestConnectionAgainstReferenceServer proves a bad token fails as
// Entra would show it (ENTRA-RESP-06).
func TestTestConnectionAgainstReferenceServer(t *testing.T) {
	srv := startRef(t)
	c, err := scim.New(scim.Options{TenantURL: srv.TenantURL(), Token: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.TestConnection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.Failure.ErrorCode != outcome.CodeCredentialValidationFailure {
		t.Fatalf("report %+v", rep)
	}
}

// TestExportUserAgainstReferenceServer runs ENTRA-FLOW-22 cycles: the
// first export creates, an unchanged second export sends no PATCH (the
// server stores values as sent), a changed one updates.
func TestExportUserAgainstReferenceServer(t *testing.T) {
	srv := startRef(t)
	for _, d := range []scim.Dialect{scim.Legacy, scim.Compliant} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			tenant, token := newAccount(t, srv)
			c, err := scim.New(scim.Options{TenantURL: tenant, Token: token, Dialect: d})
			if err != nil {
				t.Fatal(err)
			}
			boss, err := c.ExportUser(ctx, scim.UserExport{Matchers: []scim.Matcher{{Attribute: "userName", Value: "boss@contoso.com"}},
				Attributes: scim.Attributes{"userName": "boss@contoso.com", "active": true}})
			if err != nil || !boss.Outcome.Success || boss.Action != scim.ActionCreate {
				t.Fatalf("boss: %v %+v", err, boss)
			}
			u := scim.UserExport{
				Matchers: []scim.Matcher{{Attribute: "userName", Value: "joy@contoso.com"}, {Attribute: "externalId", Value: "joy"}},
				Attributes: scim.Attributes{"userName": "joy@contoso.com", "externalId": "joy", "active": true, "displayName": "Joy Young",
					`emails[type eq "work"].value`: "joy@contoso.com", "name.givenName": "Joy", "name.familyName": "Young",
					"title": "CFO", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Finance"},
				ManagerID: boss.TargetID,
			}
			first, err := c.ExportUser(ctx, u)
			if err != nil || !first.Outcome.Success || first.Action != scim.ActionCreate {
				t.Fatalf("first export: %v %+v", err, first.Outcome)
			}
			u.TargetID = first.TargetID
			second, err := c.ExportUser(ctx, u)
			if err != nil || !second.Outcome.Success {
				t.Fatalf("second export: %v %+v", err, second.Outcome)
			}
			for _, call := range second.Calls {
				if call.Request.Method == http.MethodPatch {
					t.Errorf("unchanged user re-PATCHed: %s", call.Request.Body)
				}
			}
			if second.Action != scim.ActionOther {
				t.Errorf("second export action %s", second.Action)
			}
			u.Attributes["title"] = "CEO"
			u.Attributes["active"] = false
			third, err := c.ExportUser(ctx, u)
			if err != nil || !third.Outcome.Success || third.Action != scim.ActionUpdate {
				t.Fatalf("third export: %v %+v", err, third.Outcome)
			}
			got := stored(t, tenant, token, "/Users/"+first.TargetID)
			if got["title"] != "CEO" || got["active"] != false {
				t.Errorf("stored after update: title %v active %v", got["title"], got["active"])
			}
		})
	}
}
