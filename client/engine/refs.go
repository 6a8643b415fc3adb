package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"

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
	o := r.object(state.Key{Kind: state.KindUser, SourceID: sourceID})
	if o == nil || !o.Linked() || o.Status != state.StatusActive {
		return ""
	}
	return o.TargetID
}

// managerWork returns the source id of the manager the user should have
// ("" for none) and whether resolveManager has anything to do for it: the
// user was exported, the mapping has a manager reference, and the manager
// changed (or, in an initial cycle, is set).
func (r *run) managerWork(it *item) (want string, ok bool) {
	if it.key().Kind != state.KindUser || !it.exported || it.result.failed() {
		return "", false
	}
	path, ok := r.managerTarget()
	if !ok {
		return "", false
	}
	if ids := it.refs.get(path); len(ids) > 0 {
		want = ids[0]
	}
	if want == it.obj.Manager && (r.kind == KindIncremental || want == "") {
		return want, false
	}
	return want, true
}

// markUpdated turns an "already in sync" record into an update once a
// reference was written.
func markUpdated(it *item) {
	if it.action == provlog.ActionOther {
		it.action = provlog.ActionUpdate
		if it.result == resultSkipped {
			it.result = resultOK
		}
		it.rec.Action(provlog.ActionUpdate)
		it.rec.Step(provlog.StepProcessing, provlog.NameProcessingUpdate, provlog.StatusSuccess,
			"Determined that a reference attribute of the target object must be updated.", nil)
	}
}

// resolveManager writes the user's manager after every user exists
// (ENTRA-REF-01): the FLOW-06 check (unless turned off) and a FLOW-08
// PATCH. Incremental cycles do it only when the source manager changed.
func (r *run) resolveManager(ctx context.Context, it *item) error {
	want, ok := r.managerWork(it)
	if !ok {
		return nil
	}
	obj := it.obj
	it.markDirty()
	mgrTarget := ""
	if want != "" {
		if mgrTarget = r.linkedActive(want); mgrTarget == "" {
			it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSkipped,
				fmt.Sprintf("The manager %s is not provisioned in the target; the reference is left out.", want),
				map[string]string{"attribute": "manager", "sourceId": want})
			return nil
		}
	}
	var last *scim.Result
	if mgrTarget == "" {
		// Removal: sent only with the client's ClearManager option (UNC-10).
		rs, err := r.e.opt.Client.UpdateManager(ctx, obj.TargetID, "")
		it.count(rs...)
		if err != nil {
			return fmt.Errorf("cycle: manager of %s: %w", it.key().SourceID, err)
		}
		last = rs[len(rs)-1]
	} else {
		res, found, err := r.setManager(ctx, it, mgrTarget)
		if err != nil {
			return fmt.Errorf("cycle: manager of %s: %w", it.key().SourceID, err)
		}
		if found {
			obj.Manager = r.canonID(want)
			it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess,
				"The target user already has this manager (ENTRA-FLOW-06).", map[string]string{"attribute": "manager", "targetId": mgrTarget})
			return nil
		}
		last = res
	}
	if last.Sent && !last.Outcome.Success {
		it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusFailure,
			last.Outcome.Reason, map[string]string{"attribute": "manager"})
		it.fail(last, true)
		return nil
	}
	oldTarget := ""
	if obj.Manager != "" {
		if o := r.object(state.Key{Kind: state.KindUser, SourceID: obj.Manager}); o != nil {
			oldTarget = o.TargetID
		}
	}
	obj.Manager = r.canonID(want)
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

// referenceCheck reports whether the FLOW-06 check is sent: on unless the
// engine's or the client's option turns it off (UNC-04).
func (e *Engine) referenceCheck() bool {
	return !e.opt.SkipReferenceCheck && e.opt.Client.ReferenceCheck()
}

// setManager sends the reference check (ENTRA-FLOW-06) unless it is turned
// off, then the manager PATCH (ENTRA-FLOW-08) unless the check found the
// manager already set (found). The check is a SHOULD: a check answered
// with an error (any non-2xx, an unreadable answer, no answer) is logged as
// its own failed step and a warning, and the PATCH is sent all the same,
// so that the user does not fail for it. res is the PATCH's result.
func (r *run) setManager(ctx context.Context, it *item, mgrTarget string) (res *scim.Result, found bool, err error) {
	c := r.e.opt.Client
	userID := it.obj.TargetID
	if r.e.referenceCheck() {
		chk, err := c.CheckManager(ctx, userID, mgrTarget)
		if err != nil {
			return nil, false, err
		}
		it.count(chk)
		if chk.Found() {
			return nil, true, nil
		}
		if !chk.Outcome.Success {
			r.referenceCheckFailed(it, chk)
		}
	}
	res, err = c.SetManager(ctx, userID, mgrTarget)
	if err != nil {
		return nil, false, err
	}
	it.count(res)
	return res, false, nil
}

