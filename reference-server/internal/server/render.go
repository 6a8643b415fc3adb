package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// etag is the weak entity tag of a stored version (RFC-08); meta.version
// carries the same string.
func etag(version int64) string {
	var buf [24]byte
	b := append(buf[:0], `W/"`...)
	b = strconv.AppendInt(b, version, 10)
	return string(append(b, '"'))
}

// etagMatches reports whether an If-Match / If-None-Match header value
// names the current tag ("*" names any). Weak and strong forms compare
// equal, as RFC 7232 weak comparison does.
func etagMatches(header, current string) bool {
	cur := strings.TrimPrefix(current, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == cur {
			return true
		}
	}
	return false
}

// checkIfMatch enforces If-Match on a write (never required, RFC-08).
func checkIfMatch(r *http.Request, version int64) error {
	h := r.Header.Get("If-Match")
	if h == "" || etagMatches(h, etag(version)) {
		return nil
	}
	return protocol.Errorf(http.StatusPreconditionFailed, "", "If-Match %s does not match the current version %s", h, etag(version))
}

// timeLayout is how meta.created and meta.lastModified are written.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func metaOf(resourceType, location string, created, modified time.Time, version int64) map[string]any {
	return map[string]any{
		"resourceType": resourceType,
		"created":      formatTime(created),
		"lastModified": formatTime(modified),
		"location":     location,
		"version":      etag(version),
	}
}

// decodeDoc reads a stored document; a failure means a corrupt store.
func decodeDoc(doc json.RawMessage, what string) (resource.Resource, error) {
	res, err := resource.Decode(doc)
	if err != nil {
		return nil, fmt.Errorf("stored %s is not a JSON object: %v", what, err.Error())
	}
	return res, nil
}

// userResource is a stored user with id and meta (no groups yet).
func (c *call) userResource(u *store.User) (resource.Resource, error) {
	res, err := c.userDoc(u)
	if err != nil {
		return nil, err
	}
	res["meta"] = metaOf("User", c.base+"/Users/"+u.ID, u.Created, u.LastModified, u.Version)
	return res, nil
}

// userDoc is a stored user with its id, without meta (what PATCH works on).
func (c *call) userDoc(u *store.User) (resource.Resource, error) {
	res, err := decodeDoc(u.Doc, "user "+u.ID)
	if err != nil {
		return nil, err
	}
	res["id"] = u.ID
	return res, nil
}

// groupResource is a stored group with id and meta (no members yet).
func (c *call) groupResource(g *store.Group) (resource.Resource, error) {
	res, err := c.groupDoc(g)
	if err != nil {
		return nil, err
	}
	res["meta"] = metaOf("Group", c.base+"/Groups/"+g.ID, g.Created, g.LastModified, g.Version)
	return res, nil
}

// groupDoc is a stored group with its id and display name, without meta.
func (c *call) groupDoc(g *store.Group) (resource.Resource, error) {
	res, err := decodeDoc(g.Doc, "group "+g.ID)
	if err != nil {
		return nil, err
	}
	res["id"] = g.ID
	res["displayName"] = g.DisplayName // derived teams are renamed by the server
	return res, nil
}

// splitNames splits attributes/excludedAttributes lists (comma-separated).
func splitNames(names []string) []string {
	var out []string
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// wants reports whether a response projected with attrs/excluded contains
// the top-level attribute name, so that costly derived attributes (groups,
// members) are only loaded when they are shown.
func wants(attrs, excluded []string, name string) bool {
	is := func(n string) bool {
		n = strings.ToLower(n)
		name := strings.ToLower(name)
		return n == name || strings.HasPrefix(n, name+".") || strings.HasSuffix(n, ":"+name) || strings.Contains(n, ":"+name+".")
	}
	attrs = splitNames(attrs)
	if len(attrs) > 0 {
		for _, a := range attrs {
			if is(a) {
				return true
			}
		}
		return false
	}
	for _, e := range splitNames(excluded) {
		if strings.EqualFold(e, name) || strings.HasSuffix(strings.ToLower(e), ":"+strings.ToLower(name)) {
			return false
		}
	}
	return true
}
