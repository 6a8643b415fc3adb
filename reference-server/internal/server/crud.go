package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/patch"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// readOnlyTeams is the answer to a write on /Groups while teams are derived
// from department (GTM-06).
func readOnlyTeams() error {
	return protocol.NewError(http.StatusMethodNotAllowed, "",
		"teams are derived from the users' department (account setting teamsFromDepartment); /Groups is read-only")
}

// load reads one resource with id and meta, from tx when given.
func (c *call) load(ctx context.Context, r store.Reader, k *kind, id string) (resource.Resource, int64, error) {
	return c.loadAs(ctx, r, k, id, true)
}

// loadAs is load, leaving meta out unless withMeta.
func (c *call) loadAs(ctx context.Context, r store.Reader, k *kind, id string, withMeta bool) (resource.Resource, int64, error) {
	if k == userKind {
		u, err := r.User(ctx, c.acct.ID, id)
		if err != nil {
			return nil, 0, c.missing(k, id, err)
		}
		if !withMeta {
			res, err := c.userDoc(u)
			return res, u.Version, err
		}
		res, err := c.userResource(u)
		return res, u.Version, err
	}
	g, err := r.Group(ctx, c.acct.ID, id, c.teams())
	if err != nil {
		return nil, 0, c.missing(k, id, err)
	}
	if !withMeta {
		res, err := c.groupDoc(g)
		return res, g.Version, err
	}
	res, err := c.groupResource(g)
	return res, g.Version, err
}

func (c *call) missing(k *kind, id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound("Resource %s not found in /%s", id, k.endpoint)
	}
	return err
}

// respond answers one resource, projected by the query's attributes.
func (c *call) respond(k *kind, status int, res resource.Resource, version int64) {
	attrs, excluded := c.q.projection()
	if wants(attrs, excluded, k.derived) {
		if err := c.enrich(k, res); err != nil {
			c.fail(err)
			return
		}
	}
	b, err := project(k.rt, res, attrs, excluded)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Header().Set("ETag", etag(version))
	if status == http.StatusCreated {
		c.w.Header().Set("Location", c.base+"/"+k.endpoint+"/"+res["id"].(string))
	}
	writeJSON(c.w, status, b)
}

func (c *call) get(k *kind, id string) {
	res, version, err := c.load(c.r.Context(), c.s.st, k, id)
	if err != nil {
		c.fail(err)
		return
	}
	if h := c.r.Header.Get("If-None-Match"); h != "" && etagMatches(h, etag(version)) {
		c.w.Header().Set("ETag", etag(version))
		c.w.WriteHeader(http.StatusNotModified)
		return
	}
	c.respond(k, http.StatusOK, res, version)
}

// write runs fn in a store transaction and answers with the resource it
// left at id (status 201/200), or 204 when noContent.
func (c *call) write(k *kind, id string, status int, fn func(ctx context.Context, tx store.Tx) error) {
	ctx := c.r.Context()
	var res resource.Resource
	var version int64
	// A user answered in full is rendered by splicing its stored document
	// (as in a list), which spares decoding the document just written.
	attrs, excluded := c.q.projection()
	var spliced *store.User
	err := c.s.st.Update(ctx, func(tx store.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		if status == http.StatusNoContent {
			return nil
		}
		if k == userKind && len(attrs) == 0 && len(excluded) == 0 {
			u, err := tx.User(ctx, c.acct.ID, id)
			if err != nil {
				return c.missing(k, id, err)
			}
			spliced = u
			return nil
		}
		var err error
		res, version, err = c.load(ctx, tx, k, id)
		return err
	})
	if err != nil {
		c.fail(err)
		return
	}
	if status == http.StatusNoContent {
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	if spliced != nil {
		c.respondSpliced(status, spliced)
		return
	}
	c.respond(k, status, res, version)
}

// respondSpliced answers the full representation of a user: the same
// bytes as respond (renderUser equals Project + Marshal).
func (c *call) respondSpliced(status int, u *store.User) {
	groups, err := c.userGroups(u.ID)
	if err != nil {
		c.fail(err)
		return
	}
	b, err := renderStoredUser(c.base, u, groups)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Header().Set("ETag", etag(u.Version))
	if status == http.StatusCreated {
		c.w.Header().Set("Location", c.base+"/"+userKind.endpoint+"/"+u.ID)
	}
	writeJSON(c.w, status, b)
}

// writableBody reads and normalises the body of a POST or PUT, answering
// the error itself (teams derived from department are read-only).
func (c *call) writableBody(k *kind) (resource.Resource, bool) {
	if k == groupKind && c.teams() {
		c.fail(readOnlyTeams())
		return nil, false
	}
	b, err := c.body()
	if err != nil {
		c.fail(err)
		return nil, false
	}
	res, err := resource.Normalize(k.rt, b)
	if err != nil {
		c.fail(err)
		return nil, false
	}
	return res, true
}

func (c *call) create(k *kind) {
	res, ok := c.writableBody(k)
	if !ok {
		return
	}
	id := auth.NewID()
	c.write(k, id, http.StatusCreated, func(ctx context.Context, tx store.Tx) error {
		return c.put(ctx, tx, k, id, res, true)
	})
}

// put stores res at id; for groups it sets the members the body listed
// (only when it has a members attribute, or on create).
func (c *call) put(ctx context.Context, tx store.Tx, k *kind, id string, res resource.Resource, isNew bool) error {
	if k == userKind {
		u, err := userRecord(id, res)
		if err != nil {
			return err
		}
		oldDept := ""
		if !isNew {
			old, err := tx.User(ctx, c.acct.ID, id)
			if err != nil {
				return c.missing(k, id, err)
			}
			oldDept = old.Department
		}
		if err := tx.PutUser(ctx, c.acct.ID, u); err != nil {
			return err
		}
		if c.teams() {
			return c.s.syncTeam(ctx, tx, c.acct.ID, id, oldDept, u.Department)
		}
		return nil
	}
	g, members, err := groupRecord(id, res)
	if err != nil {
		return err
	}
	if err := tx.PutGroup(ctx, c.acct.ID, g); err != nil {
		return err
	}
	if _, has := res["members"]; has || isNew {
		return c.setMembers(ctx, tx, id, members)
	}
	return nil
}

// setMembers makes the group's members exactly ids.
func (c *call) setMembers(ctx context.Context, tx store.Tx, groupID string, ids []string) error {
	cur, err := tx.Members(ctx, c.acct.ID, groupID)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, m := range cur {
		if !want[m.UserID] {
			if _, err := tx.RemoveMember(ctx, c.acct.ID, groupID, m.UserID); err != nil {
				return err
			}
		}
	}
	return c.addMembers(ctx, tx, groupID, ids)
}

// addMembers adds users to a group; an id that is not a user of the account
// is 400 invalidValue (Entra logs it as a reference failure, FLOW-16).
func (c *call) addMembers(ctx context.Context, tx store.Tx, groupID string, ids []string) error {
	for _, id := range ids {
		if _, err := tx.User(ctx, c.acct.ID, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidValue,
					"member %q is not a user of this account; members must be user ids", id)
			}
			return err
		}
		if _, err := tx.AddMember(ctx, c.acct.ID, groupID, id); err != nil {
			return err
		}
	}
	return nil
}

