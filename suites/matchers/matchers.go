package matchers

import (
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// HaveStatus succeeds when the status is one of codes.
func HaveStatus(codes ...int) types.GomegaMatcher {
	return &check{
		want: "status " + joinInts(codes, " or "),
		problem: func(r *exchange.Response) string {
			if slices.Contains(codes, r.Status) {
				return ""
			}
			return fmt.Sprintf("got %d", r.Status)
		},
	}
}

// HaveSCIMContentType succeeds when Content-Type is application/scim+json
// (parameters such as charset allowed), ENTRA-REQ-16.
func HaveSCIMContentType() types.GomegaMatcher {
	return &check{
		want: "Content-Type " + protocol.MediaType,
		problem: func(r *exchange.Response) string {
			ct := r.Header.Get("Content-Type")
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || mt != protocol.MediaType {
				return fmt.Sprintf("got %q", ct)
			}
			return ""
		},
	}
}

// BeSCIMError succeeds when the response has the given status and an RFC 7644
// Error body (Error schema, status as a string equal to the HTTP status); a
// non-empty scimType must match too.
func BeSCIMError(status int, scimType string) types.GomegaMatcher {
	want := fmt.Sprintf("a SCIM Error with status %d", status)
	if scimType != "" {
		want += fmt.Sprintf(" and scimType %q", scimType)
	}
	return &check{
		want: want,
		problem: func(r *exchange.Response) string {
			if r.Status != status {
				return fmt.Sprintf("the HTTP status is %d", r.Status)
			}
			var body struct {
				Schemas  []string        `json:"schemas"`
				Status   json.RawMessage `json:"status"`
				ScimType string          `json:"scimType"`
			}
			if err := json.Unmarshal(r.Body, &body); err != nil {
				return fmt.Sprintf("the body is not JSON (%v)", err)
			}
			if !slices.Contains(body.Schemas, protocol.ErrorSchema) {
				return fmt.Sprintf("schemas is %v, lacking %s", body.Schemas, protocol.ErrorSchema)
			}
			var s string
			if err := json.Unmarshal(body.Status, &s); err != nil {
				return fmt.Sprintf("status in the body is %s, not a string (RFC-01)", string(body.Status))
			}
			if s != strconv.Itoa(status) {
				return fmt.Sprintf("status in the body is %q", s)
			}
			if scimType != "" && body.ScimType != scimType {
				return fmt.Sprintf("scimType is %q", body.ScimType)
			}
			return ""
		},
	}
}

// BeListResponse succeeds on a 200 ListResponse (schema, totalResults, and
// Resources whenever totalResults > 0), RFC-03 / ENTRA-REQ-14.
func BeListResponse() types.GomegaMatcher {
	return &check{want: "200 with a ListResponse", problem: func(r *exchange.Response) string {
		_, p := listProblem(r)
		return p
	}}
}

// BeListResponseWith succeeds on a 200 ListResponse carrying exactly n
// resources, with totalResults at least n (it counts every match, not the page).
func BeListResponseWith(n int) types.GomegaMatcher {
	return &check{
		want: fmt.Sprintf("200 with a ListResponse of %d resource(s)", n),
		problem: func(r *exchange.Response) string {
			l, p := listProblem(r)
			if p != "" {
				return p
			}
			if len(l.Resources) != n {
				return fmt.Sprintf("it has %d resource(s)", len(l.Resources))
			}
			if l.TotalResults < n {
				return fmt.Sprintf("totalResults is %d, fewer than the %d resources returned", l.TotalResults, n)
			}
			return ""
		},
	}
}

func listProblem(r *exchange.Response) (*protocol.ListResponse, string) {
	if r.Status != 200 {
		return nil, fmt.Sprintf("got status %d", r.Status)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		return nil, fmt.Sprintf("the body is not a JSON object (%v)", err)
	}
	if _, ok := raw["totalResults"]; !ok {
		return nil, "totalResults is missing"
	}
	var l protocol.ListResponse
	if err := json.Unmarshal(r.Body, &l); err != nil {
		return nil, fmt.Sprintf("the body is not a ListResponse (%v)", err)
	}
	if !slices.Contains(l.Schemas, protocol.ListResponseSchema) {
		return nil, fmt.Sprintf("schemas is %v, lacking %s", l.Schemas, protocol.ListResponseSchema)
	}
	if l.TotalResults > 0 && l.Resources == nil {
		return nil, fmt.Sprintf("totalResults is %d but Resources is missing", l.TotalResults)
	}
	return &l, ""
}

// HaveResourceID succeeds when the body is a resource with a non-empty
// string id, ENTRA-REQ-11.
func HaveResourceID() types.GomegaMatcher {
	return &check{want: "a resource with a non-empty id", problem: func(r *exchange.Response) string {
		var body struct {
			ID any `json:"id"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return fmt.Sprintf("the body is not a JSON object (%v)", err)
		}
		if s, ok := body.ID.(string); !ok || s == "" {
			return fmt.Sprintf("id is %v", body.ID)
		}
		return ""
	}}
}

func joinInts(codes []int, sep string) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, sep)
}
