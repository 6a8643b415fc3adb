package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// matchValue is the user's value for the i-th matching attribute.
func (r *run) matchValue(it *item, i int) (string, error) {
	ms := r.e.cfg.Users.Matching()
	return mapping.MatchValue(ms[i], directory.UserSource(it.user, it.inScope), r.env)
}

// importSteps writes the import and scoping steps every exported object
// starts with (LOG-05). The import step is worded as in List
// provisioningObjectSummary, Example 2: EntryImportAdd, type import,
// "Received Group 'Self-service Pilot' change of type (Add) from Azure
// Active Directory"; a linked object's change is of type (Update) [INF].
func (r *run) importSteps(it *item, linked bool) {
	name, change := provlog.NameImportAdd, "Add"
	if linked {
		name, change = provlog.NameImportUpdate, "Update"
	}
	kind := it.noun()
	it.rec.Step(provlog.StepImport, name, provlog.StatusSuccess,
		provlog.ReceivedDescription(it.identityType(), it.reportable(), change), nil)
	it.rec.Step(provlog.StepScoping, provlog.NameScoping, provlog.StatusSuccess,
		fmt.Sprintf("The %s is in scope: it is assigned to the application and passes the scoping filters.", kind), nil)
}

// activeOf reads the mapped active value; true when active is not mapped.
func activeOf(vals map[string]any) bool {
	switch v := vals["active"].(type) {
	case bool:
		return v
	case string:
		return v != "False" && v != "false"
	}
	return true
}

func statusOf(vals map[string]any) state.ObjectStatus {
	if activeOf(vals) {
		return state.StatusActive
	}
	return state.StatusDisabled
}

// exportUser is Entra's flow for one user (ENTRA-CYCLE-01 steps 3-5,
// ENTRA-FLOW-22): import and scoping steps, then match an unlinked user
// by its matching attributes, create it when nothing matched, else update
// the linked or matched target user. Its manager waits for the reference
// phase.
func (r *run) exportUser(ctx context.Context, it *item) error {
	defer r.tick(1)
	if err := r.loadUser(it); err != nil {
		return err
	}
	if err := it.obj.Decode(ctx); err != nil {
		return err
	}
	linked := it.obj.Linked()
	r.begin(it, provlog.ActionUpdate)
	r.importSteps(it, linked)
	if linked {
		it.logLinked()
		return r.updateUser(ctx, it, true)
	}
	found, done, err := r.matchUser(ctx, it)
	switch {
	case done:
		return err
	case !found:
		return r.createUser(ctx, it)
	}
	it.logMatched()
	return r.updateUser(ctx, it, false)
}

// matchUser looks an unlinked user up in the target by its matching
// attributes, in order, and links it to the target user found. done means
// the export ended here, logged, with err the call's error if any.
func (r *run) matchUser(ctx context.Context, it *item) (found, done bool, err error) {
	var matchers []scim.Matcher
	for i, a := range r.e.cfg.Users.Matching() {
		v, err := r.matchValue(it, i)
		if err != nil {
			return false, true, r.evalFailed(it, err)
		}
		matchers = append(matchers, scim.Matcher{Attribute: a.Target, Value: v})
	}
	if !hasValue(matchers) {
		// ENTRA-MATCH-02
		it.action = provlog.ActionOther
		it.skip()
		it.rec.Step(provlog.StepImport, provlog.NameImportSkipped, provlog.StatusSkipped,
			"ImportSkipped: the user has no value for any matching attribute.", nil)
		return false, true, nil
	}
	rs, err := r.e.opt.Client.MatchUserInOrder(ctx, matchers)
	it.count(rs...)
	if err != nil {
		return false, true, fmt.Errorf("cycle: match user %s: %w", it.key().SourceID, err)
	}
	if n := len(rs); n > 0 {
		last := rs[n-1]
		if !last.Outcome.Success {
			return false, true, it.failStep(provlog.StepMatching, provlog.NameMatching, last)
		}
		if id := last.ID(); id != "" {
			it.obj.TargetID, it.obj.MatchedBy = r.strs.keep(id), attrOf(matchers, n-1)
		}
	}
	return it.obj.TargetID != "", false, nil
}

