package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// kind is a resource type served by the tenant routes.
type kind struct {
	rt       *schema.Resource
	endpoint string // path segment: "Users", "Groups"
	derived  string // attribute computed from membership: "groups", "members"
}

var (
	userKind  = &kind{rt: schema.User(), endpoint: "Users", derived: "groups"}
	groupKind = &kind{rt: schema.Group(), endpoint: "Groups", derived: "members"}
)

// teams reports whether groups are the department teams (GTM-06).
func (c *call) teams() bool { return c.acct.Settings.TeamsFromDepartment }

// item is a resource found by a query, with its kind.
type item struct {
	k   *kind
	res resource.Resource // nil until needed (see full)
	u   *store.User       // the stored user, for renderUser
	// noMeta marks a user resource decoded without meta, for a filter
	// that does not read it; addMeta completes it once it matched.
	noMeta bool
}

// full decodes the item's resource if that has not happened yet.
func (c *call) full(it *item) error { return c.fullAs(it, true) }

// fullAs is full, leaving a user's meta out unless withMeta.
func (c *call) fullAs(it *item, withMeta bool) error {
	if it.res != nil {
		return nil
	}
	if !withMeta {
		res, err := c.userDoc(it.u)
		it.res, it.noMeta = res, err == nil
		return err
	}
	res, err := c.userResource(it.u)
	it.res = res
	return err
}

// addMeta gives a resource decoded without meta its meta, as full would
// have.
func (c *call) addMeta(it *item) {
	if it.noMeta {
		u := it.u
		it.res["meta"] = metaOf("User", c.base+"/Users/"+u.ID, u.Created, u.LastModified, u.Version)
		it.noMeta = false
	}
}

func (it item) id() string {
	if it.u != nil {
		return it.u.ID
	}
	s, _ := it.res["id"].(string)
	return s
}

// exactIndex reports whether the index answer for expr is exactly the set
// of matches, so that Match is not needed: a lone `eq` with a string on id,
// userName or externalId, whose index compares as Match does (id and
// externalId case-exact, userName lower-cased on both sides).
func exactIndex(expr filter.Expression, attr string) bool {
	ae, ok := expr.(*filter.AttributeExpression)
	if !ok || ae.Operator != filter.EQ || ae.AttributePath.SubAttribute != nil || ae.AttributePath.URIPrefix != nil {
		return false
	}
	if _, isStr := ae.CompareValue.(string); !isStr {
		return false
	}
	switch attr {
	case query.IndexID, query.IndexUserName, query.IndexExternalID:
		return true
	}
	return false
}

// enrich adds the membership-derived attribute (user groups, group
// members) to res.
func (c *call) enrich(k *kind, res resource.Resource) error {
	id, _ := res["id"].(string)
	if k == userKind {
		gs, err := c.userGroups(id)
		if err != nil {
			return err
		}
		if gs != nil {
			res["groups"] = gs
		}
		return nil
	}
	ms, err := c.s.st.Members(c.r.Context(), c.acct.ID, id)
	if err != nil {
		return err
	}
	res["members"] = membersJSON(c.base, ms)
	return nil
}

// userGroups is a user's groups attribute, nil when it has none (or
// groups are off for the account).
func (c *call) userGroups(id string) ([]any, error) {
	if !c.acct.Settings.Groups {
		return nil, nil
	}
	refs, err := c.s.st.GroupsOf(c.r.Context(), c.acct.ID, id, c.teams())
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	gs := make([]any, 0, len(refs))
	for _, g := range refs {
		gs = append(gs, map[string]any{"value": g.ID, "display": g.DisplayName, "$ref": c.base + "/Groups/" + g.ID, "type": "direct"})
	}
	return gs, nil
}

func membersJSON(base string, ms []store.Member) []any {
	out := make([]any, 0, len(ms))
	for _, m := range ms {
		e := map[string]any{"value": m.UserID, "$ref": base + "/Users/" + m.UserID, "type": "User"}
		if m.DisplayName != "" {
			e["display"] = m.DisplayName
		}
		out = append(out, e)
	}
	return out
}

// userField maps an indexed filter attribute to the store's index.
var userField = map[string]store.UserField{
	query.IndexID: store.UserByID, query.IndexUserName: store.UserByUserName,
	query.IndexExternalID: store.UserByExternalID, query.IndexManager: store.UserByManager,
	query.IndexWorkEmail: store.UserByWorkEmail,
}

var groupField = map[string]store.GroupField{
	query.IndexID: store.GroupByID, query.IndexDisplayName: store.GroupByDisplayName,
	query.IndexExternalID: store.GroupByExternalID,
}

