package schema

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// schemaDoc is a Schema resource as /Schemas serves it (RFC 7643 §7).
type schemaDoc struct {
	Schemas     []string     `json:"schemas"`
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Attributes  []*Attribute `json:"attributes"`
	Meta        docMeta      `json:"meta"`
}

type docMeta struct {
	ResourceType string `json:"resourceType"`
	Location     string `json:"location"`
}

// resourceTypeDoc is a ResourceType resource (RFC 7643 §6).
type resourceTypeDoc struct {
	Schemas          []string       `json:"schemas"`
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Endpoint         string         `json:"endpoint"`
	Description      string         `json:"description,omitempty"`
	Schema           string         `json:"schema"`
	SchemaExtensions []extensionDoc `json:"schemaExtensions,omitempty"`
	Meta             docMeta        `json:"meta"`
}

type extensionDoc struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

// allSchemas lists every schema served, in /Schemas order.
func allSchemas() []*Schema { return []*Schema{userSchema, enterpriseSchema, groupSchema} }

func schemaResource(baseURL string, s *Schema) schemaDoc {
	attrs := make([]*Attribute, 0, len(s.Attributes))
	for _, a := range s.Attributes {
		if !a.Common {
			attrs = append(attrs, a)
		}
	}
	return schemaDoc{
		Schemas:     []string{protocol.SchemaSchema},
		ID:          s.ID,
		Name:        s.Name,
		Description: s.Description,
		Attributes:  attrs,
		Meta:        docMeta{ResourceType: "Schema", Location: strings.TrimRight(baseURL, "/") + "/Schemas/" + s.ID},
	}
}

func resourceTypeResource(baseURL string, r *Resource) resourceTypeDoc {
	d := resourceTypeDoc{
		Schemas:     []string{protocol.ResourceTypeSchema},
		ID:          r.Name,
		Name:        r.Name,
		Endpoint:    r.Endpoint,
		Description: r.Description,
		Schema:      r.Core.ID,
		Meta:        docMeta{ResourceType: "ResourceType", Location: strings.TrimRight(baseURL, "/") + "/ResourceTypes/" + r.Name},
	}
	for _, e := range r.Extensions {
		d.SchemaExtensions = append(d.SchemaExtensions, extensionDoc{Schema: e.Schema.ID, Required: e.Required})
	}
	return d
}

func marshalList(items []any) (*protocol.ListResponse, error) {
	raws := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, fmt.Errorf("marshal discovery resource: %w", err)
		}
		raws = append(raws, b)
	}
	return protocol.NewListResponse(len(raws), 1, raws), nil
}

// ListSchemas is the /Schemas answer (ENTRA-FLOW-02): a ListResponse of
// Schema resources with camelCase values and absent values omitted.
// baseURL is the tenant URL; it prefixes meta.location.
func ListSchemas(baseURL string) (*protocol.ListResponse, error) {
	var items []any
	for _, s := range allSchemas() {
		items = append(items, schemaResource(baseURL, s))
	}
	return marshalList(items)
}

// SchemaJSON is the /Schemas/{id} answer; ok is false for an unknown id.
// The id is matched case-insensitively.
func SchemaJSON(baseURL, id string) (b []byte, ok bool, err error) {
	for _, s := range allSchemas() {
		if strings.EqualFold(s.ID, id) {
			b, err := json.Marshal(schemaResource(baseURL, s))
			if err != nil {
				return nil, true, fmt.Errorf("marshal schema %s: %w", s.ID, err)
			}
			return b, true, nil
		}
	}
	return nil, false, nil
}

// ListResourceTypes is the /ResourceTypes answer: User (with the enterprise
// extension) and Group.
func ListResourceTypes(baseURL string) (*protocol.ListResponse, error) {
	return marshalList([]any{resourceTypeResource(baseURL, userType), resourceTypeResource(baseURL, groupType)})
}

// ResourceTypeJSON is the /ResourceTypes/{name} answer; ok is false for an
// unknown name ("User" and "Group", case-insensitive).
func ResourceTypeJSON(baseURL, name string) (b []byte, ok bool, err error) {
	r := ForName(name)
	if r == nil {
		return nil, false, nil
	}
	b, err = json.Marshal(resourceTypeResource(baseURL, r))
	if err != nil {
		return nil, true, fmt.Errorf("marshal resource type %s: %w", r.Name, err)
	}
	return b, true, nil
}
