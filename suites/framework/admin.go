package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AdminClient talks to the reference server's admin API (architecture note:
// accounts, tokens, fault plans, request journal).
type AdminClient struct {
	base   string
	token  string
	client *http.Client
}

// errNotFound marks an admin answer 404.
var errNotFound = errors.New("not found")

// NewAdminClient returns a client for a target's admin API.
func NewAdminClient(a *Admin, timeout time.Duration) *AdminClient {
	return &AdminClient{base: strings.TrimRight(a.URL, "/"), token: a.Token, client: &http.Client{Timeout: timeout}}
}

func (c *AdminClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader = http.NoBody
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("admin %s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("admin %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("admin %s %s answered %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: %w", errNotFound, err)
		}
		return err
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("admin %s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// NewAccount creates an account with a SCIM token and returns its id,
// tenant URL and token.
func (c *AdminClient) NewAccount(ctx context.Context) (id, tenantURL, token string, err error) {
	var acc struct {
		ID        string `json:"id"`
		TenantURL string `json:"tenantUrl"`
	}
	if err := c.call(ctx, http.MethodPost, "/admin/accounts", map[string]string{}, &acc); err != nil {
		return "", "", "", err
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.call(ctx, http.MethodPost, "/admin/accounts/"+url.PathEscape(acc.ID)+"/tokens", map[string]string{"name": "conformance", "type": "SCIM"}, &tok); err != nil {
		return "", "", "", err
	}
	if acc.ID == "" || tok.Token == "" {
		return "", "", "", fmt.Errorf("admin: new account answer lacks id or token")
	}
	if strings.HasPrefix(acc.TenantURL, "/") {
		acc.TenantURL = c.base + acc.TenantURL
	}
	return acc.ID, acc.TenantURL, tok.Token, nil
}

// DeleteAccount removes an account with its users, groups, tokens, journal
// and fault plan (DELETE /admin/accounts/{id}); an account already gone is
// fine.
func (c *AdminClient) DeleteAccount(ctx context.Context, account string) error {
	err := c.call(ctx, http.MethodDelete, "/admin/accounts/"+url.PathEscape(account), nil, nil)
	if errors.Is(err, errNotFound) {
		return nil
	}
	return err
}

// Accounts lists the ids of the server's accounts (GET /admin/accounts).
func (c *AdminClient) Accounts(ctx context.Context) ([]string, error) {
	var out struct {
		Accounts []struct {
			ID string `json:"id"`
		} `json:"accounts"`
	}
	if err := c.call(ctx, http.MethodGet, "/admin/accounts", nil, &out); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(out.Accounts))
	for _, a := range out.Accounts {
		ids = append(ids, a.ID)
	}
	return ids, nil
}

// FaultRule is one rule of a fault plan (architecture note, admin API).
type FaultRule struct {
	Name        string  `json:"name,omitempty"`
	Method      string  `json:"method,omitempty"`
	Path        string  `json:"path,omitempty"`
	Query       string  `json:"query,omitempty"`
	Status      int     `json:"status,omitempty"`
	RetryAfter  int     `json:"retryAfter,omitempty"`
	Delay       string  `json:"delay,omitempty"`
	Action      string  `json:"action,omitempty"`
	Body        string  `json:"body,omitempty"`
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`
}

// SetFaults replaces an account's fault plan.
func (c *AdminClient) SetFaults(ctx context.Context, account string, rules ...FaultRule) error {
	return c.call(ctx, http.MethodPut, "/admin/accounts/"+url.PathEscape(account)+"/faults", map[string]any{"rules": rules}, nil)
}

// PutFaultPlan installs a fault plan given as the JSON body of PUT
// /admin/accounts/{id}/faults (fixtures.FaultPlan.JSON).
func (c *AdminClient) PutFaultPlan(ctx context.Context, account string, plan []byte) error {
	return c.call(ctx, http.MethodPut, "/admin/accounts/"+url.PathEscape(account)+"/faults", json.RawMessage(plan), nil)
}

// ClearFaults removes an account's fault plan.
func (c *AdminClient) ClearFaults(ctx context.Context, account string) error {
	return c.call(ctx, http.MethodDelete, "/admin/accounts/"+url.PathEscape(account)+"/faults", nil, nil)
}

// JournalEntry is one request the server recorded.
type JournalEntry struct {
	Seq          int64  `json:"seq"`
	Method       string `json:"method"`
	Path         string `json:"path"`
	Query        string `json:"query"`
	RequestBody  string `json:"requestBody"`
	Status       int    `json:"status"`
	ResponseBody string `json:"responseBody"`
	Fault        string `json:"fault"`
}

// Requests returns the account's request journal after seq since.
func (c *AdminClient) Requests(ctx context.Context, account string, since int64) ([]JournalEntry, error) {
	var out struct {
		Requests []JournalEntry `json:"requests"`
	}
	err := c.call(ctx, http.MethodGet, fmt.Sprintf("/admin/accounts/%s/requests?since=%d", url.PathEscape(account), since), nil, &out)
	return out.Requests, err
}
