package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// call is one authenticated SCIM request.
type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	acct store.Account
	base string      // tenant URL
	q    queryParams // parsed once
}

func (c *call) fail(err error) { c.s.writeError(c.w, c.r, err) }

func notFound(format string, args ...any) error {
	return protocol.Errorf(http.StatusNotFound, "", format, args...)
}

// methodNotAllowed answers 405 with the Allow header.
func (c *call) methodNotAllowed(allow ...string) {
	c.w.Header().Set("Allow", strings.Join(allow, ", "))
	c.fail(protocol.Errorf(http.StatusMethodNotAllowed, "", "method %s is not allowed on %s; allowed: %s",
		c.r.Method, tenant.From(c.r.Context()).Path, strings.Join(allow, ", ")))
}

// serveSCIM dispatches a request below the tenant URL.
func (s *Server) serveSCIM(w http.ResponseWriter, r *http.Request) {
	info := tenant.From(r.Context())
	acct, err := s.st.Account(r.Context(), info.AccountID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c := &call{s: s, w: w, r: r, acct: acct, base: TenantURL(r, acct.ID), q: parseQuery(r)}
	if oddPath(info.Path) {
		c.fail(notFound("no SCIM endpoint %s: a path with an empty, \".\" or \"..\" segment names nothing", info.Path))
		return
	}
	var buf [4]string
	segs := segments(info.Path, buf[:0])
	if len(segs) == 0 {
		c.fail(notFound("nothing at the tenant URL itself; use /Users, /Groups, /ServiceProviderConfig, /ResourceTypes or /Schemas"))
		return
	}
	// The projection is bounded before anything is looked up or written.
	if err := c.q.checkProjection(); err != nil {
		c.fail(err)
		return
	}
	rest := segs[1:]
	switch first := segs[0]; {
	case strings.EqualFold(first, "Users"):
		c.collection(userKind, rest)
	case strings.EqualFold(first, "Groups"):
		if !acct.Settings.Groups {
			c.fail(notFound("groups are turned off for this account (account setting groups=false)"))
			return
		}
		c.collection(groupKind, rest)
	case first == ".search" && len(rest) == 0:
		if r.Method != http.MethodPost {
			c.methodNotAllowed(http.MethodPost)
			return
		}
		c.search(nil)
	case strings.EqualFold(first, "ServiceProviderConfig") && len(rest) == 0:
		c.discovery(c.serviceProviderConfig)
	case strings.EqualFold(first, "ResourceTypes") && len(rest) <= 1:
		c.discovery(func() ([]byte, error) { return c.resourceTypes(rest) })
	case strings.EqualFold(first, "Schemas") && len(rest) <= 1:
		c.discovery(func() ([]byte, error) { return c.schemas(rest) })
	default:
		c.fail(notFound("no SCIM endpoint %s", info.Path))
	}
}

func (c *call) discovery(render func() ([]byte, error)) {
	if c.r.Method != http.MethodGet {
		c.methodNotAllowed(http.MethodGet)
		return
	}
	b, err := render()
	if err != nil {
		c.fail(err)
		return
	}
	writeJSON(c.w, http.StatusOK, b)
}

// collection serves /Users and /Groups and what lies below them.
func (c *call) collection(k *kind, rest []string) {
	m := c.r.Method
	switch {
	case len(rest) == 0:
		switch m {
		case http.MethodGet:
			p, err := listParamsFromQuery(&c.q)
			if err != nil {
				c.fail(err)
				return
			}
			c.list(k, p)
		case http.MethodPost:
			c.create(k)
		default:
			c.methodNotAllowed(http.MethodGet, http.MethodPost)
		}
	case len(rest) == 1 && rest[0] == ".search":
		if m != http.MethodPost {
			c.methodNotAllowed(http.MethodPost)
			return
		}
		c.search(k)
	case len(rest) == 1:
		id := rest[0]
		switch m {
		case http.MethodGet:
			c.get(k, id)
		case http.MethodPut:
			c.replace(k, id)
		case http.MethodPatch:
			c.patch(k, id)
		case http.MethodDelete:
			c.delete(k, id)
		default:
			c.methodNotAllowed(http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete)
		}
	default:
		c.fail(notFound("no SCIM endpoint %s", tenant.From(c.r.Context()).Path))
	}
}

// listParams are the query parameters of a list or search (RFC-04).
type listParams struct {
	filter            string
	startIndex, count int
	attrs, excluded   []string
	sortBy, sortOrder string
}

// DefaultCount and MaxCount bound a page (RFC 7644 §3.4.2.4 lets the
// server pick both); /ServiceProviderConfig announces MaxCount.
const (
	DefaultCount = 100
	MaxCount     = 1000
)

func listParamsFromQuery(q *queryParams) (listParams, error) {
	p := listParams{startIndex: 1, count: DefaultCount}
	p.filter, _ = q.get("filter")
	p.attrs, p.excluded = q.projection()
	p.sortBy, _ = q.get("sortBy")
	p.sortOrder, _ = q.get("sortOrder")
	if v, ok := q.get("startIndex"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return p, protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidValue, "startIndex %q is not an integer", v)
		}
		p.startIndex = n
	}
	if v, ok := q.get("count"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return p, protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidValue, "count %q is not an integer", v)
		}
		p.count = n
	}
	p.clamp()
	return p, nil
}

// clamp applies RFC-04: startIndex below 1 is 1, negative count is 0,
// count is capped at MaxCount.
func (p *listParams) clamp() {
	p.startIndex = max(p.startIndex, 1)
	p.count = min(max(p.count, 0), MaxCount)
}

// project renders res for the answer.
func project(rt *schema.Resource, res resource.Resource, attrs, excluded []string) ([]byte, error) {
	b, err := resource.MarshalProjected(rt, res, attrs, excluded)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", rt.Name, err)
	}
	return b, nil
}
