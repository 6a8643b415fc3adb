package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/fixtures"
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

// NewAccount creates an account and a SCIM token for it, so that each
// scenario starts from an empty tenant.
func (t *Target) NewAccount(ctx context.Context) (*Account, error) {
	var a struct {
		ID        string `json:"id"`
		TenantURL string `json:"tenantUrl"`
	}
	if err := t.call(ctx, http.MethodPost, "/admin/accounts", `{}`, &a); err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := t.call(ctx, http.MethodPost, "/admin/accounts/"+a.ID+"/tokens", `{"name":"entra","type":"SCIM"}`, &tok); err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	tenant := a.TenantURL
	if tenant == "" || !strings.HasPrefix(tenant, "http") {
		tenant = strings.TrimRight(t.BaseURL, "/") + "/api/v1/scim/azure/" + a.ID
	}
	return &Account{ID: a.ID, TenantURL: tenant, Token: tok.Token}, nil
}

// SetFaults installs the catalogue's fault plan name on the account; "none"
// clears the plan.
func (t *Target) SetFaults(ctx context.Context, account, name string) error {
	path := "/admin/accounts/" + account + "/faults"
	if name == "none" {
		if err := t.call(ctx, http.MethodDelete, path, "", nil); err != nil {
			return fmt.Errorf("clear faults: %w", err)
		}
		return nil
	}
	p, err := fixtures.LookupFaultPlan(name)
	if err != nil {
		return err
	}
	if err := t.call(ctx, http.MethodPut, path, string(p.JSON), nil); err != nil {
		return fmt.Errorf("set fault plan %s: %w", name, err)
	}
	return nil
}

func (t *Target) call(ctx context.Context, method, path, body string, out any) error {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(t.BaseURL, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.AdminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := t.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}
