package engine

// Log records as Graph returns them (issue 12): durationInMilliseconds
// measured where the action runs, the systems, identity types, step names
// and types, and the 409 reason of List provisioningObjectSummary, v1.0,
// Example 2.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// delayDir has three active users and a disabled one, which is never
// created (ENTRA-DEPROV-06) and so sends no request.
const delayDir = `app:
  scope: assigned
  assignments:
    users: [u01, u02, u03, u04]
users:
  - {objectId: u01, userPrincipalName: ann@contoso.com, mailNickname: ann, mail: ann@contoso.com, givenName: Ann, surname: A, displayName: Ann A}
  - {objectId: u02, userPrincipalName: ben@contoso.com, mailNickname: ben, mail: ben@contoso.com, givenName: Ben, surname: B, displayName: Ben B}
  - {objectId: u03, userPrincipalName: cal@contoso.com, mailNickname: cal, mail: cal@contoso.com, givenName: Cal, surname: C, displayName: Cal C}
  - {objectId: u04, userPrincipalName: dee@contoso.com, mailNickname: dee, mail: dee@contoso.com, givenName: Dee, surname: D, displayName: Dee D, accountEnabled: false}
`

// TestDurationMeasuresAction_LOG01: durationInMilliseconds is the wall
// time of the object's action: a create whose POST the server delays
// lasts at least the delay, whatever the concurrency; the disabled user,
// which sends nothing, does not.
func TestDurationMeasuresAction_LOG01(t *testing.T) {
	const delay = 250 * time.Millisecond
	for _, conc := range []int{1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			env := newEnv(t, nil)
			env.setFaults(fmt.Sprintf(`{"name":"slow-create","method":"POST","path":"^/Users$","delay":%q}`, delay.String()))
			eng := env.engine(nil, func(o *Options) { o.Concurrency = conc })
			s := env.cycle(eng, parseDir(t, delayDir))
			by := recordsBySource(s.Records)
			for _, id := range []string{"u01", "u02", "u03"} {
				rs := by[id]
				if len(rs) != 1 || rs[0].ProvisioningAction != provlog.ActionCreate || rs[0].ProvisioningStatusInfo.Status != provlog.StatusSuccess {
					t.Fatalf("%s records %+v, want one successful create", id, rs)
				}
				if got := time.Duration(rs[0].DurationInMilliseconds) * time.Millisecond; got < delay {
					t.Errorf("%s: durationInMilliseconds %d, want at least the POST's delay %v", id, rs[0].DurationInMilliseconds, delay)
				}
			}
			rs := by["u04"]
			if len(rs) != 1 || rs[0].ProvisioningStatusInfo.Status != provlog.StatusSkipped {
				t.Fatalf("u04 records %+v, want one skip", rs)
			}
			if got := time.Duration(rs[0].DurationInMilliseconds) * time.Millisecond; got >= delay {
				t.Errorf("u04 sent nothing but lasted %v: the duration is not the object's own", got)
			}
		})
	}
}

