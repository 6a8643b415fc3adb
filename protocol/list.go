package protocol

import "encoding/json"

// ListResponse is the answer to every query (RFC 7644 §3.4.2, spec RFC-03).
// Resources stays raw so that each side decodes it into what it needs.
type ListResponse struct {
	Schemas      []string          `json:"schemas"`
	TotalResults int               `json:"totalResults"`
	StartIndex   int               `json:"startIndex,omitempty"`
	ItemsPerPage int               `json:"itemsPerPage,omitempty"`
	Resources    []json.RawMessage `json:"Resources"`
}

// NewListResponse builds a ListResponse; Resources is never null on the wire
// because Entra's own examples send "Resources":[] when nothing matched.
func NewListResponse(total, startIndex int, resources []json.RawMessage) *ListResponse {
	if resources == nil {
		resources = []json.RawMessage{}
	}
	return &ListResponse{
		Schemas:      []string{ListResponseSchema},
		TotalResults: total,
		StartIndex:   startIndex,
		ItemsPerPage: len(resources),
		Resources:    resources,
	}
}

// SearchRequest is the body of POST /.search (RFC 7644 §3.4.3).
type SearchRequest struct {
	Schemas            []string `json:"schemas"`
	Attributes         []string `json:"attributes,omitempty"`
	ExcludedAttributes []string `json:"excludedAttributes,omitempty"`
	Filter             string   `json:"filter,omitempty"`
	SortBy             string   `json:"sortBy,omitempty"`
	SortOrder          string   `json:"sortOrder,omitempty"`
	StartIndex         int      `json:"startIndex,omitempty"`
	Count              *int     `json:"count,omitempty"`
}
