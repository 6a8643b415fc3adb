package engine

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// exportGroup is Entra's flow for one group (FLOW-12..15): import and
// scoping steps, then match an unlinked group by displayName, create it
// when nothing matched, else rename the linked group if its name changed.
// Its members follow in the reference phase.
func (r *run) exportGroup(ctx context.Context, it *item) error {
	defer r.tick(1)
	if err := it.obj.Decode(ctx); err != nil {
		return err
	}
	linked := it.obj.Linked()
	r.begin(it, provlog.ActionUpdate)
	r.importSteps(it, linked)
	res, err := mapping.EvaluateGroup(&r.e.cfg.Groups, it.group, !linked, r.env)
	if err != nil {
		return r.evalFailed(it, err)
	}
	// The members phase reads the group's members from the source group
	// itself: the mapping's references are not kept (issue 16).
	dn, _ := res.Values["displayName"].(string)
	if linked {
		it.logLinked()
		it.rec.Target(it.target(it.obj.TargetID, dn))
		return r.updateGroup(ctx, it, res.Values, dn)
	}
	found, done, err := r.matchGroup(ctx, it, res.Values, dn)
	switch {
	case done:
		return err
	case !found:
		return r.createGroup(ctx, it, res.Values, dn)
	}
	// A group matched by displayName already has its only mapped value.
	it.logMatched()
	it.rec.Target(it.target(it.obj.TargetID, dn))
	return r.skipProcessing(it, "The target group is already in sync with the source.")
}

// matchGroup looks an unlinked group up in the target by displayName and
// links it to the group found. done means the export ended here, logged,
// with err the call's error if any.
func (r *run) matchGroup(ctx context.Context, it *item, values map[string]any, dn string) (found, done bool, err error) {
	mr, err := r.e.opt.Client.MatchGroup(ctx, dn)
	it.count(mr)
	if err != nil {
		return false, true, fmt.Errorf("cycle: match group %s: %w", it.key().SourceID, err)
	}
	if !mr.Outcome.Success {
		return false, true, it.failStep(provlog.StepMatching, provlog.NameMatching, mr)
	}
	id := mr.ID()
	if id == "" {
		return false, false, nil
	}
	obj := it.obj
	obj.TargetID, obj.MatchedBy, obj.Exported, obj.Status = r.strs.keep(id), "displayName", values, state.StatusActive
	it.exported = true
	return true, false, nil
}

// createGroup creates an unmatched group, unless Create is off
// (ENTRA-DEPROV-08).
func (r *run) createGroup(ctx context.Context, it *item, values map[string]any, dn string) error {
	if !r.e.cfg.Groups.Actions.Create {
		r.noMatch(it)
		return r.skipProcessing(it, "Create is not a target object action of the group mapping (ENTRA-DEPROV-08).")
	}
	r.willCreate(it)
	ext, _ := values["externalId"].(string)
	cr, err := r.e.opt.Client.CreateGroup(ctx, ext, dn)
	return r.recordCreate(it, cr, err, values, dn)
}

// updateGroup renames the linked target group when its displayName
// differs; nothing is sent when Update is off, when the name did not
// change since this incremental cycle's last export, or when the target
// already has it.
func (r *run) updateGroup(ctx context.Context, it *item, values map[string]any, dn string) error {
	obj := it.obj
	if !r.e.cfg.Groups.Actions.Update {
		return r.skipProcessing(it, "Update is not a target object action of the group mapping (ENTRA-DEPROV-08).")
	}
	old, _ := obj.Exported["displayName"].(string)
	if r.kind == KindIncremental && old == dn {
		it.exported = true
		return r.skipProcessing(it, "The target group is already in sync with the source.")
	}
	cur, ok, err := r.readTarget(ctx, it, []string{"displayName"})
	if !ok {
		return err
	}
	it.exported = true
	if cur["displayName"] == dn {
		obj.Exported = values
		return r.skipProcessing(it, "The target group is already in sync with the source.")
	}
	rn, err := r.e.opt.Client.RenameGroup(ctx, obj.TargetID, dn)
	it.count(rn)
	if err != nil {
		return fmt.Errorf("cycle: rename group %s: %w", it.key().SourceID, err)
	}
	it.rec.Modified("displayName", str(cur["displayName"]), str(dn))
	if !rn.Outcome.Success {
		it.exported = false
		return it.failStep(provlog.StepExport, provlog.NameExportUpdate, rn)
	}
	obj.Exported = values
	it.action = provlog.ActionUpdate
	r.logExported(it, provlog.NameExportUpdate, "updated", nil)
	return nil
}