// TestRecordsAsGraphLogsThem_LOG13: records of a real cycle carry the
// values of List provisioningObjectSummary, Example 2: a target system
// with a GUID id stable per job and ApplicationId, ServicePrincipalId,
// ServicePrincipalDisplayName; a source system with object details;
// identityType User or Group on both sides; a create as EntryImportAdd
// (import), EntrySynchronizationAdd (matching), EntryExportAdd (export);
// a 409 worded "… returned an error response with the HTTP status code
// 409 …".
func TestRecordsAsGraphLogsThem_LOG13(t *testing.T) {
	env := newEnv(t, nil)
	env.setFaults(`{"name":"group-create","method":"POST","path":"^/Groups$","status":409}`)
	eng := env.engine(nil, nil)
	dir := parseDir(t, smallYAML(t))
	first := env.cycle(eng, dir)
	second := env.cycle(eng, dir)
	recs := append(append([]provlog.Record{}, first.Records...), second.Records...)
	if len(first.Records) == 0 || len(second.Records) == 0 {
		t.Fatalf("records: %d then %d", len(first.Records), len(second.Records))
	}
	sp := eng.opt.ServicePrincipal
	target := recs[0].TargetSystem
	if !provlog.IsGUID(target.ID) || !provlog.IsGUID(target.Details["ApplicationId"]) {
		t.Fatalf("targetSystem %+v: want GUID id and ApplicationId", target)
	}
	for _, r := range recs {
		who := r.SourceIdentity.ID
		if r.TargetSystem.ID != target.ID || r.TargetSystem.Details["ApplicationId"] != target.Details["ApplicationId"] {
			t.Errorf("%s: targetSystem %+v differs from %+v within one job", who, r.TargetSystem, target)
		}
		if len(r.TargetSystem.Details) != 3 || r.TargetSystem.Details["ServicePrincipalId"] != sp.ID ||
			r.TargetSystem.Details["ServicePrincipalDisplayName"] != sp.DisplayName || r.TargetSystem.DisplayName != sp.DisplayName {
			t.Errorf("%s: targetSystem %+v, want details of service principal %+v", who, r.TargetSystem, sp)
		}
		if r.SourceSystem.Details == nil || len(r.SourceSystem.Details) != 0 || r.SourceSystem.DisplayName != "Azure Active Directory" {
			t.Errorf("%s: sourceSystem %+v, want Azure Active Directory with details {}", who, r.SourceSystem)
		}
		want := "User"
		if strings.HasPrefix(who, "g-") {
			want = "Group"
		}
		if r.SourceIdentity.IdentityType != want || r.TargetIdentity.IdentityType != want {
			t.Errorf("%s: identityType source %q target %q, want %q on both", who, r.SourceIdentity.IdentityType, r.TargetIdentity.IdentityType, want)
		}
	}

	by := recordsBySource(first.Records)
	type step struct{ name, typ, status string }
	for _, tc := range []struct {
		source string
		steps  []step
		// reason, when set, is the start of errorInformation.reason.
		reason, exportDesc string
		targetID           bool
	}{
		{source: "u03", targetID: true, steps: []step{
			{"EntryImportAdd", "import", "success"}, {"EntrySynchronizationScoping", "scoping", "success"},
			{"EntrySynchronizationAdd", "matching", "success"}, {"EntryExportAdd", "export", "success"},
			{"EntryReferenceResolution", "referenceResolution", "success"}},
			exportDesc: "User 'chloe.chen@contoso.com' was created in Gtmhub"},
		{source: "g-sales", steps: []step{
			{"EntryImportAdd", "import", "success"}, {"EntrySynchronizationScoping", "scoping", "success"},
			{"EntrySynchronizationAdd", "matching", "success"}, {"EntryExportAdd", "export", "failure"}},
			reason:     "Message: Gtmhub returned an error response with the HTTP status code 409.  ",
			exportDesc: "Failed to create Group 'Sales' in Gtmhub"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			rs := by[tc.source]
			if len(rs) != 1 {
				t.Fatalf("%d records", len(rs))
			}
			r := rs[0]
			var got []step
			for _, s := range r.ProvisioningSteps {
				got = append(got, step{s.Name, string(s.ProvisioningStepType), string(s.Status)})
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.steps) {
				t.Errorf("steps %v\nwant %v", got, tc.steps)
			}
			if !strings.HasPrefix(r.ProvisioningSteps[0].Description, "Received "+r.SourceIdentity.IdentityType+" '") ||
				!strings.HasSuffix(r.ProvisioningSteps[0].Description, "' change of type (Add) from Azure Active Directory") {
				t.Errorf("import description %q", r.ProvisioningSteps[0].Description)
			}
			var export provlog.Step
			for _, s := range r.ProvisioningSteps {
				if s.ProvisioningStepType == provlog.StepExport {
					export = s
				}
			}
			if export.Description != tc.exportDesc || export.Details["ReportableIdentifier"] == "" {
				t.Errorf("export step %+v, want description %q and a ReportableIdentifier", export, tc.exportDesc)
			}
			ei := r.ProvisioningStatusInfo.ErrorInformation
			switch {
			case tc.reason == "" && ei != nil:
				t.Errorf("errorInformation %+v on success", ei)
			case tc.reason != "" && (ei == nil || !strings.HasPrefix(ei.Reason, tc.reason) || ei.ErrorCode != "EntryConflict" ||
				ei.ErrorCategory != provlog.CategoryNonServiceFailure):
				t.Errorf("errorInformation %+v, want EntryConflict, nonServiceFailure, reason starting %q", ei, tc.reason)
			}
			if (r.TargetIdentity.ID != "") != tc.targetID {
				t.Errorf("targetIdentity %+v: id set %v, want %v", r.TargetIdentity, r.TargetIdentity.ID != "", tc.targetID)
			}
		})
	}
}
