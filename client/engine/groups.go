package engine

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// exportGroup matches, creates or renames one group (FLOW-12..15); its
// members follow in the reference phase.
func (r *run) exportGroup(ctx context.Context, it *item) error {
	defer r.tick(1)
	if err := it.obj.Decode(ctx); err != nil {
		return err
	}
	c := r.e.opt.Client
	m := &r.e.cfg.Groups
	obj := it.obj
	linked := obj.Linked()
	r.begin(it, provlog.ActionUpdate)
	r.importSteps(it, linked)
	res, err := mapping.EvaluateGroup(m, it.group, !linked, r.env)
	if err != nil {
		return r.evalFailed(it, err)
	}
	it.refs = res.References
	dn, _ := res.Values["displayName"].(string)
	ext, _ := res.Values["externalId"].(string)
	if !linked {
		mr, err := c.MatchGroup(ctx, dn)
		it.count(mr)
		if err != nil {
			return fmt.Errorf("cycle: match group %s: %w", it.key.SourceID, err)
		}
		if !mr.Outcome.Success {
			return it.failStep(provlog.StepMatching, provlog.NameMatching, mr)
		}
		if id := mr.ID(); id != "" {
			obj.TargetID, obj.MatchedBy, obj.Exported, obj.Status = id, "displayName", res.Values, state.StatusActive
			it.exported = true
			it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
				"Matched the target group "+id+" by displayName.", map[string]string{"matchedBy": "displayName", "targetId": id})
			it.rec.Target(it.target(id, dn))
			return r.skipProcessing(it, "The target group is already in sync with the source.")
		}
		if !m.Actions.Create {
			r.noMatch(it)
			return r.skipProcessing(it, "Create is not a target object action of the group mapping (ENTRA-DEPROV-08).")
		}
		r.willCreate(it)
		cr, err := c.CreateGroup(ctx, ext, dn)
		return r.recordCreate(it, cr, err, res.Values, dn)
	}
	it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
		"The group is linked to target group "+obj.TargetID+".", map[string]string{"targetId": obj.TargetID})
	it.rec.Target(it.target(obj.TargetID, dn))
	if !m.Actions.Update {
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
		obj.Exported = res.Values
		return r.skipProcessing(it, "The target group is already in sync with the source.")
	}
	rn, err := c.RenameGroup(ctx, obj.TargetID, dn)
	it.count(rn)
	if err != nil {
		return fmt.Errorf("cycle: rename group %s: %w", it.key.SourceID, err)
	}
	it.rec.Modified("displayName", str(cur["displayName"]), str(dn))
	if !rn.Outcome.Success {
		it.exported = false
		return it.failStep(provlog.StepExport, provlog.NameExportUpdate, rn)
	}
	obj.Exported = res.Values
	it.action = provlog.ActionUpdate
	it.rec.Step(provlog.StepExport, provlog.NameExportUpdate, provlog.StatusSuccess, r.exportedText(it, "updated"),
		map[string]string{provlog.DetailReportableIdentifier: it.reportable(), "targetId": obj.TargetID})
	return nil
}
