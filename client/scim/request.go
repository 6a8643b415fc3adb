package scim

import (
	"net/url"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Request is one HTTP request as Entra builds it, relative to the tenant
// URL: Path is "/Users" or "/Users/{id}", Query the raw query string exactly
// as sent, Body nil when the request has none.
type Request struct {
	Flow   string
	Method string
	Path   string
	Query  string
	Body   []byte
}

// filterQuery renders `filter=<attr> eq "<value>"` the way Entra puts it on
// the wire: spaces as '+', quotes percent-encoded (ENTRA-HTTP-05, OBS O7).
func filterQuery(attr, value string) string {
	return "filter=" + queryEscape(FilterEq(attr, value))
}

// FilterEq is the filter expression `attr eq "value"`, quoted as a client
// must quote user data.
func FilterEq(attr, value string) string {
	return attr + " eq " + protocol.QuoteFilterValue(value)
}

// escapeID puts an id into a path segment.
func escapeID(id string) string {
	return url.PathEscape(strings.TrimSpace(id))
}

// queryEscape encodes a query value as Entra does: spaces as '+', quotes
// and brackets percent-encoded.
func queryEscape(s string) string { return url.QueryEscape(s) }
