package adminapi

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

// ErrNotFound marks an answer 404 (errors.Is).
var ErrNotFound = errors.New("not found")

// DefaultTimeout bounds an admin call when New gets no http.Client.
const DefaultTimeout = 10 * time.Second

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 8 << 20

// Client calls a reference server's admin API.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// New returns a client for the server at baseURL (its root, e.g.
// http://127.0.0.1:8080) with the admin token; hc nil means a client with
// DefaultTimeout.
func New(baseURL, adminToken string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: adminToken, hc: hc}
}

// BaseURL is the server's root, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

func accountPath(account string) string { return "/admin/accounts/" + url.PathEscape(account) }

// Do sends one admin call: in, when not nil, is sent as JSON (a
// json.RawMessage verbatim), a 2xx answer is decoded into out when not
// nil. Other answers are errors naming method, path, status and body; a
// 404 wraps ErrNotFound.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
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
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("admin %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("admin %s %s answered %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: %w", ErrNotFound, err)
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

// CreateAccount creates account id (a random one when empty). The
// answer's tenant URL is made absolute when the server sent a path.
func (c *Client) CreateAccount(ctx context.Context, id string) (Account, error) {
	var acc Account
	if err := c.Do(ctx, http.MethodPost, "/admin/accounts", NewAccount{ID: id}, &acc); err != nil {
		return Account{}, err
	}
	switch {
	case acc.TenantURL == "" && acc.ID != "":
		acc.TenantURL = TenantURL(c.base, acc.ID)
	case strings.HasPrefix(acc.TenantURL, "/"):
		acc.TenantURL = c.base + acc.TenantURL
	}
	return acc, nil
}

// CreateToken issues a SCIM token named name for account; the answer holds
// the secret.
func (c *Client) CreateToken(ctx context.Context, account, name string) (Token, error) {
	var tok Token
	err := c.Do(ctx, http.MethodPost, accountPath(account)+"/tokens", NewToken{Name: name, Type: TokenTypeSCIM}, &tok)
	return tok, err
}

// NewAccount creates an account with a random id and a SCIM token named
// tokenName, and returns the account and the token's secret.
func (c *Client) NewAccount(ctx context.Context, tokenName string) (Account, string, error) {
	acc, err := c.CreateAccount(ctx, "")
	if err != nil {
		return Account{}, "", err
	}
	tok, err := c.CreateToken(ctx, acc.ID, tokenName)
	if err != nil {
		return Account{}, "", err
	}
	if acc.ID == "" || tok.Token == "" {
		return Account{}, "", errors.New("admin: new account answer lacks id or token")
	}
	return acc, tok.Token, nil
}

// DeleteAccount removes an account with its users, groups, tokens, journal
// and fault plan; an account already gone is fine.
func (c *Client) DeleteAccount(ctx context.Context, account string) error {
	err := c.Do(ctx, http.MethodDelete, accountPath(account), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// Accounts lists the server's accounts.
func (c *Client) Accounts(ctx context.Context) ([]Account, error) {
	var out AccountList
	if err := c.Do(ctx, http.MethodGet, "/admin/accounts", nil, &out); err != nil {
		return nil, err
	}
	return out.Accounts, nil
}

// PutFaultPlan replaces the account's fault plan (hit counts restart).
func (c *Client) PutFaultPlan(ctx context.Context, account string, plan FaultPlan) error {
	return c.Do(ctx, http.MethodPut, accountPath(account)+"/faults", plan, nil)
}

// PutFaultPlanJSON is PutFaultPlan for a plan already in JSON, e.g.
// fixtures.FaultPlan.JSON.
func (c *Client) PutFaultPlanJSON(ctx context.Context, account string, plan []byte) error {
	return c.Do(ctx, http.MethodPut, accountPath(account)+"/faults", json.RawMessage(plan), nil)
}

// FaultPlan returns the account's fault plan with hit counts.
func (c *Client) FaultPlan(ctx context.Context, account string) (FaultPlanStatus, error) {
	var out FaultPlanStatus
	err := c.Do(ctx, http.MethodGet, accountPath(account)+"/faults", nil, &out)
	return out, err
}

// ClearFaults removes the account's fault plan.
func (c *Client) ClearFaults(ctx context.Context, account string) error {
	return c.Do(ctx, http.MethodDelete, accountPath(account)+"/faults", nil, nil)
}

// Requests returns the account's request journal after seq since.
func (c *Client) Requests(ctx context.Context, account string, since int64) (RequestLog, error) {
	var out RequestLog
	err := c.Do(ctx, http.MethodGet, fmt.Sprintf("%s/requests?since=%d", accountPath(account), since), nil, &out)
	return out, err
}
