package engine

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

var reasonText = map[reason]string{
	reasonUnassigned:  "The user is no longer assigned to the application.",
	reasonOutOfScope:  "The object no longer passes the scoping filters.",
	reasonSoftDeleted: "The user was deleted in Entra ID (recycle bin).",
	reasonBlocked:     "The user's sign-in is blocked (accountEnabled=false).",
	reasonHardDeleted: "The user was permanently deleted in Entra ID.",
	reasonDeleted:     "The group was deleted in Entra ID.",
}

// deprovision sends the disables and deletes the plan decided
// (ENTRA-DEPROV-01..03, group deletes), after every export and reference;
// it also logs planned skips.
func (r *run) deprovision(ctx context.Context, it *item) error {
	switch it.op {
	case opSkip:
		if it.rec == nil {
			defer r.tick(1)
			r.begin(it, provlog.ActionOther)
			why := reasonText[it.reason]
			if it.reason == reasonNone || it.reason == reasonUnassigned {
				why = "The object is out of scope (not assigned, or filtered out by a scoping filter)."
			}
			switch {
			case r.onDemand && it.reason.removedInEntra():
				why = reasonText[it.reason] + " On-demand provisioning cannot disable or delete users disabled or deleted in Entra ID (ENTRA-CYCLE-08)."
			case it.obj.Linked():
				why += " The target object action for it is turned off (ENTRA-DEPROV-08)."
			}
			it.rec.Step(provlog.StepScoping, provlog.NameScoping, provlog.StatusSkipped, why, map[string]string{"reason": it.reason.String()})
			it.skip()
		}
		return nil
	case opFail:
		r.tick(1)
		return nil
	case opDisable, opDelete:
	default:
		return nil
	}
	defer r.tick(1)
	c := r.e.opt.Client
	obj := it.obj
	if err := r.loadUser(it); err != nil { // its name for the log
		return err
	}
	if err := obj.Decode(ctx); err != nil {
		return err
	}
	isGroup := it.key().Kind == state.KindGroup
	var res *scim.Result
	var err error
	if it.op == opDisable {
		r.begin(it, provlog.ActionDisable)
		it.rec.Step(provlog.StepImport, provlog.NameImportUpdate, provlog.StatusSuccess, reasonText[it.reason], map[string]string{"reason": it.reason.String()})
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingDelete, provlog.StatusSuccess,
			"IsSoftDeleted is true: the target user will be disabled (ENTRA-DEPROV-01).", nil)
		res, err = c.DisableUser(ctx, obj.TargetID)
	} else {
		r.begin(it, provlog.ActionDelete)
		it.rec.Step(provlog.StepImport, provlog.NameImportDelete, provlog.StatusSuccess, reasonText[it.reason], map[string]string{"reason": it.reason.String()})
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingDelete, provlog.StatusSuccess,
			"The target object will be deleted.", nil)
		if isGroup {
			res, err = c.DeleteGroup(ctx, obj.TargetID)
		} else {
			res, err = c.DeleteUser(ctx, obj.TargetID)
		}
	}
	it.count(res)
	if err != nil {
		return fmt.Errorf("cycle: deprovision %s %s: %w", it.key().Kind, it.key().SourceID, err)
	}
	it.rec.Target(it.target(obj.TargetID, obj.DisplayName))
	name := provlog.NameExportDelete
	if it.op == opDisable {
		name = provlog.NameExportDisable
	}
	if !res.Outcome.Success {
		return it.failStep(provlog.StepExport, name, res)
	}
	done := "deleted"
	if it.op == opDisable {
		done = "disabled"
	}
	r.logExported(it, name, done, nil)
	if it.op == opDisable {
		old := "True"
		if v, ok := obj.Exported["active"]; ok {
			old = *str(v)
		}
		f := "False"
		it.rec.Modified("active", &old, &f)
		if obj.Exported == nil {
			obj.Exported = map[string]any{}
		}
		obj.Exported["active"] = "False"
		obj.Status, obj.DisableReason = state.StatusDisabled, it.reason.String()
		if it.reason == reasonUnassigned {
			obj.Status = state.StatusUnmanaged // ENTRA-DEPROV-05
		}
		return nil
	}
	if !it.inSource || (!isGroup && it.reason == reasonHardDeleted) {
		it.persist = persistForget
		return nil
	}
	// Deleted in the target but still in the source (DEPROV-03, groups
	// leaving scope): forget the link, keep the watermark.
	obj.TargetID, obj.MatchedBy, obj.Status, obj.Exported, obj.Manager, obj.Members = "", "", state.StatusNone, nil, "", nil
	return nil
}