// replace serves PUT (RFC 7644 §3.5.1).
func (c *call) replace(k *kind, id string) {
	res, ok := c.writableBody(k)
	if !ok {
		return
	}
	c.write(k, id, http.StatusOK, func(ctx context.Context, tx store.Tx) error {
		_, version, err := c.load(ctx, tx, k, id)
		if err != nil {
			return err
		}
		if err := checkIfMatch(c.r, version); err != nil {
			return err
		}
		return c.put(ctx, tx, k, id, res, false)
	})
}

// patch serves PATCH: users answer 200 with the resource, groups 204
// (ENTRA-PATCH-10).
func (c *call) patch(k *kind, id string) {
	if k == groupKind && c.teams() {
		c.fail(readOnlyTeams())
		return
	}
	b, err := c.body()
	if err != nil {
		c.fail(err)
		return
	}
	ops, err := patch.DecodeRequest(b)
	if err != nil {
		c.fail(protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidSyntax, "the body is not a PatchOp message: %v", err))
		return
	}
	if len(ops) == 0 {
		c.fail(protocol.NewError(http.StatusBadRequest, protocol.ScimTypeInvalidValue, `the PatchOp message has no "Operations"`))
		return
	}
	status := http.StatusOK
	if k == groupKind {
		status = http.StatusNoContent
	}
	c.write(k, id, status, func(ctx context.Context, tx store.Tx) error {
		cur, version, err := c.loadAs(ctx, tx, k, id, false) // meta is not patched
		if err != nil {
			return err
		}
		if err := checkIfMatch(c.r, version); err != nil {
			return err
		}
		delete(cur, "meta")
		if k == userKind {
			out, err := patch.ApplyOperations(k.rt, cur, ops)
			if err != nil {
				return err
			}
			return c.put(ctx, tx, k, id, out.Resource, false)
		}
		ms, err := c.currentMembers(ctx, tx, id, ops)
		if err != nil {
			return err
		}
		cur["members"] = membersJSON(c.base, ms)
		result, err := patch.ApplyOperations(k.rt, cur, ops)
		if err != nil {
			return err
		}
		g, _, err := groupRecord(id, result.Resource)
		if err != nil {
			return err
		}
		for _, uid := range result.MembersRemoved {
			if _, err := tx.RemoveMember(ctx, c.acct.ID, id, uid); err != nil {
				return err
			}
		}
		if err := c.addMembers(ctx, tx, id, result.MembersAdded); err != nil {
			return err
		}
		return tx.PutGroup(ctx, c.acct.ID, g)
	})
}

// delete serves DELETE: 204, then 404 (RFC-07), or a deactivation when the
// account says so (GTM-08).
func (c *call) delete(k *kind, id string) {
	if k == groupKind && c.teams() {
		c.fail(readOnlyTeams())
		return
	}
	c.write(k, id, http.StatusNoContent, func(ctx context.Context, tx store.Tx) error {
		cur, version, err := c.load(ctx, tx, k, id)
		if err != nil {
			return err
		}
		if err := checkIfMatch(c.r, version); err != nil {
			return err
		}
		if k == groupKind {
			return tx.DeleteGroup(ctx, c.acct.ID, id)
		}
		if c.acct.Settings.DeleteDeactivates {
			cur["active"] = false
			return c.put(ctx, tx, k, id, cur, false)
		}
		old, err := tx.User(ctx, c.acct.ID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, c.acct.ID, id); err != nil {
			return err
		}
		if c.teams() {
			return c.s.syncTeam(ctx, tx, c.acct.ID, id, old.Department, "")
		}
		return nil
	})
}
