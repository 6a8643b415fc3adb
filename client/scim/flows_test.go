package scim

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
)

type flowCall struct {
	reply reply
	opts  func(*Options)
	run   func(ctx context.Context, c *Client) ([]*Result, error)
}

func one(r *Result, err error) ([]*Result, error) { return []*Result{r}, err }

var (
	ok200   = reply{status: 200, body: emptyListBody}
	ok204   = reply{status: 204}
	created = reply{status: 201, body: userBody}
)

// flowCalls drives each golden request through the client's public method.
var flowCalls = map[string]flowCall{
	"01-test-connection-user-probe": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		rep, err := c.TestConnection(ctx)
		if err != nil {
			return nil, err
		}
		return []*Result{rep.Checks[0].Result}, nil
	}},
	"02-test-connection-group-probe": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		rep, err := c.TestConnection(ctx)
		if err != nil || len(rep.Checks) != 2 {
			return nil, err
		}
		return []*Result{rep.Checks[1].Result}, nil
	}},
	"03-get-schemas": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) { return one(c.GetSchemas(ctx)) }},
	"04-match-user-username": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.MatchUser(ctx, "userName", "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"))
	}},
	"05-match-user-externalid": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.MatchUser(ctx, "externalId", "johnwong"))
	}},
	"06-match-user-work-email": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.MatchUser(ctx, `emails[type eq "work"].value`, "user@contoso.com"))
	}},
	"07-create-user": {created, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.CreateUser(ctx, flow04Attributes()))
	}},
	"08-get-user": {reply{status: 200, body: userBody}, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.GetUser(ctx, v("userId")))
	}},
	"09-update-user-multivalued": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		cur, want := multivaluedUpdate()
		cur["userName"], want["userName"], want["title"] = "same", "same", nil // unchanged and null: not sent
		return one(c.UpdateUser(ctx, v("userId"), cur, want))
	}},
	"10-update-user-username": {reply{status: 200, body: userBody}, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		cur, want := renameUpdate()
		return one(c.UpdateUser(ctx, v("userId"), cur, want))
	}},
	"11-update-user-several": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		cur, want := severalUpdate(c.Dialect())
		return one(c.UpdateUser(ctx, v("userId"), cur, want))
	}},
	"30-add-user-attribute": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		cur, want := addUpdate()
		return one(c.UpdateUser(ctx, v("userId"), cur, want))
	}},
	"12-reference-check-manager": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.CheckManager(ctx, v("userId"), v("managerId")))
	}},
	"13-set-manager-string": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.SetManager(ctx, v("userId"), v("managerId")))
	}},
	"14-set-manager-object": {ok204, func(o *Options) { o.ManagerShape = ManagerObject }, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.SetManager(ctx, v("userId"), v("managerId")))
	}},
	"15-set-manager-array-ref": {ok204, func(o *Options) { o.ManagerShape = ManagerDocumented }, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.SetManager(ctx, v("userId"), v("managerId")))
	}},
	"16-clear-manager": {ok204, func(o *Options) { o.ClearManager = true }, func(ctx context.Context, c *Client) ([]*Result, error) {
		return c.UpdateManager(ctx, v("userId"), "")
	}},
	"17-disable-user": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) { return one(c.DisableUser(ctx, v("userId"))) }},
	"18-enable-user":  {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) { return one(c.EnableUser(ctx, v("userId"))) }},
	"19-delete-user":  {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) { return one(c.DeleteUser(ctx, v("userId"))) }},
	"20-list-users-page": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.ListUsers(ctx, 6, 5))
	}},
	"21-match-group": {ok200, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.MatchGroup(ctx, "displayName"))
	}},
	"22-create-group": {reply{status: 201, body: groupBody}, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.CreateGroup(ctx, "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName"))
	}},
	"23-get-group": {reply{status: 200, body: groupBody}, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.GetGroup(ctx, v("groupId")))
	}},
	"24-rename-group": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.RenameGroup(ctx, v("groupId"), renamedGroup))
	}},
	"25-add-members": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return c.AddMembers(ctx, v("groupId"), []string{v("memberId")})
	}},
	"26-remove-members": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return c.RemoveMembers(ctx, v("groupId"), []string{v("memberId")})
	}},
	"28-add-roles": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.AddRoles(ctx, v("userId"), []Role{singleRole}))
	}},
	"29-replace-roles": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) {
		return one(c.ReplaceRoles(ctx, v("userId"), assertiveRoles))
	}},
	"27-delete-group": {ok204, nil, func(ctx context.Context, c *Client) ([]*Result, error) { return one(c.DeleteGroup(ctx, v("groupId"))) }},
}

var guidInQuery = regexp.MustCompile(`%22([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})%22`)