// candidates returns the resources that may match expr: those an index
// finds for its mandatory equality, else all of them. exact says they are
// exactly the matches (exactIndex); their resources are then not decoded.
func (c *call) candidates(k *kind, expr filter.Expression, withMeta bool) (items []item, exact bool, err error) {
	ctx, acct := c.r.Context(), c.acct.ID
	attr, value, indexed := "", "", false
	if expr != nil {
		attr, value, indexed = query.IndexLookup(expr)
	}
	var out []item
	if k == userKind {
		var us []*store.User
		f, ok := userField[attr]
		if indexed && ok {
			us, err = c.s.st.UsersBy(ctx, acct, f, value)
			exact = exactIndex(expr, attr)
		} else {
			us, _, err = c.s.st.Users(ctx, acct, store.Page{Limit: -1})
		}
		if err != nil {
			return nil, false, err
		}
		for _, u := range us {
			it := item{k: k, u: u}
			if !exact {
				if err := c.fullAs(&it, withMeta); err != nil {
					return nil, false, err
				}
			}
			out = append(out, it)
		}
		return out, exact, nil
	}
	var gs []*store.Group
	if f, ok := groupField[attr]; indexed && ok {
		gs, err = c.s.st.GroupsBy(ctx, acct, c.teams(), f, value)
	} else {
		gs, _, err = c.s.st.Groups(ctx, acct, c.teams(), store.Page{Limit: -1})
	}
	if err != nil {
		return nil, false, err
	}
	for _, g := range gs {
		res, err := c.groupResource(g)
		if err != nil {
			return nil, false, err
		}
		out = append(out, item{k: k, res: res})
	}
	return out, false, nil
}

// mentions reports whether the filter names attribute name, so that it
// must be computed before matching.
func mentions(filterText, name string) bool {
	if !isASCII(filterText) || !isASCII(name) {
		return strings.Contains(strings.ToLower(filterText), strings.ToLower(name))
	}
	// ASCII: the same answer without lower-cased copies.
	for i := 0; i+len(name) <= len(filterText); i++ {
		if strings.EqualFold(filterText[i:i+len(name)], name) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// matching returns the resources of kind k that match the filter (all when
// it is empty), sorted as asked.
func (c *call) matching(k *kind, p listParams, expr filter.Expression) ([]item, error) {
	// A user's meta is only made for the filter or the sort when they may
	// read it, else for the matches alone (Entra's manager check matches
	// nothing, FLOW-06).
	withMeta := mentions(p.filter, "meta") || mentions(p.sortBy, "meta")
	cands, exact, err := c.candidates(k, expr, withMeta)
	if err != nil {
		return nil, err
	}
	if exact && p.sortBy == "" {
		return cands, nil
	}
	early := expr != nil && mentions(p.filter, k.derived)
	var out []item
	for _, it := range cands {
		if err := c.fullAs(&it, withMeta); err != nil {
			return nil, err
		}
		if early {
			if err := c.enrich(k, it.res); err != nil {
				return nil, err
			}
		}
		// expr was validated once for the request (parseQueryFilter).
		if expr != nil && !query.MatchValidated(expr, it.res, k.rt) {
			continue
		}
		c.addMeta(&it)
		out = append(out, it)
	}
	if p.sortBy != "" {
		byID := make(map[string]item, len(out))
		rs := make([]resource.Resource, len(out))
		for i, it := range out {
			byID[it.id()] = it
			rs[i] = it.res
		}
		if err := query.Sort(k.rt, rs, p.sortBy, p.sortOrder); err != nil {
			return nil, err
		}
		for i, r := range rs {
			id, _ := r["id"].(string)
			out[i] = byID[id]
		}
	}
	return out, nil
}

// parseQueryFilter parses and validates a query's filter once, before any
// lookup, against every resource type the query searches, so that a bad
// filter is 400 whatever the account holds (`active gt true` is 400 on an
// empty account too). nil for no filter.
func parseQueryFilter(text string, kinds ...*kind) (filter.Expression, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	expr, err := parseFilter(text)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if err := query.Validate(expr, k.rt); err != nil {
			return nil, err
		}
	}
	return expr, nil
}

// list answers a query on one resource type (GET or POST .search).
func (c *call) list(k *kind, p listParams) {
	expr, err := parseQueryFilter(p.filter, k)
	if err != nil {
		c.fail(err)
		return
	}
	if expr == nil && p.sortBy == "" {
		c.listPage(k, p)
		return
	}
	items, err := c.matching(k, p, expr)
	if err != nil {
		c.fail(err)
		return
	}
	c.writeItems(p, items, len(items), true, expr != nil && mentions(p.filter, k.derived))
}

// listPage serves an unfiltered, unsorted listing straight from the
// store's pages.
func (c *call) listPage(k *kind, p listParams) {
	ctx, page := c.r.Context(), store.Page{Offset: p.startIndex - 1, Limit: p.count}
	var items []item
	var total int
	if k == userKind {
		us, n, err := c.s.st.Users(ctx, c.acct.ID, page)
		if err != nil {
			c.fail(err)
			return
		}
		total = n
		for _, u := range us {
			res, err := c.userResource(u)
			if err != nil {
				c.fail(err)
				return
			}
			items = append(items, item{k: k, res: res, u: u})
		}
	} else {
		gs, n, err := c.s.st.Groups(ctx, c.acct.ID, c.teams(), page)
		if err != nil {
			c.fail(err)
			return
		}
		total = n
		for _, g := range gs {
			res, err := c.groupResource(g)
			if err != nil {
				c.fail(err)
				return
			}
			items = append(items, item{k: k, res: res})
		}
	}
	c.writeItems(p, items, total, false, false)
}

// writeItems answers a ListResponse. When paged is true, items holds every
// match and the page is cut here; enriched says the derived attributes are
// already present.
func (c *call) writeItems(p listParams, items []item, total int, paged, enriched bool) {
	if paged {
		start := min(p.startIndex-1, len(items))
		items = items[start:min(start+p.count, len(items))]
	}
	// The answer is rendered into one buffer: what listResponse makes of
	// the resources rendered one by one, without those copies.
	size := 160
	for _, it := range items {
		if it.u != nil {
			size += len(it.u.Doc) + 400
		} else {
			size += 512
		}
	}
	out := appendListHead(make([]byte, 0, size), total, p.startIndex, len(items))
	for i, it := range items {
		if i > 0 {
			out = append(out, ',')
		}
		spliced := it.u != nil && len(p.attrs) == 0 && len(p.excluded) == 0
		if spliced && it.res == nil {
			// The splice needs only what the server adds.
			var groups []any
			if !enriched && wants(p.attrs, p.excluded, it.k.derived) {
				var err error
				if groups, err = c.userGroups(it.u.ID); err != nil {
					c.fail(err)
					return
				}
			}
			var err error
			if out, err = appendStoredUser(out, c.base, it.u, groups); err != nil {
				c.fail(err)
				return
			}
			continue
		}
		if it.res == nil {
			if err := c.full(&it); err != nil {
				c.fail(err)
				return
			}
		}
		if !enriched && wants(p.attrs, p.excluded, it.k.derived) {
			if err := c.enrich(it.k, it.res); err != nil {
				c.fail(err)
				return
			}
		}
		var b []byte
		var err error
		if spliced {
			b, err = renderUser(it.res, it.u.Doc)
		} else {
			b, err = project(it.k.rt, it.res, p.attrs, p.excluded)
		}
		if err != nil {
			c.fail(err)
			return
		}
		out = append(out, b...)
	}
	writeJSON(c.w, http.StatusOK, append(out, "]}"...))
}

// listResponse renders a ListResponse (RFC-03) around resources that are
// already JSON; writing it by hand spares encoding/json re-validating every
// resource.
func listResponse(total, startIndex int, raws []json.RawMessage) []byte {
	n := 160
	for _, r := range raws {
		n += len(r) + 1
	}
	b := appendListHead(make([]byte, 0, n), total, startIndex, len(raws))
	for i, r := range raws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r...)
	}
	return append(b, "]}"...)
}

