package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// userServerAttr and groupServerAttr name what the server computes rather
// than stores, left out of a stored document.
func userServerAttr(k string) bool  { return k == "id" || k == "meta" || k == "groups" }
func groupServerAttr(k string) bool { return k == "id" || k == "meta" || k == "members" }

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// userRecord turns a normalised User into a store record, extracting the
// indexed values (userName, externalId, manager, department, work email).
func userRecord(id string, res resource.Resource) (*store.User, error) {
	u := &store.User{ID: id, UserName: str(res, "userName"), ExternalID: str(res, "externalId"),
		DisplayName: str(res, "displayName"), Active: true}
	if strings.TrimSpace(u.UserName) == "" {
		return nil, protocol.NewError(http.StatusBadRequest, protocol.ScimTypeInvalidValue, `attribute "userName" is required`)
	}
	if a, ok := res["active"].(bool); ok {
		u.Active = a
	}
	if ent, ok := res[protocol.EnterpriseUserSchema].(map[string]any); ok {
		u.Department = str(ent, "department")
		if m, ok := ent["manager"].(map[string]any); ok {
			u.ManagerID = str(m, "value")
		}
	}
	if emails, ok := res["emails"].([]any); ok {
		for _, e := range emails {
			if m, ok := e.(map[string]any); ok && strings.EqualFold(str(m, "type"), "work") {
				u.WorkEmail = str(m, "value")
				break
			}
		}
	}
	doc, err := resource.MarshalObject(res, userServerAttr)
	if err != nil {
		return nil, fmt.Errorf("encode user %s: %w", id, err)
	}
	u.Doc = doc
	return u, nil
}

// groupRecord turns a normalised Group into a store record and returns the
// member ids it carried (POST/PUT bodies may list members).
func groupRecord(id string, res resource.Resource) (*store.Group, []string, error) {
	members := memberIDs(res["members"])
	g := &store.Group{ID: id, DisplayName: str(res, "displayName"), ExternalID: str(res, "externalId")}
	if strings.TrimSpace(g.DisplayName) == "" {
		return nil, nil, protocol.NewError(http.StatusBadRequest, protocol.ScimTypeInvalidValue, `attribute "displayName" is required`)
	}
	doc, err := resource.MarshalObject(res, groupServerAttr)
	if err != nil {
		return nil, nil, fmt.Errorf("encode group %s: %w", id, err)
	}
	g.Doc = doc
	return g, members, nil
}

// memberIDs reads the values of a members array.
func memberIDs(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			if id := str(m, "value"); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}
