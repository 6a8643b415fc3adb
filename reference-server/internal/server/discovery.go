package server

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// serviceProviderConfig describes exactly what this server does
// (RFC 7643 §5, ENTRA-REQ-09).
func (c *call) serviceProviderConfig() ([]byte, error) {
	v := map[string]any{
		"schemas":          []string{protocol.ServiceProviderConfigSchema},
		"documentationUri": "https://github.com/quantive/entra-scim-harness/tree/main/reference-server",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": MaxCount},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": true},
		"etag":             map[string]any{"supported": true},
		"authenticationSchemes": []any{map[string]any{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
			"description": "A SCIM token of the account (admin API: POST /admin/accounts/{id}/tokens), sent as Authorization: Bearer <token>",
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": c.base + "/ServiceProviderConfig"},
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("render ServiceProviderConfig: %w", err)
	}
	return b, nil
}

// filterList keeps the discovery entries whose id keep accepts (the Group
// entries go when the account has groups turned off).
func filterList(lr *protocol.ListResponse, keep func(id string) bool) ([]byte, error) {
	out := lr.Resources[:0:0]
	for _, raw := range lr.Resources {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("read discovery entry: %w", err)
		}
		if keep(head.ID) {
			out = append(out, raw)
		}
	}
	b, err := json.Marshal(protocol.NewListResponse(len(out), 1, out))
	if err != nil {
		return nil, fmt.Errorf("render discovery list: %w", err)
	}
	return b, nil
}

func (c *call) resourceTypes(rest []string) ([]byte, error) {
	groupsOn := c.acct.Settings.Groups
	if len(rest) == 1 {
		if !groupsOn && strings.EqualFold(rest[0], "Group") {
			return nil, notFound("groups are turned off for this account")
		}
		b, ok, err := schema.ResourceTypeJSON(c.base, rest[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound("no resource type %q; there are User and Group", rest[0])
		}
		return b, nil
	}
	lr, err := schema.ListResourceTypes(c.base)
	if err != nil {
		return nil, err
	}
	return filterList(lr, func(id string) bool { return groupsOn || !strings.EqualFold(id, "Group") })
}

func (c *call) schemas(rest []string) ([]byte, error) {
	groupsOn := c.acct.Settings.Groups
	if len(rest) == 1 {
		if !groupsOn && strings.EqualFold(rest[0], protocol.GroupSchema) {
			return nil, notFound("groups are turned off for this account")
		}
		b, ok, err := schema.SchemaJSON(c.base, rest[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound("no schema %q", rest[0])
		}
		return b, nil
	}
	lr, err := schema.ListSchemas(c.base)
	if err != nil {
		return nil, err
	}
	return filterList(lr, func(id string) bool { return groupsOn || !strings.EqualFold(id, protocol.GroupSchema) })
}
