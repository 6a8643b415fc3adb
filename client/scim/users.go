package scim

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

func needID(kind, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("scim client: %s id is empty", kind)
	}
	return nil
}

// GetSchemas reads /Schemas (ENTRA-FLOW-02).
func (c *Client) GetSchemas(ctx context.Context) (*Result, error) {
	return c.Do(ctx, outcome.ListSchemas, c.build.GetSchemas())
}

// Matcher is one matching attribute and the source value for it.
type Matcher struct {
	Attribute string
	Value     string
}

// MatchUser queries users by one matching attribute (ENTRA-FLOW-03).
// Found() tells whether one user matched; more than one is the outcome
// DuplicateTargetEntries.
func (c *Client) MatchUser(ctx context.Context, attr, value string) (*Result, error) {
	if strings.TrimSpace(attr) == "" {
		return nil, errors.New("scim client: matching attribute is empty")
	}
	return c.Do(ctx, outcome.QueryUsers, c.build.MatchUser(attr, value))
}

// MatchUserInOrder tries the matching attributes in precedence order and
// stops at the first that matches or fails (ENTRA-FLOW-03). Matchers
// without a value are skipped. It returns every query sent.
func (c *Client) MatchUserInOrder(ctx context.Context, matchers []Matcher) ([]*Result, error) {
	var out []*Result
	for _, m := range matchers {
		if m.Value == "" {
			continue
		}
		r, err := c.MatchUser(ctx, m.Attribute, m.Value)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		if !r.Outcome.Success || len(r.Parsed.IDs) > 0 {
			break
		}
	}
	return out, nil
}

// CreateUser posts a user built from attributes (ENTRA-FLOW-04). On
// success ID() is the target id; an answer without one is
// ServiceIncompatible.
func (c *Client) CreateUser(ctx context.Context, attrs Attributes) (*Result, error) {
	if len(attrs) == 0 {
		return nil, errors.New("scim client: create user: no attributes")
	}
	return c.Do(ctx, outcome.CreateUser, c.build.CreateUser(attrs))
}

// GetUser reads a user by target id (ENTRA-FLOW-05).
func (c *Client) GetUser(ctx context.Context, id string) (*Result, error) {
	if err := needID("user", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.GetUser, c.build.GetUser(id))
}

// UpdateUser PATCHes the attributes whose desired value differs from the
// current one (ENTRA-FLOW-07, PATCH-04). With no difference nothing is sent
// and the result has Sent false.
func (c *Client) UpdateUser(ctx context.Context, id string, current, desired Attributes) (*Result, error) {
	if err := needID("user", id); err != nil {
		return nil, err
	}
	changes := Diff(current, desired)
	if len(changes) == 0 {
		return notSent("ENTRA-FLOW-07", "no attribute differs"), nil
	}
	return c.Do(ctx, outcome.PatchUser, c.build.UpdateUser(id, changes))
}

// ReferenceCheck reports whether the FLOW-06 check is on in the client's
// options (Options.SkipReferenceCheck false, the default).
func (c *Client) ReferenceCheck() bool { return !c.opts.SkipReferenceCheck }

// CheckManager runs the reference check (ENTRA-FLOW-06): Found() means the
// user already has that manager.
func (c *Client) CheckManager(ctx context.Context, userID, managerID string) (*Result, error) {
	if err := errors.Join(needID("user", userID), needID("manager", managerID)); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.QueryUsers, c.build.CheckManager(userID, managerID))
}

// SetManager sends the manager PATCH (ENTRA-FLOW-08) without checking.
func (c *Client) SetManager(ctx context.Context, userID, managerID string) (*Result, error) {
	if err := errors.Join(needID("user", userID), needID("manager", managerID)); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.SetManager(userID, managerID))
}

// ClearManager sends the empty-value manager replace (ENTRA-FLOW-08,
// UNC-10) regardless of the ClearManager option.
func (c *Client) ClearManager(ctx context.Context, userID string) (*Result, error) {
	if err := needID("user", userID); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.ClearManager(userID))
}

// UpdateManager does what Entra's reference resolution does for a user's
// manager: with managerID set, the FLOW-06 check (unless turned off) and a
// FLOW-08 PATCH when the check finds nothing; with managerID empty, the
// removal only when the ClearManager option is on (UNC-10). It returns the
// calls made; the last one carries the outcome. A failed check ends it
// here; the sync engine (client/engine) sends the check and the PATCH
// itself, and sends the PATCH after a failed check too.
func (c *Client) UpdateManager(ctx context.Context, userID, managerID string) ([]*Result, error) {
	if managerID == "" {
		if !c.opts.ClearManager {
			return []*Result{notSent("ENTRA-FLOW-08", "manager removal is not flowed (UNC-10 option off)")}, nil
		}
		r, err := c.ClearManager(ctx, userID)
		if err != nil {
			return nil, err
		}
		return []*Result{r}, nil
	}
	var out []*Result
	if !c.opts.SkipReferenceCheck {
		chk, err := c.CheckManager(ctx, userID, managerID)
		if err != nil {
			return nil, err
		}
		out = append(out, chk)
		if !chk.Outcome.Success || chk.Found() {
			return out, nil
		}
	}
	r, err := c.SetManager(ctx, userID, managerID)
	if err != nil {
		return out, err
	}
	return append(out, r), nil
}

// DisableUser soft-deletes a user (ENTRA-FLOW-09).
func (c *Client) DisableUser(ctx context.Context, id string) (*Result, error) {
	if err := needID("user", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.DisableUser(id))
}

// EnableUser re-enables a user (ENTRA-FLOW-10).
func (c *Client) EnableUser(ctx context.Context, id string) (*Result, error) {
	if err := needID("user", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.EnableUser(id))
}

// DeleteUser deletes a user (ENTRA-FLOW-11); a 404 is success with a
// warning (UNC-08).
func (c *Client) DeleteUser(ctx context.Context, id string) (*Result, error) {
	if err := needID("user", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.DeleteUser, c.build.DeleteUser(id))
}

// ListUsers reads one page of users (ENTRA-FLOW-21).
func (c *Client) ListUsers(ctx context.Context, startIndex, count int) (*Result, error) {
	if startIndex < 1 || count < 0 {
		return nil, fmt.Errorf("scim client: list users: startIndex %d must be >= 1 and count %d >= 0", startIndex, count)
	}
	return c.Do(ctx, outcome.ListSchemas, c.build.ListUsers(startIndex, count))
}

func notSent(flow, why string) *Result {
	return &Result{
		Request: Request{Flow: flow},
		Outcome: outcome.Outcome{Success: true, SpecID: flow, Reason: why, ErrorCategory: outcome.CategorySuccess},
	}
}
