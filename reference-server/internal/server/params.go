package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
)

// queryParams are the query parameters the SCIM routes read, each matched
// by name in any case, with the first value given. Unknown parameters
// (aadOptscim062020) are simply never read (ENTRA-HTTP-01). Pairs are read
// as url.ParseQuery reads them: "+" and %XX decoded, raw quotes taken as
// they are (ENTRA-HTTP-05), a pair with a ';' or a bad escape ignored. It
// is a fixed struct, not a map, because the routes only ever read these.
type queryParams struct {
	val [len(paramNames)]string
	has [len(paramNames)]bool
}

// paramNames are the parameters the routes read, lower-cased.
var paramNames = [...]string{"filter", "attributes", "excludedattributes", "startindex", "count", "sortby", "sortorder"}

func parseQuery(r *http.Request) queryParams {
	var q queryParams
	raw := r.URL.RawQuery
	if strings.Count(raw, "&") >= 64 {
		// Long queries go through url.ParseQuery itself, which also
		// enforces its limit on the number of parameters.
		for k, v := range r.URL.Query() {
			if i := paramIndex(strings.ToLower(k)); i >= 0 && len(v) > 0 && !q.has[i] {
				q.val[i], q.has[i] = v[0], true
			}
		}
		return q
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(key)
		if err != nil {
			continue
		}
		i := paramIndex(key)
		if i < 0 || q.has[i] {
			continue
		}
		if value, err = url.QueryUnescape(value); err != nil {
			continue
		}
		q.val[i], q.has[i] = value, true
	}
	return q
}

// paramIndex is the index of name in paramNames, compared as
// strings.ToLower(name) would be, or -1. A name with non-ASCII letters
// never lower-cases to one of these ASCII names.
func paramIndex(name string) int {
	for i, p := range paramNames {
		if len(name) != len(p) {
			continue
		}
		j := 0
		for ; j < len(name); j++ {
			c := name[j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != p[j] {
				break
			}
		}
		if j == len(name) {
			return i
		}
	}
	return -1
}

func (q *queryParams) get(name string) (string, bool) {
	i := paramIndex(name)
	if i < 0 {
		return "", false
	}
	return q.val[i], q.has[i]
}

func (q *queryParams) projection() (attrs, excluded []string) {
	if v, ok := q.get("attributes"); ok {
		attrs = []string{v}
	}
	if v, ok := q.get("excludedAttributes"); ok {
		excluded = []string{v}
	}
	return attrs, excluded
}

// checkProjection bounds the attributes and excludedAttributes lists
// (query.MaxAttributeNames, MaxAttributeNameLength): 400 invalidValue,
// checked before anything is looked up or written.
func checkProjection(attrs, excluded []string) error {
	if err := query.CheckAttributeNames("attributes", attrs); err != nil {
		return err
	}
	return query.CheckAttributeNames("excludedAttributes", excluded)
}

// checkProjection is checkProjection for the query parameters, read as
// they are (no list to allocate on every request).
func (q *queryParams) checkProjection() error {
	if v, ok := q.get("attributes"); ok {
		if err := query.CheckAttributeList("attributes", v); err != nil {
			return err
		}
	}
	if v, ok := q.get("excludedAttributes"); ok {
		return query.CheckAttributeList("excludedAttributes", v)
	}
	return nil
}
