package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

var (
	userIDInPath  = regexp.MustCompile(`/Users/[^/?]+`)
	groupIDInPath = regexp.MustCompile(`/Groups/[^/?]+`)
)

// Every catalogue entry against the real reference server, through the
// admin API (PUT of the entry's JSON form) like a suite would: the answer is
// the one the catalogue promises, the journal names the rule, and the
// faulted request was not applied (ENTRA-RESP rows of spec section 5 depend
// on the target's data staying as it was).
func TestCatalogueEntriesAgainstReferenceServer(t *testing.T) {
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	plans, err := fixtures.FaultPlans()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		tc, ok := catalogue[p.Name]
		if !ok {
			continue
		}
		t.Run(p.Spec+"/"+p.Name, func(t *testing.T) {
			account, token, err := srv.NewAccount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tenant := srv.TenantURLOf(account)
			scim := func(client *http.Client, method, pathQuery, body string) (*http.Response, string, error) {
				return sendTo(client, tenant+pathQuery, method, token, body)
			}
			admin := func(method, path, body string) (int, string) {
				resp, b, err := sendTo(http.DefaultClient, srv.BaseURL+"/admin/accounts/"+account+path, method, srv.AdminToken, body)
				if err != nil {
					t.Fatalf("admin %s %s: %v", method, path, err)
				}
				return resp.StatusCode, b
			}

			userID := create(t, scim, "/Users", `{"schemas":["`+protocol.UserSchema+`"],"userName":"pre@contoso.com","externalId":"pre","active":true}`)
			groupID := create(t, scim, "/Groups", `{"schemas":["`+protocol.GroupSchema+`"],"displayName":"Sales","externalId":"g"}`)
			before := snapshot(t, scim, userID, groupID)

			if code, b := admin("PUT", "/faults", string(p.JSON)); code != 200 {
				t.Fatalf("PUT plan: %d %s", code, b)
			}
			real := tc
			real.pathQuery = groupIDInPath.ReplaceAllString(userIDInPath.ReplaceAllString(tc.pathQuery, "/Users/"+userID), "/Groups/"+groupID)
			var plan faults.Status
			_, b := admin("GET", "/faults", "")
			if err := json.Unmarshal([]byte(b), &plan); err != nil || len(plan.Rules) == 0 || plan.Spec != p.Spec {
				t.Fatalf("GET plan: %s", b)
			}
			checkCatalogueCase(t, real, scim, plan)

			// The journal names the rule that fired (the dropped or timed-out
			// request is recorded when its handler ends, shortly after).
			var fault string
			for range 500 {
				_, b := admin("GET", "/requests?since=0", "")
				var j struct {
					Requests []struct{ Fault string } `json:"requests"`
				}
				if err := json.Unmarshal([]byte(b), &j); err != nil {
					t.Fatalf("journal: %s", b)
				}
				if n := len(j.Requests); n > 0 && j.Requests[n-1].Fault != "" {
					fault = j.Requests[n-1].Fault
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.HasPrefix(fault, strings.SplitN(p.Name, "-", 3)[0]) {
				t.Errorf("journal fault = %q, want a rule of %s", fault, p.Name)
			}

			if code, b := admin("DELETE", "/faults", ""); code != 204 {
				t.Fatalf("DELETE plan: %d %s", code, b)
			}
			if after := snapshot(t, scim, userID, groupID); after != before {
				t.Errorf("the faulted request changed the store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func create(t *testing.T, scim sender, path, body string) string {
	t.Helper()
	resp, b, err := scim(http.DefaultClient, "POST", path, body)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create %s: %v %v %s", path, err, resp, b)
	}
	var r struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(b), &r); err != nil || r.ID == "" {
		t.Fatalf("create %s: %s", path, b)
	}
	return r.ID
}

// snapshot describes the account's data: users and groups, as the server
// answers them.
func snapshot(t *testing.T, scim sender, userID, groupID string) string {
	t.Helper()
	var parts []string
	for _, q := range []string{"/Users/" + userID, "/Groups/" + groupID,
		"/Users?filter=" + url.QueryEscape(`userName eq "new@contoso.com"`), "/Users", "/Groups"} {
		resp, b, err := scim(http.DefaultClient, "GET", q, "")
		if err != nil {
			t.Fatalf("GET %s: %v", q, err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d:%s", q, resp.StatusCode, b))
	}
	return strings.Join(parts, "\n")
}