// updateUser brings the linked or just matched target user in line with
// the mapping: nothing is sent when Update is off or, for a user linked
// before this incremental cycle, when no mapped value changed
// (EntrySynchronizationSkipped); else the target user is read and the
// differences PATCHed.
func (r *run) updateUser(ctx context.Context, it *item, linked bool) error {
	m := &r.e.cfg.Users
	obj := it.obj
	it.rec.Target(it.target(obj.TargetID, it.user.DisplayName))
	res, err := mapping.Evaluate(m, directory.UserSource(it.user, it.inScope), false, r.env)
	if err != nil {
		return r.evalFailed(it, err)
	}
	it.refs = r.refs.compact(res.References)
	if !m.Actions.Update {
		return r.skipProcessing(it, "Update is not a target object action of this mapping (ENTRA-DEPROV-08).")
	}
	if linked && r.kind == KindIncremental && sameValues(obj.Exported, res.Values) && obj.Status == statusOf(res.Values) {
		it.exported = true
		return r.skipProcessing(it, "The target user is already in sync with the source.")
	}
	current, desired, ok, err := r.userValues(ctx, it, res)
	if !ok {
		return err
	}
	changes := scim.Diff(current, desired)
	upd, err := r.e.opt.Client.UpdateUser(ctx, obj.TargetID, current, desired)
	if err != nil {
		return fmt.Errorf("cycle: update user %s: %w", it.key().SourceID, err)
	}
	it.count(upd)
	if upd.Sent && !upd.Outcome.Success {
		return it.failStep(provlog.StepExport, provlog.NameExportUpdate, upd)
	}
	obj.Exported, obj.Status = map[string]any(desired), statusOf(desired)
	it.exported = true
	if !upd.Sent {
		return r.skipProcessing(it, "The target user is already in sync with the source.")
	}
	r.logUserUpdated(it, changes, current)
	return nil
}

// userValues reads the target user's current values of the mapped paths
// and gives the values to send: the mapping's, with the "only if the
// target is empty" values the target lacks. ok is false when the read
// failed (readTarget).
func (r *run) userValues(ctx context.Context, it *item, res *mapping.Result) (current, desired scim.Attributes, ok bool, err error) {
	desired = scim.Attributes(res.Values)
	paths := slices.Sorted(maps.Keys(res.Values))
	for p := range res.IfTargetEmpty {
		paths = append(paths, p)
	}
	current, ok, err = r.readTarget(ctx, it, paths)
	if !ok {
		return nil, nil, false, err
	}
	for p, v := range res.IfTargetEmpty {
		if _, ok := current[p]; !ok {
			desired[p] = v
		}
	}
	return current, desired, true, nil
}

// logUserUpdated logs a sent user update: the decision, the modified
// properties and the export step.
func (r *run) logUserUpdated(it *item, changes []scim.Change, current scim.Attributes) {
	it.action = provlog.ActionUpdate
	it.rec.Step(provlog.StepProcessing, provlog.NameProcessingUpdate, provlog.StatusSuccess,
		"Determined that the target user must be updated.", nil)
	for _, ch := range changes {
		it.rec.Modified(ch.Path, str(current[ch.Path]), str(ch.New))
	}
	r.logExported(it, provlog.NameExportUpdate, "updated", map[string]string{"modifiedAttributes": strconv.Itoa(len(changes))})
}

// logMatched logs the target object the match found and linked.
func (it *item) logMatched() {
	id, by := it.obj.TargetID, it.obj.MatchedBy
	it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
		fmt.Sprintf("Matched the target %s %s by %s.", it.noun(), id, by),
		map[string]string{"matchedBy": by, "targetId": id})
}

// logLinked logs the target object an earlier cycle linked.
func (it *item) logLinked() {
	id := it.obj.TargetID
	it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
		fmt.Sprintf("The %s is linked to target %s %s.", it.noun(), it.noun(), id), map[string]string{"targetId": id})
}

// logExported logs a successful export step: done is created, updated,
// disabled or deleted; details, when given, add to the object's
// ReportableIdentifier and target id.
func (r *run) logExported(it *item, name, done string, details map[string]string) {
	if details == nil {
		details = map[string]string{}
	}
	details[provlog.DetailReportableIdentifier], details["targetId"] = it.reportable(), it.obj.TargetID
	it.rec.Step(provlog.StepExport, name, provlog.StatusSuccess, r.exportedText(it, done), details)
}

// createUser creates an unmatched user, unless it is disabled in the
// source (ENTRA-DEPROV-06) or Create is off (ENTRA-DEPROV-08).
func (r *run) createUser(ctx context.Context, it *item) error {
	m := &r.e.cfg.Users
	res, err := mapping.Evaluate(m, directory.UserSource(it.user, it.inScope), true, r.env)
	if err != nil {
		r.noMatch(it)
		return r.evalFailed(it, err)
	}
	it.refs = r.refs.compact(res.References)
	if !activeOf(res.Values) {
		r.noMatch(it)
		return r.skipProcessing(it, "The user is disabled or soft deleted in Entra ID: disabled users are never created (ENTRA-DEPROV-06).")
	}
	if !m.Actions.Create {
		r.noMatch(it)
		return r.skipProcessing(it, "Create is not a target object action of this mapping (ENTRA-DEPROV-08).")
	}
	r.willCreate(it)
	cr, err := r.e.opt.Client.CreateUser(ctx, res.Values)
	return r.recordCreate(it, cr, err, res.Values, it.user.DisplayName)
}