// referenceCheckFailed logs a failed reference check (ENTRA-FLOW-06) as a
// failed referenceResolution step of the user's record and marks the record
// a warning with the check's error; a failure of the PATCH that follows
// replaces the warning. The object itself does not fail.
func (r *run) referenceCheckFailed(it *item, chk *scim.Result) {
	o := chk.Outcome
	it.checkFailed = true
	details := map[string]string{"attribute": "manager", "specId": SpecReferenceCheck, "errorCode": o.ErrorCode}
	if o.HTTPStatus != 0 {
		details["httpStatus"] = strconv.Itoa(o.HTTPStatus)
	}
	it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusFailure,
		fmt.Sprintf("The %s reference check of the manager failed (%s): %s The manager PATCH is sent all the same.",
			SpecReferenceCheck, o.ErrorCode, o.Reason), details)
	it.rec.Warn(provlog.ErrorInfo{
		ErrorCode:         o.ErrorCode,
		Reason:            it.errorReason(o, SpecReferenceCheck+" reference check failed: "+o.Reason),
		AdditionalDetails: o.AdditionalDetails,
		RecommendedAction: "Answer GET /Users?filter=id eq \"<id>\" and manager eq \"<managerId>\" with a ListResponse (" +
			SpecReferenceCheck + "), or turn the reference check off.",
	})
}

// SpecReferenceCheck is the spec ID of the manager reference check; log
// entries about the check name it.
const SpecReferenceCheck = "ENTRA-FLOW-06"

// membersWindow is how many member batches resolveMembers sends before it
// lets go of their requests and answers.
const membersWindow = 100

// resolveMembers adds and removes the group's members after every user
// and group exists (ENTRA-REF-01), as separate member PATCHes, never a
// replace. Members out of scope are left out (ENTRA-REF-02).
func (r *run) resolveMembers(ctx context.Context, it *item) error {
	if it.key().Kind != state.KindGroup || !it.exported || it.result.failed() {
		return nil
	}
	obj := it.obj
	if err := obj.Decode(ctx); err != nil {
		return err
	}
	// A department's group has a hundred thousand members at a million
	// users, and a few such groups are worked on at once: the lookups are
	// made only when the group had members, and the lists are sized once
	// (issue 16: the members phase was a peak of the cycle's memory).
	var inSource, have map[string]bool
	if len(obj.Members) > 0 {
		inSource = make(map[string]bool, len(it.group.Members))
		for _, id := range it.group.Members {
			inSource[id] = true
		}
		have = make(map[string]bool, len(obj.Members))
		for _, id := range obj.Members {
			have[id] = true
		}
	}
	adds, addIDs := make([]string, 0, len(it.group.Members)), make([]string, 0, len(it.group.Members))
	for _, id := range it.group.Members {
		if have[id] || !r.userInScope(id) {
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
		o := r.object(state.Key{Kind: state.KindUser, SourceID: id})
		if o == nil || !o.Linked() {
			continue // gone from the target with the user
		}
		if ui := r.userItem(id); ui != nil && ui.op == opDelete {
			continue // the user's DELETE removes the membership too
		}
		removes, removeIDs = append(removes, id), append(removeIDs, o.TargetID)
	}
	if len(adds) == 0 && len(removes) == 0 {
		return nil
	}
	it.markDirty()
	c := r.e.opt.Client
	members := append(make([]string, 0, len(kept)+len(adds)+len(removes)), kept...)
	b := c.Builder().BatchSize
	if b <= 0 {
		b = scim.DefaultBatchSize
	}
	// A window of batches at a time: the requests, their answers and the
	// record's share of them are held for one window, not for a group
	// of half a million members at once (issue 16); the record goes to
	// the spill file window by window. The wire is the same.
	window := membersWindow * b
	for wlo := 0; wlo < len(addIDs); wlo += window {
		whi := min(wlo+window, len(addIDs))
		rs, err := c.AddMembers(ctx, obj.TargetID, addIDs[wlo:whi])
		it.count(rs...)
		if err != nil {
			return fmt.Errorf("cycle: members of %s: %w", it.key().SourceID, err)
		}
		it.rec.Grow(0, whi-wlo) // one per member added
		for i, res := range rs {
			lo, hi := wlo+i*b, min(wlo+(i+1)*b, whi)
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
		if whi < len(addIDs) {
			r.park(it)
		}
	}
	if len(removeIDs) > 0 {
		rs, err := c.RemoveMembers(ctx, obj.TargetID, removeIDs)
		it.count(rs...)
		if err != nil {
			return fmt.Errorf("cycle: members of %s: %w", it.key().SourceID, err)
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
	if !it.result.failed() {
		markUpdated(it)
		it.rec.Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess,
			fmt.Sprintf("Added %d and removed %d member(s).", len(adds), len(removes)), map[string]string{"attribute": "members"})
	}
	return nil
}
