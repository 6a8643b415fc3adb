package framework

import (
	"context"
	"net/http"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// AdminClient talks to the reference server's admin API (architecture note:
// accounts, tokens, fault plans, request journal) through adminapi.Client,
// in the shapes the specs use.
type AdminClient struct {
	c *adminapi.Client
}

// FaultRule is one rule of a fault plan (architecture note, admin API).
type FaultRule = adminapi.FaultRule

// JournalEntry is one request the server recorded.
type JournalEntry = adminapi.JournalEntry

// NewAdminClient returns a client for a target's admin API.
func NewAdminClient(a *Admin, timeout time.Duration) *AdminClient {
	return &AdminClient{c: adminapi.New(a.URL, a.Token, &http.Client{Timeout: timeout})}
}

// NewAccount creates an account with a SCIM token and returns its id,
// tenant URL and token.
func (c *AdminClient) NewAccount(ctx context.Context) (id, tenantURL, token string, err error) {
	acc, token, err := c.c.NewAccount(ctx, "conformance")
	if err != nil {
		return "", "", "", err
	}
	return acc.ID, acc.TenantURL, token, nil
}

// DeleteAccount removes an account with its users, groups, tokens, journal
// and fault plan (DELETE /admin/accounts/{id}); an account already gone is
// fine.
func (c *AdminClient) DeleteAccount(ctx context.Context, account string) error {
	return c.c.DeleteAccount(ctx, account)
}

// Accounts lists the ids of the server's accounts (GET /admin/accounts).
func (c *AdminClient) Accounts(ctx context.Context) ([]string, error) {
	accs, err := c.c.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(accs))
	for _, a := range accs {
		ids = append(ids, a.ID)
	}
	return ids, nil
}

// SetFaults replaces an account's fault plan.
func (c *AdminClient) SetFaults(ctx context.Context, account string, rules ...FaultRule) error {
	return c.c.PutFaultPlan(ctx, account, adminapi.FaultPlan{Rules: rules})
}

// PutFaultPlan installs a fault plan given as the JSON body of PUT
// /admin/accounts/{id}/faults (fixtures.FaultPlan.JSON).
func (c *AdminClient) PutFaultPlan(ctx context.Context, account string, plan []byte) error {
	return c.c.PutFaultPlanJSON(ctx, account, plan)
}

// ClearFaults removes an account's fault plan.
func (c *AdminClient) ClearFaults(ctx context.Context, account string) error {
	return c.c.ClearFaults(ctx, account)
}

// Requests returns the account's request journal after seq since.
func (c *AdminClient) Requests(ctx context.Context, account string, since int64) ([]JournalEntry, error) {
	log, err := c.c.Requests(ctx, account, since)
	return log.Requests, err
}
