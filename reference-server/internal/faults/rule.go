package faults

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Actions a rule can take once it matches.
const (
	// ActionRespond answers Status with a SCIM Error body (or Body), plus
	// Retry-After when RetryAfter is set. It is the default when Status is set.
	ActionRespond = "respond"
	// ActionDrop closes the connection without answering (ENTRA-RESP-15).
	ActionDrop = "drop"
	// ActionMalformed answers a 2xx whose body is not SCIM (ENTRA-RESP-17).
	ActionMalformed = "malformed"
)

// Rule is one entry of a fault plan, as sent to PUT
// /admin/accounts/{id}/faults and read from fault files. Empty matchers
// match everything.
type Rule struct {
	// Name identifies the rule in hit counts and in the request journal;
	// "rule-N" (N its index) when empty.
	Name string `json:"name"`
	// Method matches the HTTP method, case-insensitively.
	Method string `json:"method,omitempty"`
	// Path is a regular expression on the path below the tenant URL
	// (e.g. "^/Users$").
	Path string `json:"path,omitempty"`
	// Query is a substring of the query string, matched against both the raw
	// and the decoded form, so `userName eq "x"` matches
	// `filter=userName+eq+%22x%22`.
	Query string `json:"query,omitempty"`
	// Status is the HTTP status to answer.
	Status int `json:"status,omitempty"`
	// RetryAfter, in seconds, is sent as the Retry-After header when > 0.
	RetryAfter int `json:"retryAfter,omitempty"`
	// Delay (a Go duration such as "2s") is waited before acting. A rule
	// with a delay and neither status nor action lets the request through
	// afterwards.
	Delay string `json:"delay,omitempty"`
	// Action is respond (default), drop or malformed.
	Action string `json:"action,omitempty"`
	// Body, when set, is sent verbatim instead of the generated body.
	Body string `json:"body,omitempty"`
	// Times limits how often the rule fires; 0 means unlimited.
	Times int `json:"times,omitempty"`
	// Probability (0..1, default 1) that a matching rule fires; drawn from
	// the injector's seeded generator. A rule that loses the draw does not
	// fire and the next rule is tried.
	Probability *float64 `json:"probability,omitempty"`
}

// ValidationError says which rule and which field of a plan is wrong.
type ValidationError struct {
	// Rule is the index of the rule in the plan.
	Rule int `json:"rule"`
	// Field is the JSON name of the offending field.
	Field string `json:"field"`
	// Reason says what is wrong with it.
	Reason string `json:"reason"`
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("rules[%d].%s: %s", e.Rule, e.Field, e.Reason)
}

// compiled is a validated rule ready to match, with its hit count.
type compiled struct {
	Rule
	re     *regexp.Regexp
	delay  time.Duration
	action string // resolved: respond, drop, malformed or "" (delay, then pass through)
	prob   float64
	hits   int
}

// compile validates rule i and resolves its defaults.
func compile(i int, r Rule) (*compiled, error) {
	bad := func(field, format string, args ...any) error {
		return &ValidationError{Rule: i, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	c := &compiled{Rule: r, prob: 1}
	if c.Name == "" {
		c.Name = fmt.Sprintf("rule-%d", i)
	}
	c.Method = strings.ToUpper(strings.TrimSpace(r.Method))
	if r.Path != "" {
		re, err := regexp.Compile(r.Path)
		if err != nil {
			return nil, bad("path", "invalid regular expression: %v", err)
		}
		c.re = re
	}
	if r.Delay != "" {
		d, err := time.ParseDuration(r.Delay)
		if err != nil {
			return nil, bad("delay", "not a duration such as \"2s\": %v", err)
		}
		if d < 0 {
			return nil, bad("delay", "must not be negative")
		}
		c.delay = d
	}
	if r.Times < 0 {
		return nil, bad("times", "must be 0 (unlimited) or more, got %d", r.Times)
	}
	if r.RetryAfter < 0 {
		return nil, bad("retryAfter", "must be 0 (none) or more seconds, got %d", r.RetryAfter)
	}
	if r.Probability != nil {
		p := *r.Probability
		if p < 0 || p > 1 || p != p {
			return nil, bad("probability", "must be between 0 and 1, got %v", p)
		}
		c.prob = p
	}
	if r.Status != 0 && (r.Status < 200 || r.Status > 599) {
		return nil, bad("status", "must be between 200 and 599, got %d", r.Status)
	}
	switch r.Action {
	case ActionRespond:
		if r.Status == 0 {
			return nil, bad("status", "required with action respond")
		}
		c.action = ActionRespond
	case "":
		switch {
		case r.Status != 0:
			c.action = ActionRespond
		case c.delay == 0:
			return nil, bad("action", "rule does nothing: give a status, an action or a delay")
		}
	case ActionDrop:
		if r.Status != 0 {
			return nil, bad("status", "has no meaning with action drop (no answer is sent)")
		}
		c.action = ActionDrop
	case ActionMalformed:
		if r.Status != 0 && (r.Status < 200 || r.Status > 299) {
			return nil, bad("status", "must be 2xx with action malformed, got %d", r.Status)
		}
		c.action = ActionMalformed
	default:
		return nil, bad("action", "unknown action %q (want respond, drop or malformed)", r.Action)
	}
	return c, nil
}

// compileAll validates a whole plan; it fails on the first bad rule so that
// a plan is replaced all or nothing.
func compileAll(rules []Rule) ([]*compiled, error) {
	out := make([]*compiled, 0, len(rules))
	for i, r := range rules {
		c, err := compile(i, r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// matches reports whether the request fits the rule's matchers (not its
// budget or probability).
func (c *compiled) matches(r *http.Request, path string) bool {
	if c.Method != "" && c.Method != r.Method {
		return false
	}
	if c.re != nil && !c.re.MatchString(path) {
		return false
	}
	if c.Query != "" && !strings.Contains(r.URL.RawQuery, c.Query) {
		decoded, err := url.QueryUnescape(r.URL.RawQuery)
		if err != nil || !strings.Contains(decoded, c.Query) {
			return false
		}
	}
	return true
}

// budgetLeft reports whether the rule may still fire.
func (c *compiled) budgetLeft() bool { return c.Times == 0 || c.hits < c.Times }
