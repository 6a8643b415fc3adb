// Package adminapi holds the wire types of the reference server's admin
// API (architecture note, "Admin API"; reference-server/README.md) and a
// small client for it. The server's admin handlers answer with these
// types; the suites, client/scenario and refcontainer talk to the API
// through Client. It imports only the standard library, so that the
// server, the suites and the client tools can all depend on it.
package adminapi

import (
	"strings"
	"time"
)

// TenantPrefix is the path of every tenant URL, followed by the account id
// and then the SCIM resource path (GTM-01): /api/v1/scim/azure/{account}/Users.
const TenantPrefix = "/api/v1/scim/azure/"

// TenantURL is the tenant URL of account on the server at baseURL
// (e.g. http://127.0.0.1:8080); a trailing slash of baseURL is dropped.
func TenantURL(baseURL, account string) string {
	return strings.TrimRight(baseURL, "/") + TenantPrefix + account
}

// Settings are an account's settings (GET/PUT /admin/accounts/{id}/settings).
type Settings struct {
	// Groups turns /Groups on (default). Off: /Groups answers 404 and the
	// discovery endpoints do not list groups.
	Groups bool `json:"groups"`
	// TeamsFromDepartment derives teams from the users' department (GTM-06):
	// one read-only group per department value.
	TeamsFromDepartment bool `json:"teamsFromDepartment"`
	// DeleteDeactivates turns DELETE /Users/{id} into active=false (GTM-08).
	DeleteDeactivates bool `json:"deleteDeactivates"`
}

// NewAccount is the body of POST /admin/accounts; an empty ID asks the
// server for a random one.
type NewAccount struct {
	ID string `json:"id,omitempty"`
}

// Account is an account as the admin API answers it (POST /admin/accounts,
// GET /admin/accounts/{id}).
type Account struct {
	ID        string    `json:"id"`
	TenantURL string    `json:"tenantUrl"`
	Created   time.Time `json:"created"`
	Settings  Settings  `json:"settings"`
}

// AccountList is the answer of GET /admin/accounts.
type AccountList struct {
	Accounts []Account `json:"accounts"`
}

// NewToken is the body of POST /admin/accounts/{id}/tokens; Type, when
// set, must be TokenTypeSCIM.
type NewToken struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// TokenTypeSCIM is the only token type.
const TokenTypeSCIM = "SCIM"

// Token is a SCIM token of an account; Token (the secret) is only in the
// answer of POST /admin/accounts/{id}/tokens.
type Token struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	Token   string    `json:"token,omitempty"`
}

// TokenList is the answer of GET /admin/accounts/{id}/tokens.
type TokenList struct {
	Tokens []Token `json:"tokens"`
}

// Fault rule actions.
const (
	FaultRespond   = "respond"
	FaultDrop      = "drop"
	FaultMalformed = "malformed"
)

// FaultRule is one rule of a fault plan (PUT /admin/accounts/{id}/faults;
// the server's reference-server/internal/faults.Rule documents each field).
// Empty matchers match everything.
type FaultRule struct {
	Name        string   `json:"name,omitempty"`
	Method      string   `json:"method,omitempty"`
	Path        string   `json:"path,omitempty"`
	Query       string   `json:"query,omitempty"`
	Status      int      `json:"status,omitempty"`
	RetryAfter  int      `json:"retryAfter,omitempty"`
	Delay       string   `json:"delay,omitempty"`
	Action      string   `json:"action,omitempty"`
	Body        string   `json:"body,omitempty"`
	Times       int      `json:"times,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
}

// FaultPlan is the body of PUT /admin/accounts/{id}/faults in its JSON
// form (the catalogue's YAML is the same shape).
type FaultPlan struct {
	Spec        string      `json:"spec,omitempty"`
	ErrorCode   string      `json:"errorCode,omitempty"`
	Description string      `json:"description,omitempty"`
	Rules       []FaultRule `json:"rules"`
}

// FaultRuleStatus is a rule of an installed plan with how often it fired.
type FaultRuleStatus struct {
	FaultRule
	Hits int `json:"hits"`
}

// FaultPlanStatus is the answer of GET and PUT /admin/accounts/{id}/faults.
type FaultPlanStatus struct {
	Spec        string            `json:"spec,omitempty"`
	ErrorCode   string            `json:"errorCode,omitempty"`
	Description string            `json:"description,omitempty"`
	Rules       []FaultRuleStatus `json:"rules"`
}

// JournalEntry is one request the server recorded for an account
// (GET /admin/accounts/{id}/requests).
type JournalEntry struct {
	// Seq numbers the account's requests from 1; it keeps growing across Clear.
	Seq int64 `json:"seq"`
	// Time is when the request arrived (UTC).
	Time time.Time `json:"time"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the path below the tenant URL, e.g. "/Users/42" (secrets blanked).
	Path string `json:"path"`
	// Query is the raw query string as sent (secrets blanked).
	Query string `json:"query"`
	// RequestBody is the request body, up to the body limit.
	RequestBody string `json:"requestBody"`
	// RequestBodyTruncated is set when RequestBody was cut at the limit.
	RequestBodyTruncated bool `json:"requestBodyTruncated,omitempty"`
	// Status is the answered HTTP status; 0 when the connection was dropped
	// or the client went away before an answer.
	Status int `json:"status"`
	// ResponseBody is the response body, up to the body limit.
	ResponseBody string `json:"responseBody"`
	// ResponseBodyTruncated is set when ResponseBody was cut at the limit.
	ResponseBodyTruncated bool `json:"responseBodyTruncated,omitempty"`
	// DurationMs is the time from arrival to the end of the answer.
	DurationMs float64 `json:"durationMs"`
	// Fault names the fault rule that fired, if any.
	Fault string `json:"fault"`
}

// RequestLog is the answer of GET /admin/accounts/{id}/requests?since=SEQ.
type RequestLog struct {
	Requests []JournalEntry `json:"requests"`
	// Unauthenticated counts requests to the account that were not recorded
	// because they carried no live SCIM token of it.
	Unauthenticated int64 `json:"unauthenticated"`
}

// Error is the admin API's error body.
type Error struct {
	Error string `json:"error"`
	// Rule and Field point into a rejected fault plan.
	Rule  *int   `json:"rule,omitempty"`
	Field string `json:"field,omitempty"`
	// Known lists the catalogue's plan names when ?plan= names none.
	Known []string `json:"known,omitempty"`
}
