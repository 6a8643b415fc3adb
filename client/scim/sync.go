package scim

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// UserExport is what Entra knows about one in-scope user when it exports
// it (ENTRA-FLOW-22).
type UserExport struct {
	// TargetID is the linked target id; empty until matched or created.
	TargetID string
	// Matchers are the matching attributes in precedence order.
	Matchers []Matcher
	// Attributes are the target values computed from the mappings.
	Attributes Attributes
	// ManagerID is the manager's target id; empty when there is none.
	ManagerID string
}

// Export actions, as in provisioningAction (LOG-02).
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionOther  = "other" // nothing to change, or nothing could be done
)

// ExportResult is the outcome of one user export.
type ExportResult struct {
	// TargetID is the target id after the export (new link on create/match).
	TargetID string
	// Action is create, update or other.
	Action string
	// Calls are every request made, in order.
	Calls []*Result
	// Outcome is the first failure, or success.
	Outcome outcome.Outcome
}

// ExportUser runs Entra's per-user sequence (ENTRA-FLOW-22): for an
// unlinked user FLOW-03, then FLOW-04 or FLOW-05 + FLOW-07; for a linked
// one FLOW-05 + FLOW-07 (UNC-13); then the manager through FLOW-06/08. It
// stops at the first failure. A disabled source user is never created
// (ENTRA-FLOW-04).
func (c *Client) ExportUser(ctx context.Context, u UserExport) (*ExportResult, error) {
	res := &ExportResult{TargetID: u.TargetID, Action: ActionOther}
	fail := func(r *Result) (*ExportResult, error) {
		res.Outcome = r.Outcome
		return res, nil
	}
	if res.TargetID == "" {
		rs, err := c.MatchUserInOrder(ctx, u.Matchers)
		res.Calls = append(res.Calls, rs...)
		if err != nil {
			return nil, fmt.Errorf("export user: %w", err)
		}
		if len(rs) > 0 {
			last := rs[len(rs)-1]
			if !last.Outcome.Success {
				return fail(last)
			}
			res.TargetID = last.ID()
		}
		if res.TargetID == "" {
			if active, ok := activeValue(u.Attributes["active"]); ok && !active {
				res.Outcome = outcome.Outcome{Success: true, SpecID: "ENTRA-FLOW-04",
					Reason: "the source user is disabled: Entra does not create it", ErrorCategory: outcome.CategorySuccess}
				return res, nil
			}
			r, err := c.CreateUser(ctx, u.Attributes)
			if err != nil {
				return nil, fmt.Errorf("export user: %w", err)
			}
			res.Calls = append(res.Calls, r)
			if !r.Outcome.Success {
				return fail(r)
			}
			res.TargetID, res.Action = r.ID(), ActionCreate
			return c.exportManager(ctx, u, res)
		}
	}
	got, err := c.GetUser(ctx, res.TargetID)
	if err != nil {
		return nil, fmt.Errorf("export user: %w", err)
	}
	res.Calls = append(res.Calls, got)
	if !got.Outcome.Success {
		return fail(got)
	}
	paths := make([]string, 0, len(u.Attributes))
	for p := range u.Attributes {
		paths = append(paths, p)
	}
	current, err := ReadAttributes(got.Parsed.Resources[0], paths)
	if err != nil {
		return nil, fmt.Errorf("export user: %w", err) // cannot happen: the body parsed as a resource
	}
	upd, err := c.UpdateUser(ctx, res.TargetID, current, u.Attributes)
	if err != nil {
		return nil, fmt.Errorf("export user: %w", err)
	}
	if upd.Sent {
		res.Calls = append(res.Calls, upd)
		if !upd.Outcome.Success {
			return fail(upd)
		}
		res.Action = ActionUpdate
	}
	return c.exportManager(ctx, u, res)
}

func (c *Client) exportManager(ctx context.Context, u UserExport, res *ExportResult) (*ExportResult, error) {
	rs, err := c.UpdateManager(ctx, res.TargetID, u.ManagerID)
	if err != nil {
		return nil, fmt.Errorf("export user: manager: %w", err)
	}
	for _, r := range rs {
		if r.Sent {
			res.Calls = append(res.Calls, r)
		}
		if !r.Outcome.Success {
			res.Outcome = r.Outcome
			return res, nil
		}
	}
	res.Outcome = outcome.Outcome{Success: true, SpecID: "ENTRA-FLOW-22", ErrorCategory: outcome.CategorySuccess}
	if len(res.Calls) > 0 {
		last := res.Calls[len(res.Calls)-1].Outcome
		res.Outcome.HTTPStatus = last.HTTPStatus
	}
	return res, nil
}
