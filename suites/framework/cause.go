package framework

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// Cause names what a failed or blocked spec comes down to when its last
// exchange went wrong (no answer, or a 4xx/5xx): method, path shape below the
// tenant URL and answer, e.g. "PATCH /Users/{id} → 405 Method Not Allowed" or
// "POST /Users → 400 Bad Request (invalidValue)". Rows with the same cause
// are grouped in the report. An assertion follows the request it judges, so
// the last exchange is the one the failure is about; when it was answered
// with 1xx-3xx the failure is about the answer's content and Cause returns ""
// (the message explains it). An error answer earlier in the spec may have
// been the one the spec asked for (a 409 on a duplicate), so it is not used.
func Cause(tenantURL string, xs []*exchange.Response) string {
	if len(xs) == 0 {
		return ""
	}
	return ExchangeCause(tenantURL, xs[len(xs)-1])
}

// ExchangeCause is the cause of one exchange, "" when it was answered below 400.
func ExchangeCause(tenantURL string, x *exchange.Response) string {
	if x == nil || x.Request == nil || (x.Status != 0 && x.Status < 400) {
		return ""
	}
	return fmt.Sprintf("%s %s%s → %s", x.Request.Method, pathShape(tenantURL, x.Request.URL), patchPaths(x.Request), answerShape(x))
}

// valueInFilter matches a quoted value inside a PATCH path's filter, which
// differs from request to request (members[value eq "<id>"]).
var valueInFilter = regexp.MustCompile(`"[^"]*"`)

// patchPaths names the attributes a PATCH operates on, " (manager)" or
// " (active, displayName)", so that two PATCHes refused for different
// reasons (a manager string, an active string) are different causes.
func patchPaths(r *exchange.Request) string {
	if r.Method != http.MethodPatch {
		return ""
	}
	var body struct {
		Operations []struct {
			Path string `json:"path"`
		} `json:"Operations"`
	}
	if json.Unmarshal(r.Body, &body) != nil || len(body.Operations) == 0 {
		return ""
	}
	var paths []string
	for _, op := range body.Operations {
		p := strings.TrimPrefix(op.Path, protocol.EnterpriseUserSchema+":")
		p = valueInFilter.ReplaceAllString(p, "…")
		if p == "" {
			p = "no path"
		}
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	return " (" + strings.Join(paths, ", ") + ")"
}

// pathShape strips the tenant URL and replaces resource ids by {id}, and
// keeps only the names of query parameters (?filter, ?excludedAttributes).
func pathShape(tenantURL, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	p := u.Path
	if base, err := url.Parse(tenantURL); err == nil {
		p = strings.TrimPrefix(p, strings.TrimRight(base.Path, "/"))
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 1; i < len(segs); i++ {
		if segs[i-1] == "Users" || segs[i-1] == "Groups" {
			segs[i] = "{id}"
		}
	}
	shape := "/" + strings.Join(segs, "/")
	var names []string
	for k := range u.Query() {
		if k == "filter" || k == "attributes" || k == "excludedAttributes" || k == "startIndex" || k == "count" {
			names = append(names, k)
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		shape += "?" + strings.Join(names, "&")
	}
	return shape
}

// answerShape is the status with its SCIM scimType, or why no answer came.
func answerShape(x *exchange.Response) string {
	if x.Status == 0 {
		return "no answer"
	}
	s := fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))
	var e struct {
		ScimType string `json:"scimType"`
	}
	if json.Unmarshal(x.Body, &e) == nil && e.ScimType != "" {
		s += " (" + e.ScimType + ")"
	}
	return s
}