// noMatch logs that no target object matched an object that is not
// created (disabled, Create off, mapping failed).
func (r *run) noMatch(it *item) {
	it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusSuccess,
		fmt.Sprintf("No target %s matched; the %s is not created.", it.noun(), it.noun()), nil)
}

// willCreate logs the decision to create an unmatched object as Graph
// does: one EntrySynchronizationAdd step of type matching, "User '…' will
// be created in <app> (User is active and assigned in Azure Active
// Directory, but no matching User was found in <app>)" (List
// provisioningObjectSummary, Example 2).
func (r *run) willCreate(it *item) {
	it.action = provlog.ActionCreate
	it.rec.Step(provlog.StepMatching, provlog.NameSynchronizationAdd, provlog.StatusSuccess,
		provlog.WillBeCreatedDescription(it.identityType(), it.reportable(), it.rec.TargetSystemName()), nil)
}

// recordCreate logs a create call (user or group) with the values sent and,
// on success, links the state entry to the new target object.
func (r *run) recordCreate(it *item, cr *scim.Result, err error, values map[string]any, displayName string) error {
	it.count(cr)
	if err != nil {
		return fmt.Errorf("cycle: create %s %s: %w", it.noun(), it.key().SourceID, err)
	}
	// Room for the values, the export step and a manager's step and
	// property (refs.go).
	it.rec.Grow(2, len(values)+1)
	for _, p := range slices.Sorted(maps.Keys(values)) {
		it.rec.Modified(p, nil, str(values[p]))
	}
	if !cr.Outcome.Success {
		return it.failStep(provlog.StepExport, provlog.NameExportAdd, cr)
	}
	obj := it.obj
	obj.TargetID, obj.MatchedBy, obj.Exported, obj.Status = r.strs.keep(cr.ID()), "created", values, state.StatusActive
	it.exported = true
	it.rec.Target(it.target(obj.TargetID, displayName))
	r.logExported(it, provlog.NameExportAdd, "created", nil)
	return nil
}

// exportedText describes a successful export step as List
// provisioningObjectSummary, Example 1 does ("RolesCompound '…' was
// updated in <target system>"); done is updated, or by analogy created,
// disabled or deleted.
func (r *run) exportedText(it *item, done string) string {
	return provlog.ExportedDescription(it.identityType(), it.reportable(), done, it.rec.TargetSystemName())
}

// readTarget fetches the linked target object (user or group) and reads
// paths from it. ok is false when the export must stop: err is then the
// call's error, or nil when the GET failed (logged, item failed).
func (r *run) readTarget(ctx context.Context, it *item, paths []string) (cur scim.Attributes, ok bool, err error) {
	get := r.e.opt.Client.GetUser
	if it.key().Kind == state.KindGroup {
		get = r.e.opt.Client.GetGroup
	}
	got, err := get(ctx, it.obj.TargetID)
	it.count(got)
	if err != nil {
		return nil, false, fmt.Errorf("cycle: get %s %s: %w", it.noun(), it.key().SourceID, err)
	}
	if !got.Outcome.Success {
		return nil, false, it.failStep(provlog.StepExport, provlog.NameExportUpdate, got)
	}
	cur, err = scim.ReadAttributes(got.Parsed.Resources[0], paths)
	if err != nil {
		return nil, false, fmt.Errorf("cycle: read %s %s: %w", it.noun(), it.key().SourceID, err)
	}
	return cur, true, nil
}

// skipProcessing logs "nothing to do" (action other, status skipped); the
// reference phase may still turn it into an update.
func (r *run) skipProcessing(it *item, why string) error {
	it.action = provlog.ActionOther
	it.skip()
	it.rec.Step(provlog.StepProcessing, provlog.NameProcessingSkipped, provlog.StatusSkipped, why, nil)
	return nil
}

// evalFailed logs a mapping that could not be evaluated for the object.
func (r *run) evalFailed(it *item, err error) error {
	it.result = resultFailed
	out := it.failure()
	out.ErrorCode = "AttributeMappingEvaluationFailed"
	out.Reason = err.Error()
	it.rec.Step(provlog.StepProcessing, provlog.NameProcessingUpdate, provlog.StatusFailure, err.Error(), nil)
	it.rec.Fail(provlog.ErrorInfo{ErrorCode: out.ErrorCode, Reason: err.Error(),
		RecommendedAction: "Fix the attribute mapping expression or the source value."})
	return nil
}

func hasValue(ms []scim.Matcher) bool {
	for _, m := range ms {
		if m.Value != "" {
			return true
		}
	}
	return false
}

// attrOf names the matcher behind the n-th query sent (matchers without a
// value send nothing).
func attrOf(ms []scim.Matcher, n int) string {
	for _, m := range ms {
		if m.Value == "" {
			continue
		}
		if n == 0 {
			return m.Attribute
		}
		n--
	}
	return ""
}

func sameValues(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		ov, ok := a[k]
		if !ok || *str(ov) != *str(v) {
			return false
		}
	}
	return true
}
