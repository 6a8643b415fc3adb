package scim

import (
	"context"
	"net/http"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/protocol"
)

// Role is an app role assignment as Entra maps it to roles (ENTRA-FLOW-19).
type Role struct {
	// ID is the app role id (only in the legacy PATCH string).
	ID string
	// Value is the role value.
	Value string
	// DisplayName is the role's display name.
	DisplayName string
	// Type is the role type, e.g. WindowsAzureActiveDirectoryRole.
	Type    string
	Primary bool
}

// legacyRole is the object Entra JSON-encodes into a string in legacy role
// PATCHes; the field order is the spec's.
type legacyRole struct {
	ID          string `json:"id"`
	Value       string `json:"value"`
	DisplayName string `json:"displayName"`
}

// fullRole is a role in the POST shape, in the key order of the
// AssertiveAppRoleAssignmentsComplex examples of
// customize-application-attributes ("Provisioning a role to a SCIM app"):
// primary, type, display, value. The SingleAppRoleAssignment POST there
// (primary, type, value) has no display.
type fullRole struct {
	Primary bool   `json:"primary"`
	Type    string `json:"type,omitempty"`
	Display string `json:"display,omitempty"`
	Value   string `json:"value"`
}

func (r Role) full() fullRole {
	return fullRole{Primary: r.Primary, Type: r.Type, Value: r.Value, Display: r.DisplayName}
}

// AddRoles adds role assignments (ENTRA-FLOW-19, SingleAppRoleAssignment and
// AppRoleAssignmentsComplex). Legacy sends each role as a JSON-encoded
// string inside value; compliant sends the POST shape.
func (b Builder) AddRoles(userID string, roles []Role) Request {
	d := b.dialect()
	var value any
	if d == Compliant {
		vs := make([]fullRole, len(roles))
		for i, r := range roles {
			vs[i] = r.full()
		}
		value = vs
	} else {
		vs := make([]memberValue, len(roles))
		for i, r := range roles {
			vs[i] = memberValue{Value: string(mustMarshal(legacyRole{ID: r.ID, Value: r.Value, DisplayName: r.DisplayName}))}
		}
		value = vs
	}
	return Request{Flow: "ENTRA-FLOW-19", Method: http.MethodPatch, Path: usersPath(userID),
		Body: patch("", "", patchOp{Op: d.op(protocol.OpAdd), Path: "roles", Value: value}).Body}
}

// ReplaceRoles replaces the whole role set with full objects (ENTRA-FLOW-19,
// AssertiveAppRoleAssignmentsComplex). The op is "replace" in lower case in
// both dialects: customize-application-attributes, "Provisioning a role to
// a SCIM app > AssertiveAppRoleAssignmentsComplex > Example output (PATCH)",
// shows {"op":"replace","path":"roles",…} and names no flag for it, unlike
// the SingleAppRoleAssignment example next to it.
func (b Builder) ReplaceRoles(userID string, roles []Role) Request {
	vs := make([]fullRole, len(roles))
	for i, r := range roles {
		vs[i] = r.full()
	}
	return patch("ENTRA-FLOW-19", usersPath(userID), patchOp{Op: protocol.OpReplace, Path: "roles", Value: vs})
}

// AddRoles sends a role add (ENTRA-FLOW-19).
func (c *Client) AddRoles(ctx context.Context, userID string, roles []Role) (*Result, error) {
	if err := needID("user", userID); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.AddRoles(userID, roles))
}

// ReplaceRoles sends a role-set replace (ENTRA-FLOW-19).
func (c *Client) ReplaceRoles(ctx context.Context, userID string, roles []Role) (*Result, error) {
	if err := needID("user", userID); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchUser, c.build.ReplaceRoles(userID, roles))
}
