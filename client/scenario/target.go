package scenario

import (
	"context"
	"fmt"
	"net/http"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// Target is a SCIM server with the reference server's admin API
// (architecture note: accounts, tokens, fault plans).
type Target struct {
	// BaseURL is the server's root, e.g. http://127.0.0.1:8080.
	BaseURL string
	// AdminToken authorises the admin API.
	AdminToken string
	// HTTP is the client for admin calls; nil means a 10 s default.
	HTTP *http.Client
}

// Account is a fresh account of the target with a SCIM token.
type Account struct {
	ID, TenantURL, Token string
}

func (t *Target) admin() *adminapi.Client { return adminapi.New(t.BaseURL, t.AdminToken, t.HTTP) }

// NewAccount creates an account and a SCIM token for it, so that each
// scenario starts from an empty tenant.
func (t *Target) NewAccount(ctx context.Context) (*Account, error) {
	c := t.admin()
	a, err := c.CreateAccount(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	tok, err := c.CreateToken(ctx, a.ID, "entra")
	if err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	return &Account{ID: a.ID, TenantURL: a.TenantURL, Token: tok.Token}, nil
}

// SetFaults installs the catalogue's fault plan name on the account; "none"
// clears the plan.
func (t *Target) SetFaults(ctx context.Context, account, name string) error {
	if name == "none" {
		if err := t.admin().ClearFaults(ctx, account); err != nil {
			return fmt.Errorf("clear faults: %w", err)
		}
		return nil
	}
	p, err := fixtures.LookupFaultPlan(name)
	if err != nil {
		return err
	}
	if err := t.admin().PutFaultPlanJSON(ctx, account, p.JSON); err != nil {
		return fmt.Errorf("set fault plan %s: %w", name, err)
	}
	return nil
}
