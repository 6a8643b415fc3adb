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
type op int

const (
	opNone    op = iota // nothing to do, nothing logged
	opExport            // match, create or update
	opDisable           // PATCH active=false (DEPROV-01)
	opDelete            // DELETE (DEPROV-02/03, groups leaving scope)
	opSkip              // logged as skipped, nothing sent
	opFail              // logged as failed, nothing sent (e.g. DuplicateSourceEntries)
)

// item is one source object's work in a cycle. Each phase touches an item
// from one goroutine only.
type item struct {
	key   state.Key
	obj   *state.Object // the state entry, updated in place
	user  *directory.User
	group *directory.Group
	op    op
	// reason explains a disable/delete/skip (unassigned, outOfScope,
	// softDeleted, blocked, hardDeleted, ...).
	reason string
	// inScope is assignment and scoping together.
	inScope bool
	// watermark is the value stored once the item is done.
	watermark string
	// dirty marks the state entry for writing; forget drops it.
	dirty, forget bool
	// staged: a disable/delete held back by the deletion threshold.
	staged bool

	rec     *provlog.Builder
	action  provlog.Action
	failed  bool
	refFail bool
	// checkFailed: the manager's reference check (ENTRA-FLOW-06) was
	// answered with an error; the record is a warning unless it failed.
	checkFailed bool
	skipped     bool
	out         outcome.Outcome
	calls       int
	// answered counts the calls that got an HTTP answer; a cycle where
	// none did could not reach the target (QUAR-02 "cannot connect").
	answered int
	// exported is true when the export phase left the object linked and
	// in sync, so references may be resolved.
	exported bool
	// created is true when the object was created in this cycle.
	created bool
	// refs are the reference values (manager, members) by target path.
	refs map[string][]string
	// phases has bit p set once phase p (phaseUserExport…) ran for the
	// item; an interrupted cycle keeps what the finished phases did.
	phases uint8
}

// fail records a failed call on the item (first failure wins).
func (it *item) fail(r *scim.Result, ref bool) {
	if it.failed {
		return
	}
	it.failed, it.refFail, it.out = true, ref, r.Outcome
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
	if it.key.Kind == state.KindGroup {
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
	return it.key.SourceID
}

// noun names the item's kind in log text and errors ("user" or "group").
func (it *item) noun() string {
	if it.key.Kind == state.KindGroup {
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
