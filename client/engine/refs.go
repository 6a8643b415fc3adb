package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// managerTarget is the user mapping's manager reference row, if any.
func (r *run) managerTarget() (string, bool) {
	for _, a := range r.e.cfg.Users.Attributes {
		if a.Reference {
			if t, err := mapping.ParseTarget(a.Target); err == nil && t.IsManager() {
				return a.Target, true
			}
		}
	}
	return "", false
}

// linkedActive returns the target id of a source user provisioned and
// enabled, or "".
func (r *run) linkedActive(sourceID string) string {
	o := r.objs[state.Key{Kind: state.KindUser, SourceID: sourceID}]
	if o == nil || !o.Linked() || o.Status != state.StatusActive {
		return ""
	}
	return o.TargetID
}

// markUpdated turns an "already in sync" record into an update once a
// reference was written.
func markUpdated(it *item) {
	if it.action == provlog.ActionOther {
		it.action, it.skipped = provlog.ActionUpdate, false
		it.rec.Action(provlog.ActionUpdate)
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingUpdate, provlog.StatusSuccess,
			"Determined that a reference attribute of the target object must be updated.", nil)
	}
}

// resolveManager writes the user's manager after every user exists
// (ENTRA-REF-01): the FLOW-06 check (unless turned off) and a FLOW-08
// PATCH. Incremental cycles do it only when the source manager changed.
func (r *run) resolveManager(ctx context.Context, it *item) error {
	if it.key.Kind != state.KindUser || !it.exported || it.failed {
		return nil
	}
	path, ok := r.managerTarget()
	if !ok {
		return nil
	}
	obj := it.obj
	var want string
	if ids := it.refs[path]; len(ids) > 0 {
		want = ids[0]
	}
	if want == obj.Manager && (r.kind == KindIncremental || want == "") {
		return nil
	}
	it.dirty = true
	mgrTarget := ""
	if want != "" {
		if mgrTarget = r.linkedActive(want); mgrTarget == "" {
			it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSkipped,
				fmt.Sprintf("The manager %s is not provisioned in the target; the reference is left out.", want),
				map[string]string{"attribute": "manager", "sourceId": want})
			return nil
		}
	}
	rs, err := r.e.opt.Client.UpdateManager(ctx, obj.TargetID, mgrTarget)
	it.count(rs...)
	if err != nil {
		return fmt.Errorf("cycle: manager of %s: %w", it.key.SourceID, err)
	}
	last := rs[len(rs)-1]
	if last.Sent && !last.Outcome.Success {
		it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusFailure,
			last.Outcome.Reason, map[string]string{"attribute": "manager"})
		it.fail(last, true)
		return nil
	}
	oldTarget := ""
	if obj.Manager != "" {
		if o := r.objs[state.Key{Kind: state.KindUser, SourceID: obj.Manager}]; o != nil {
			oldTarget = o.TargetID
		}
	}
	obj.Manager = want
	if !last.Sent {
		it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess,
			"The target user already has this manager.", map[string]string{"attribute": "manager"})
		return nil
	}
	markUpdated(it)
	var oldV *string
	if oldTarget != "" {
		oldV = &oldTarget
	}
	it.rec.Modified("manager", oldV, &mgrTarget)
	it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess,
		"Resolved the manager reference to target user "+mgrTarget+".", map[string]string{"attribute": "manager", "targetId": mgrTarget})
	return nil
}

// resolveMembers adds and removes the group's members after every user
// and group exists (ENTRA-REF-01), as separate member PATCHes, never a
// replace. Members out of scope are left out (ENTRA-REF-02).
func (r *run) resolveMembers(ctx context.Context, it *item) error {
	if it.key.Kind != state.KindGroup || !it.exported || it.failed {
		return nil
	}
	obj := it.obj
	if err := obj.Decode(ctx); err != nil {
		return err
	}
	inSource := map[string]bool{}
	for _, id := range it.group.Members {
		inSource[id] = true
	}
	have := map[string]bool{}
	for _, id := range obj.Members {
		have[id] = true
	}
	var adds, addIDs []string
	for _, id := range it.group.Members {
		if have[id] || !r.inScopeUsers[id] {
			continue
		}
		if t := r.linkedActive(id); t != "" {
			adds, addIDs = append(adds, id), append(addIDs, t)
		}
	}
	var removes, removeIDs, kept []string
	for _, id := range obj.Members {
		if inSource[id] {
			kept = append(kept, id)
			continue
		}
		o := r.objs[state.Key{Kind: state.KindUser, SourceID: id}]
		if o == nil || !o.Linked() {
			continue // gone from the target with the user
		}
		if ui := r.userItems[id]; ui != nil && ui.op == opDelete {
			continue // the user's DELETE removes the membership too
		}
		removes, removeIDs = append(removes, id), append(removeIDs, o.TargetID)
	}
	if len(adds) == 0 && len(removes) == 0 {
		return nil
	}
	it.dirty = true
	c := r.e.opt.Client
	members := kept
	if len(addIDs) > 0 {
		rs, err := c.AddMembers(ctx, obj.TargetID, addIDs)
		it.count(rs...)
		if err != nil {
			return fmt.Errorf("cycle: members of %s: %w", it.key.SourceID, err)
		}
		b := c.Builder().BatchSize
		if b <= 0 {
			b = scim.DefaultBatchSize
		}
		for i, res := range rs {
			lo, hi := i*b, min((i+1)*b, len(adds))
			if !res.Outcome.Success {
				it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusFailure,
					res.Outcome.Reason, map[string]string{"attribute": "members"})
				it.fail(res, true)
				continue
			}
			for j := lo; j < hi; j++ {
				members = append(members, adds[j])
				it.rec.Modified("members", nil, &addIDs[j])
			}
		}
	}
	if len(removeIDs) > 0 {
		rs, err := c.RemoveMembers(ctx, obj.TargetID, removeIDs)
		it.count(rs...)
		if err != nil {
			return fmt.Errorf("cycle: members of %s: %w", it.key.SourceID, err)
		}
		failed := false
		for _, res := range rs {
			if !res.Outcome.Success {
				failed = true
				it.fail(res, true)
			}
		}
		if failed {
			members = append(members, removes...) // retried next time
		} else {
			for j := range removeIDs {
				it.rec.Modified("members", &removeIDs[j], nil)
			}
		}
	}
	slices.Sort(members)
	obj.Members = slices.Compact(members)
	if !it.failed {
		markUpdated(it)
		it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess,
			fmt.Sprintf("Added %d and removed %d member(s).", len(adds), len(removes)), map[string]string{"attribute": "members"})
	}
	return nil
}
