package engine

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
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
			it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusFailure, mr.Outcome.Reason, nil)
			it.fail(mr, false)
			return nil
		}
		if id := mr.ID(); id != "" {
			obj.TargetID, obj.MatchedBy, obj.Exported, obj.Status = id, "displayName", res.Values, state.StatusActive
			it.exported = true
			it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
				"Matched the target group "+id+" by displayName.", map[string]string{"matchedBy": "displayName", "targetId": id})
			it.rec.Target(provlog.Identity{ID: id, DisplayName: dn, IdentityType: provlog.IdentityTargetGroup})
			return r.skipProcessing(it, "The target group is already in sync with the source.")
		}
		it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
			"No target group matched; the group will be created.", nil)
		if !m.Actions.Create {
			return r.skipProcessing(it, "Create is not a target object action of the group mapping (ENTRA-DEPROV-08).")
		}
		it.action = provlog.ActionCreate
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingAdd, provlog.StatusSuccess,
			"Determined that the group must be created in the target.", nil)
		cr, err := c.CreateGroup(ctx, ext, dn)
		it.count(cr)
		if err != nil {
			return fmt.Errorf("cycle: create group %s: %w", it.key.SourceID, err)
		}
		for _, p := range sortedKeys(res.Values) {
			it.rec.Modified(p, nil, str(res.Values[p]))
		}
		if !cr.Outcome.Success {
			it.rec.Step(provlog.StepExport, provlog.NameExportAdd, provlog.StatusFailure, cr.Outcome.Reason, nil)
			it.fail(cr, false)
			return nil
		}
		obj.TargetID, obj.MatchedBy, obj.Exported, obj.Status = cr.ID(), "created", res.Values, state.StatusActive
		it.created, it.exported = true, true
		it.rec.Target(provlog.Identity{ID: obj.TargetID, DisplayName: dn, IdentityType: provlog.IdentityTargetGroup})
		it.rec.Step(provlog.StepExport, provlog.NameExportAdd, provlog.StatusSuccess,
			"Created the group in the target with id "+obj.TargetID+".", map[string]string{"targetId": obj.TargetID})
		return nil
	}
	it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
		"The group is linked to target group "+obj.TargetID+".", map[string]string{"targetId": obj.TargetID})
	it.rec.Target(provlog.Identity{ID: obj.TargetID, DisplayName: dn, IdentityType: provlog.IdentityTargetGroup})
	if !m.Actions.Update {
		return r.skipProcessing(it, "Update is not a target object action of the group mapping (ENTRA-DEPROV-08).")
	}
	old, _ := obj.Exported["displayName"].(string)
	if r.kind == KindIncremental && old == dn {
		it.exported = true
		return r.skipProcessing(it, "The target group is already in sync with the source.")
	}
	got, err := c.GetGroup(ctx, obj.TargetID)
	it.count(got)
	if err != nil {
		return fmt.Errorf("cycle: get group %s: %w", it.key.SourceID, err)
	}
	if !got.Outcome.Success {
		it.rec.Step(provlog.StepExport, provlog.NameExportUpdate, provlog.StatusFailure, got.Outcome.Reason, nil)
		it.fail(got, false)
		return nil
	}
	cur, err := scim.ReadAttributes(got.Parsed.Resources[0], []string{"displayName"})
	if err != nil {
		return fmt.Errorf("cycle: read group %s: %w", it.key.SourceID, err)
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
		it.rec.Step(provlog.StepExport, provlog.NameExportUpdate, provlog.StatusFailure, rn.Outcome.Reason, nil)
		it.fail(rn, false)
		return nil
	}
	obj.Exported = res.Values
	it.action = provlog.ActionUpdate
	it.rec.Step(provlog.StepExport, provlog.NameExportUpdate, provlog.StatusSuccess, "Renamed the target group.", nil)
	return nil
}
