package adminapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// The client against the real admin handlers: accounts, tokens, fault
// plans and the journal round-trip through the wire types.
func TestClientAgainstServer(t *testing.T) {
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := srv.Admin()

	acc, token, err := c.NewAccount(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if acc.TenantURL != srv.TenantURLOf(acc.ID) || token == "" || !acc.Settings.Groups || acc.Created.IsZero() {
		t.Fatalf("new account %+v token %q", acc, token)
	}
	if !strings.HasSuffix(acc.TenantURL, adminapi.TenantPrefix+acc.ID) {
		t.Errorf("tenant URL %s", acc.TenantURL)
	}
	accs, err := c.Accounts(ctx)
	if err != nil || len(accs) != 2 {
		t.Fatalf("accounts %+v %v", accs, err)
	}

	p := 1.0
	plan := adminapi.FaultPlan{Spec: "ERR-x", Rules: []adminapi.FaultRule{
		{Name: "teapot", Method: "GET", Path: "^/Users$", Status: 418, Probability: &p}}}
	if err := c.PutFaultPlan(ctx, acc.ID, plan); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, acc.TenantURL+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 418 {
		t.Fatalf("faulted GET answered %d", resp.StatusCode)
	}
	st, err := c.FaultPlan(ctx, acc.ID)
	if err != nil || st.Spec != "ERR-x" || len(st.Rules) != 1 || st.Rules[0].Hits != 1 || st.Rules[0].Name != "teapot" {
		t.Fatalf("plan %+v %v", st, err)
	}
	if got := srv.FaultPlan(acc.ID); got.Rules[0].Hits != 1 {
		t.Errorf("embedded FaultPlan %+v", got)
	}
	log, err := c.Requests(ctx, acc.ID, 0)
	if err != nil || len(log.Requests) != 1 || log.Requests[0].Fault != "teapot" || log.Requests[0].Status != 418 {
		t.Fatalf("journal %+v %v", log, err)
	}
	if err := c.ClearFaults(ctx, acc.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.FaultPlan(ctx, acc.ID); len(st.Rules) != 0 {
		t.Errorf("after clear %+v", st)
	}

	bad := adminapi.FaultPlan{Rules: []adminapi.FaultRule{{Delay: "soon"}}}
	if err := c.PutFaultPlan(ctx, acc.ID, bad); err == nil || !strings.Contains(err.Error(), "answered 400") {
		t.Errorf("bad plan: %v", err)
	}
	if err := srv.SetFaultPlan(acc.ID, bad); err == nil || !strings.Contains(err.Error(), "rules[0].delay") {
		t.Errorf("embedded bad plan: %v", err)
	}

	if err := c.DeleteAccount(ctx, acc.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAccount(ctx, acc.ID); err != nil {
		t.Errorf("deleting a deleted account: %v", err)
	}
	if _, err := c.FaultPlan(ctx, acc.ID); !errors.Is(err, adminapi.ErrNotFound) {
		t.Errorf("gone account: %v", err)
	}
	if err := adminapi.New(srv.BaseURL, "wrong", nil).ClearFaults(ctx, srv.AccountID); err == nil || !strings.Contains(err.Error(), "answered 401") {
		t.Errorf("wrong admin token: %v", err)
	}
}
