package server

import (
	"context"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/patch"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// referencedMembers returns the member ids a PATCH names when every
// operation is an add or remove of explicit members — the only group
// PATCHes Entra sends (ENTRA-FLOW-16/17) — so that the patch can run on
// those members instead of the whole group. ok is false for anything else
// (replace, remove of all members, other attributes, other filters), which
// then needs every member.
func referencedMembers(ops []patch.Operation) (ids []string, ok bool) {
	for i := range ops {
		op := &ops[i]
		kind := protocol.NormalizeOp(op.Op)
		if kind != protocol.OpAdd && kind != protocol.OpRemove {
			return nil, false
		}
		p, err := protocol.ParsePathCached(op.Path)
		if err != nil || !strings.EqualFold(p.AttributePath.AttributeName, "members") ||
			p.AttributePath.URIPrefix != nil || p.AttributePath.SubAttribute != nil || p.SubAttribute != nil {
			return nil, false
		}
		if p.ValueExpression != nil {
			ae, isAttr := p.ValueExpression.(*filter.AttributeExpression)
			if !isAttr {
				return nil, false
			}
			v, isStr := ae.CompareValue.(string)
			if kind != protocol.OpRemove || !isStr || ae.Operator != filter.EQ ||
				!strings.EqualFold(ae.AttributePath.AttributeName, "value") || ae.AttributePath.SubAttribute != nil || ae.AttributePath.URIPrefix != nil {
				return nil, false
			}
			ids = append(ids, v)
			continue
		}
		val, hasValue, err := op.Decoded()
		if err != nil || !hasValue {
			return nil, false // remove-all, or a value the patch package rejects
		}
		if ids, ok = appendValueIDs(ids, val); !ok {
			return nil, false // a value shape left to the patch package
		}
	}
	return ids, true
}

// currentMembers returns the members of a group the PATCH needs: the
// referenced ones that are members, or all of them.
func (c *call) currentMembers(ctx context.Context, tx store.Tx, groupID string, ops []patch.Operation) ([]store.Member, error) {
	ids, ok := referencedMembers(ops)
	if !ok {
		return tx.Members(ctx, c.acct.ID, groupID)
	}
	var out []store.Member
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		refs, err := tx.GroupsOf(ctx, c.acct.ID, id, false)
		if err != nil {
			return nil, err
		}
		for _, g := range refs {
			if g.ID == groupID {
				out = append(out, store.Member{UserID: id})
				break
			}
		}
	}
	return out, nil
}