// appendListHead appends a ListResponse up to the opening of its
// Resources array, for n resources.
func appendListHead(b []byte, total, startIndex, n int) []byte {
	b = append(b, `{"schemas":["`+protocol.ListResponseSchema+`"],"totalResults":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"startIndex":`...)
	b = strconv.AppendInt(b, int64(startIndex), 10)
	if n > 0 { // omitted when 0, as protocol.ListResponse does
		b = append(b, `,"itemsPerPage":`...)
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, `,"Resources":[`...)
}

// search serves POST /.search (k nil: every resource type) and
// POST /{Users,Groups}/.search (RFC 7644 §3.4.3).
func (c *call) search(k *kind) {
	b, err := c.body()
	if err != nil {
		c.fail(err)
		return
	}
	var req protocol.SearchRequest
	if err := json.Unmarshal(b, &req); err != nil {
		c.fail(protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidSyntax, "the body is not a SearchRequest: %v", err))
		return
	}
	p := listParams{filter: req.Filter, startIndex: req.StartIndex, count: DefaultCount,
		attrs: req.Attributes, excluded: req.ExcludedAttributes, sortBy: req.SortBy, sortOrder: req.SortOrder}
	if req.Count != nil {
		p.count = *req.Count
	}
	p.clamp()
	if err := checkProjection(p.attrs, p.excluded); err != nil {
		c.fail(err)
		return
	}
	if k != nil {
		c.list(k, p)
		return
	}
	kinds := []*kind{userKind}
	if c.acct.Settings.Groups {
		kinds = append(kinds, groupKind)
	}
	expr, err := parseQueryFilter(p.filter, kinds...)
	if err != nil {
		c.fail(err)
		return
	}
	var all []item
	for _, k := range kinds {
		items, err := c.matching(k, p, expr)
		if err != nil {
			c.fail(err)
			return
		}
		all = append(all, items...)
	}
	c.writeItems(p, all, len(all), true, false)
}