// TestFlowsOnTheWire sends every flow through the client to an httptest
// target and checks what arrived against the golden file: headers
// (ENTRA-HTTP-03, HTTP-04), method, path and raw query byte for byte
// (HTTP-05), body after JSON normalisation, and a successful outcome.
func TestFlowsOnTheWire(t *testing.T) {
	for _, d := range []Dialect{Legacy, Compliant} {
		files, err := fixtures.Requests(string(d))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(flowCalls) {
			t.Errorf("%s: %d golden files but %d flow calls", d, len(files), len(flowCalls))
		}
		for _, f := range files {
			t.Run(string(d)+"/"+f.Name, func(t *testing.T) {
				fc, ok := flowCalls[f.Name]
				if !ok {
					t.Fatalf("no client call for golden %s", f.Name)
				}
				ft := newTarget(t, fc.reply)
				tenant := ft.URL + "/scim/v2"
				c := newClient(t, tenant, func(o *Options) {
					o.Dialect = d
					if fc.opts != nil {
						fc.opts(o)
					}
				})
				results, err := fc.run(context.Background(), c)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range results {
					if r == nil || !r.Outcome.Success || !r.Sent {
						t.Fatalf("outcome %+v", r)
					}
				}
				reqs := ft.requests()
				got := reqs[len(results)-1]
				if strings.HasPrefix(f.Name, "02-") {
					got = reqs[1]
				}
				vars := map[string]string{"tenantUrl": tenant}
				for k, val := range goldenVars {
					if k != "tenantUrl" {
						vars[k] = val
					}
				}
				if m := guidInQuery.FindStringSubmatch(got.RawQuery); m != nil && strings.Contains(f.Query, "{{probeId}}") {
					vars["probeId"] = m[1]
				}
				want, err := f.Render(vars)
				if err != nil {
					t.Fatal(err)
				}
				if got.Method != want.Method || got.Path != "/scim/v2"+want.Path || got.RawQuery != want.Query {
					t.Errorf("sent %s %s?%s\nwant %s /scim/v2%s?%s", got.Method, got.Path, got.RawQuery, want.Method, want.Path, want.Query)
				}
				if g, w := normalize(t, got.Body), normalize(t, want.Body); g != w {
					t.Errorf("body\n got %s\nwant %s", g, w)
				}
				if a := got.Header.Get("Authorization"); a != "Bearer s3cret" {
					t.Errorf("Authorization %q (ENTRA-HTTP-03)", a)
				}
				ct := got.Header.Get("Content-Type")
				if want.HasBody() && ct != "application/scim+json" {
					t.Errorf("Content-Type %q on a body (ENTRA-HTTP-04)", ct)
				}
				if !want.HasBody() && (ct != "" || len(got.Body) != 0) {
					t.Errorf("request without a golden body sent Content-Type %q and %d bytes", ct, len(got.Body))
				}
			})
		}
	}
}

// TestDialectFromTenantURL_PATCH06 proves that the flag in the tenant URL
// selects the compliant dialect, is stripped from requests by default and
// kept when asked (UNC-05), and that an explicit dialect wins.
func TestDialectFromTenantURL_PATCH06(t *testing.T) {
	ft := newTarget(t, ok204)
	cases := []struct {
		url, dialect string
		keep         bool
		wantDialect  Dialect
		wantQuery    string
	}{
		{"/scim?aadOptscim062020", "", false, Compliant, ""},
		{"/scim?aadOptscim062020", "", true, Compliant, "aadOptscim062020"},
		{"/scim/?AADOPTSCIM062020&x=1", "", true, Compliant, "AADOPTSCIM062020&x=1"},
		{"/scim?aadOptscim062020", "legacy", false, Legacy, ""},
		{"/scim?AzureAdScimPatch2017", "", false, Legacy, ""},
		{"/scim", "", false, Legacy, ""},
		{"/scim", "compliant", false, Compliant, ""},
	}
	for _, tc := range cases {
		c := newClient(t, ft.URL+tc.url, func(o *Options) { o.Dialect = Dialect(tc.dialect); o.KeepURLFlags = tc.keep })
		if c.Dialect() != tc.wantDialect {
			t.Errorf("%s dialect %q: got %s, want %s", tc.url, tc.dialect, c.Dialect(), tc.wantDialect)
		}
		r, err := c.DisableUser(context.Background(), "u1")
		if err != nil || !r.Outcome.Success {
			t.Fatalf("%v %+v", err, r)
		}
		got := ft.requests()[len(ft.requests())-1]
		if got.Path != "/scim/Users/u1" || got.RawQuery != tc.wantQuery {
			t.Errorf("%s keep=%v: sent %s?%s, want /scim/Users/u1?%s", tc.url, tc.keep, got.Path, got.RawQuery, tc.wantQuery)
		}
		wantValue := `"value":"False"`
		if tc.wantDialect == Compliant {
			wantValue = `"value":false`
		}
		if !strings.Contains(string(got.Body), wantValue) {
			t.Errorf("%s: body %s lacks %s", tc.url, got.Body, wantValue)
		}
	}
	// A filter query with flags kept: flags first, then the request's own query.
	c := newClient(t, ft.URL+"/scim?aadOptscim062020", func(o *Options) { o.KeepURLFlags = true })
	if u := c.URL(c.Builder().MatchUser("userName", "a b")); u != ft.URL+"/scim/Users?aadOptscim062020&filter=userName+eq+%22a+b%22" {
		t.Errorf("URL %s", u)
	}
	if _, err := url.Parse(c.URL(c.Builder().GetUser("x"))); err != nil {
		t.Error(err)
	}
}
