package engine

import (
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// op is what the plan decided for an object.
type op uint8

const (
	opNone    op = iota // nothing to do, nothing logged
	opExport            // match, create or update
	opDisable           // PATCH active=false (DEPROV-01)
	opDelete            // DELETE (DEPROV-02/03, groups leaving scope)
	opSkip              // logged as skipped, nothing sent
	opFail              // logged as failed, nothing sent (e.g. DuplicateSourceEntries)
)

// itemResult is how an item's cycle ended, as the log record and the
// summary report it. An item starts as resultOK (success, counted by its
// action); the first failure wins over everything else.
type itemResult uint8

const (
	resultOK        itemResult = iota // success, or nothing logged
	resultSkipped                     // logged as skipped (nothing to do, action off, no matching value)
	resultStaged                      // a disable/delete held back by the deletion threshold (DEL-01)
	resultFailed                      // a call or the mapping failed
	resultRefFailed                   // a reference write (manager, members) failed
)

func (r itemResult) String() string {
	switch r {
	case resultOK:
		return "ok"
	case resultSkipped:
		return "skipped"
	case resultStaged:
		return "staged"
	case resultFailed:
		return "failed"
	case resultRefFailed:
		return "referenceFailed"
	}
	return fmt.Sprintf("itemResult(%d)", int(r))
}

// failed reports a failed item, its own call or a reference.
func (r itemResult) failed() bool { return r == resultFailed || r == resultRefFailed }

// skipped reports a record logged as skipped (staged deletes included).
func (r itemResult) skipped() bool { return r == resultSkipped || r == resultStaged }

// status is the record's provisioningStatusInfo.status for the result.
func (r itemResult) status() provlog.Status {
	switch {
	case r.failed():
		return provlog.StatusFailure
	case r.skipped():
		return provlog.StatusSkipped
	}
	return provlog.StatusSuccess
}

// persistence is what the cycle's commit does with an item's state entry.
type persistence uint8

const (
	persistKeep   persistence = iota // left as stored (watermark included)
	persistUpsert                    // written, with the new watermark unless it failed
	persistForget                    // dropped (after a job-level failure: written, links kept)
)

func (p persistence) String() string {
	switch p {
	case persistKeep:
		return "keep"
	case persistUpsert:
		return "upsert"
	case persistForget:
		return "forget"
	}
	return fmt.Sprintf("persistence(%d)", int(p))
}

// reason explains why an object is disabled, deleted or skipped; its
// String is the log's "reason" detail and the state's DisableReason.
type reason uint8

const (
	reasonNone reason = iota
	reasonUnassigned
	reasonOutOfScope
	reasonSoftDeleted
	reasonBlocked
	reasonHardDeleted
	reasonDeleted // a group deleted in Entra ID
)

var reasonNames = [...]string{
	reasonNone:        "",
	reasonUnassigned:  "unassigned",
	reasonOutOfScope:  "outOfScope",
	reasonSoftDeleted: "softDeleted",
	reasonBlocked:     "blocked",
	reasonHardDeleted: "hardDeleted",
	reasonDeleted:     "deleted",
}

func (r reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// removedInEntra reports a user disabled or deleted in Entra ID itself,
// rather than taken out of the application's scope.
func (r reason) removedInEntra() bool {
	return r == reasonSoftDeleted || r == reasonBlocked || r == reasonHardDeleted
}

// item is one source object's work in a cycle. Each phase touches an item
// from one goroutine only. A large cycle holds an item per object, so the
// fields are ordered to pack and the key is the state entry's (issue 16).
type item struct {
	obj   *state.Object // the state entry, updated in place; its key is the item's
	user  *directory.User
	group *directory.Group
	// watermark is the value stored once the item is done.
	watermark string
	rec       *provlog.Builder
	action    provlog.Action
	// out is the outcome of the failure, nil while there is none: an
	// Outcome is large. Read it with outcome().
	out *outcome.Outcome
	// refs are the reference values (manager, members) by target path.
	refs  refValues
	calls int32
	// answered counts the calls that got an HTTP answer; a cycle where
	// none did could not reach the target (QUAR-02 "cannot connect").
	answered int32
	op       op
	// reason explains a disable/delete/skip.
	reason reason
	// persist is what the commit does with the state entry.
	persist persistence
	result  itemResult
	// phases has bit p set once phase p (phaseUserExport…) ran for the
	// item; an interrupted cycle keeps what the finished phases did.
	phases uint8
	// inScope is assignment and scoping together.
	inScope bool
	// inSource: the directory holds the object (it may be hard deleted
	// there). It outlives user, which the user export phase drops.
	inSource bool
	// logged: finish counted the item's record; the commit writes it.
	logged bool
	// checkFailed: the manager's reference check (ENTRA-FLOW-06) was
	// answered with an error; the record is a warning unless it failed.
	checkFailed bool
	// exported is true when the export phase left the object linked and
	// in sync, so references may be resolved.
	exported bool
	// evicted: planning let go of the user, Users[userIdx] of the
	// directory, which loadUser brings back (evict.go).
	evicted bool
	userIdx int32
}

// key is the item's object.
func (it *item) key() state.Key { return it.obj.Key() }

// outcome is the item's failure outcome, the zero Outcome without one.
func (it *item) outcome() outcome.Outcome {
	if it.out == nil {
		return outcome.Outcome{}
	}
	return *it.out
}

// failure is the item's failure outcome to fill in, made on first use.
func (it *item) failure() *outcome.Outcome {
	if it.out == nil {
		it.out = &outcome.Outcome{}
	}
	return it.out
}

// markDirty has the state entry written, unless it is to be dropped.
func (it *item) markDirty() {
	if it.persist != persistForget {
		it.persist = persistUpsert
	}
}

// skip marks the record skipped, unless the item already failed.
func (it *item) skip() {
	if !it.result.failed() {
		it.result = resultSkipped
	}
}

// fail records a failed call on the item (first failure wins).
func (it *item) fail(r *scim.Result, ref bool) {
	if it.result.failed() {
		return
	}
	o := r.Outcome
	it.result, it.out = resultFailed, &o
	if ref {
		it.result = resultRefFailed
	}
	it.rec.Fail(provlog.ErrorInfo{
		ErrorCode:         r.Outcome.ErrorCode,
		Reason:            it.errorReason(r.Outcome, r.Outcome.Reason),
		AdditionalDetails: r.Outcome.AdditionalDetails,
		RecommendedAction: r.Outcome.RecommendedAction,
	})
}

// errorReason is the record's errorInformation.reason for a failed call
// with outcome o: an HTTP error answer is worded as in List
// provisioningObjectSummary, Example 2 ("Message: <app> returned an error
// response with the HTTP status code 409.  …", provlog.HTTPReason),
// followed by detail, the harness's explanation; a call without an HTTP
// answer (timeout, connection refused) keeps detail alone.
func (it *item) errorReason(o outcome.Outcome, detail string) string {
	if s := o.HTTPStatus; s >= 400 {
		return provlog.HTTPReason(it.rec.TargetSystemName(), s, detail)
	}
	return detail
}

// exportVerbs are the verbs of the failed export steps' descriptions, by
// step name ("Failed to create Group '…' in Contoso", List
// provisioningObjectSummary, Example 2; the other verbs by analogy).
var exportVerbs = map[string]string{
	provlog.NameExportAdd:     "create",
	provlog.NameExportUpdate:  "update",
	provlog.NameExportDisable: "disable",
	provlog.NameExportDelete:  "delete",
}

// failStep logs step as failed and fails the item with the call's
// outcome. An export step is described as Graph does ("Failed to create
// User '…' in <app>", with the object's ReportableIdentifier in its
// details, List provisioningObjectSummary, Example 2), the reason being in
// errorInformation; other steps carry the call's reason. It returns nil,
// like skipProcessing, so that an export can end with it.
func (it *item) failStep(step provlog.StepType, name string, r *scim.Result) error {
	desc, details := r.Outcome.Reason, map[string]string(nil)
	if verb, ok := exportVerbs[name]; ok && step == provlog.StepExport {
		desc = provlog.FailedExportDescription(verb, it.identityType(), it.reportable(), it.rec.TargetSystemName())
		details = map[string]string{provlog.DetailReportableIdentifier: it.reportable()}
	}
	it.rec.Step(step, name, provlog.StatusFailure, desc, details)
	it.fail(r, false)
	return nil
}

// identityType is the object type the log names the item by: "User" or
// "Group" (provisionedIdentity.identityType as in List
// provisioningObjectSummary, Example 2).
func (it *item) identityType() string {
	if it.key().Kind == state.KindGroup {
		return provlog.IdentityGroup
	}
	return provlog.IdentityUser
}

// reportable names the object in step descriptions and as the steps'
// ReportableIdentifier: the user principal name of a user, the display
// name of a group (List provisioningObjectSummary, Example 2, names a
// group by its displayName), else the source id.
func (it *item) reportable() string {
	switch {
	case it.user != nil && it.user.UserPrincipalName != "":
		return it.user.UserPrincipalName
	case it.group != nil && it.group.DisplayName != "":
		return it.group.DisplayName
	case it.obj != nil && it.obj.DisplayName != "":
		return it.obj.DisplayName
	}
	return it.key().SourceID
}

// noun names the item's kind in log text and errors ("user" or "group").
func (it *item) noun() string {
	if it.key().Kind == state.KindGroup {
		return "group"
	}
	return "user"
}

// target is the log's target identity for the item's object in the
// target; its identityType is the object type, as on the source side
// (List provisioningObjectSummary, Example 2: "Group" in both).
func (it *item) target(id, displayName string) provlog.Identity {
	return provlog.Identity{ID: id, DisplayName: displayName, IdentityType: it.identityType()}
}

// count adds sent requests to the item's tally.
func (it *item) count(rs ...*scim.Result) {
	for _, r := range rs {
		if r != nil && r.Sent {
			it.calls++
			if r.Outcome.HTTPStatus != 0 {
				it.answered++
			}
		}
	}
}

func (it *item) displayName() string {
	switch {
	case it.user != nil:
		return it.user.DisplayName
	case it.group != nil:
		return it.group.DisplayName
	}
	return it.obj.DisplayName
}

// str renders a value as the provisioning log shows it.
func str(v any) *string {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return &t
	case []string:
		s := strings.Join(t, ",")
		return &s
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = fmt.Sprint(x)
		}
		s := strings.Join(parts, ",")
		return &s
	case bool:
		s := "False"
		if t {
			s = "True"
		}
		return &s
	}
	s := fmt.Sprint(v)
	return &s
}

func scopeBit(b bool) string {
	if b {
		return "in"
	}
	return "out"
}
