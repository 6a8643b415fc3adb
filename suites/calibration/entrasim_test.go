package calibration_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/cli"
	"github.com/quantive/entra-scim-harness/client/directory"
)

// TestEntrasimCycleCreatesEveryUserOnThirdPartyServers runs entrasim's
// initial cycle with fixtures/directories/small.yaml against each
// calibration target and requires every in-scope, enabled user to exist in
// the target afterwards: Entra's create body (ENTRA-FLOW-04) must be one a
// server we did not write accepts. What else fails there for real (the
// manager PATCH) may fail the command; the creates may not.
func TestEntrasimCycleCreatesEveryUserOnThirdPartyServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const token = "calibration-entrasim"
	dirFile := filepath.Join("..", "..", "fixtures", "directories", "small.yaml")
	d, err := directory.Load(dirFile)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range d.InScopeUsers() {
		if u.AccountEnabled && u.Deleted == directory.NotDeleted {
			want = append(want, strings.ToLower(u.UserPrincipalName))
		}
	}
	slices.Sort(want)
	if len(want) < 5 {
		t.Fatalf("small.yaml has %d users to create; the test needs several", len(want))
	}
	for _, name := range targets {
		t.Run(name, func(t *testing.T) {
			url := startTarget(ctx, t, name, token)
			var out, errb strings.Builder
			code := cli.Run([]string{"cycle", "--tenant-url", url, "--token", token, "--directory", dirFile,
				"--state", filepath.Join(t.TempDir(), "job.db")}, &out, &errb)
			t.Logf("entrasim cycle exit %d: %s%s", code, out.String(), errb.String())
			got := userNames(t, url, token)
			if !slices.Equal(got, want) {
				t.Errorf("users in the target after the cycle:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// userNames lists the target's users, lower-cased and sorted.
func userNames(t *testing.T, tenantURL, token string) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, tenantURL+"/Users?count=1000", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var l struct {
		Resources []struct {
			UserName string `json:"userName"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("list users: %v: %s", err, body)
	}
	var names []string
	for _, r := range l.Resources {
		names = append(names, strings.ToLower(r.UserName))
	}
	slices.Sort(names)
	return names
}
