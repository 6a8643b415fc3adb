package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// annAndBen: Ben's manager is Ann; both are assigned.
const annAndBen = `app:
  scope: assigned
  assignments: {users: [a, b]}
users:
  - {objectId: a, userPrincipalName: a@contoso.com, mailNickname: a, displayName: Ann, department: Sales}
  - {objectId: b, userPrincipalName: b@contoso.com, mailNickname: b, displayName: Ben, department: Sales, manager: a}
`

// eventLog is an Observer that keeps the events.
type eventLog struct{ events []Event }

func (l *eventLog) Exported(_ context.Context, e Event) { l.events = append(l.events, e) }
func (l *eventLog) CycleDone(context.Context, *Summary) {}

func (l *eventLog) of(src string) []Event {
	var out []Event
	for _, e := range l.events {
		if e.Key.SourceID == src {
			out = append(out, e)
		}
	}
	return out
}

// seedUser creates a user straight in the target (not through the engine)
// and returns its id.
func (e *testEnv) seedUser(body map[string]any) string {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.client.BaseURL()+"/Users", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+e.srv.Token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("seed user: HTTP %d: %v", resp.StatusCode, err)
	}
	id, _ := m["id"].(string)
	if id == "" {
		e.t.Fatalf("seed user: no id in %v", m)
	}
	return id
}

// isReferenceCheck tells the FLOW-06 query from the other user queries.
func isReferenceCheck(j journalEntry) bool {
	q, err := url.QueryUnescape(j.Query)
	return err == nil && j.Method == http.MethodGet && j.Path == "/Users" && strings.Contains(q, " and manager eq ")
}

// isManagerPatch is a FLOW-08 PATCH of the user with target id.
func isManagerPatch(j journalEntry, id string) bool {
	return j.Method == http.MethodPatch && j.Path == "/Users/"+id && strings.Contains(j.RequestBody, "manager")
}

func managerOf(t *testing.T, env *testEnv, id string) string {
	t.Helper()
	u, code := env.getResource("Users", id)
	if code != http.StatusOK {
		t.Fatalf("GET user %s: %d", id, code)
	}
	ent, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	m, _ := ent["manager"].(map[string]any)
	v, _ := m["value"].(string)
	return v
}

// checkFailedStep returns the record's failed referenceResolution step that
// names ENTRA-FLOW-06, if any.
func checkFailedStep(r provlog.Record) (provlog.Step, bool) {
	for _, s := range r.ProvisioningSteps {
		if s.ProvisioningStepType == provlog.StepReferenceResolution && s.Status == provlog.StatusFailure &&
			s.Details["specId"] == SpecReferenceCheck && strings.Contains(s.Description, SpecReferenceCheck) {
			return s, true
		}
	}
	return provlog.Step{}, false
}

// TestReferenceCheck_ENTRA_FLOW_06 drives the manager reference check
// through Engine.Cycle against the reference server: the engine option
// (default on) and the client option turn it off; a check answered with
// an error (500, an unreadable 200) is logged as its own failure naming
// ENTRA-FLOW-06 while the manager PATCH is still sent and the create still
// counts as a create; a check that finds the manager sends no PATCH.
func TestReferenceCheck_ENTRA_FLOW_06(t *testing.T) {
	cases := []struct {
		name       string
		engineSkip bool // engine.Options.SkipReferenceCheck
		clientSkip bool // scim.Options.SkipReferenceCheck
		faults     string
		// seed puts Ann and Ben in the target first, Ben with Ann as
		// manager: both are matched, not created.
		seed bool

		wantChecks, wantPatches int
		// wantCheckCode is the errorCode of a failed check ("" = none).
		wantCheckCode string
		// wantStatus is Ben's record status.
		wantStatus provlog.Status
		wantAction provlog.Action
	}{
		{name: "default: check then PATCH", wantChecks: 1, wantPatches: 1,
			wantStatus: provlog.StatusSuccess, wantAction: provlog.ActionCreate},
		{name: "engine option off: PATCH only", engineSkip: true, wantChecks: 0, wantPatches: 1,
			wantStatus: provlog.StatusSuccess, wantAction: provlog.ActionCreate},
		{name: "client option off: PATCH only", clientSkip: true, wantChecks: 0, wantPatches: 1,
			wantStatus: provlog.StatusSuccess, wantAction: provlog.ActionCreate},
		{name: "check answered 500: logged, PATCH sent",
			faults:     `{"name":"check-500","method":"GET","path":"^/Users$","query":"manager eq","status":500}`,
			wantChecks: 1, wantPatches: 1, wantCheckCode: "InternalServerError",
			wantStatus: provlog.StatusWarning, wantAction: provlog.ActionCreate},
		{name: "check answered 400: logged, PATCH sent",
			faults:     `{"name":"check-400","method":"GET","path":"^/Users$","query":"manager eq","status":400}`,
			wantChecks: 1, wantPatches: 1, wantCheckCode: "*",
			wantStatus: provlog.StatusWarning, wantAction: provlog.ActionCreate},
		{name: "check answered with an unreadable 200: logged, PATCH sent",
			faults:     `{"name":"check-garbled","method":"GET","path":"^/Users$","query":"manager eq","action":"malformed"}`,
			wantChecks: 1, wantPatches: 1, wantCheckCode: "SystemForCrossDomainIdentityManagementServiceIncompatible",
			wantStatus: provlog.StatusWarning, wantAction: provlog.ActionCreate},
		{name: "check off and check faulted: nothing to log",
			faults:     `{"name":"check-500","method":"GET","path":"^/Users$","query":"manager eq","status":500}`,
			engineSkip: true, wantChecks: 0, wantPatches: 1,
			wantStatus: provlog.StatusSuccess, wantAction: provlog.ActionCreate},
		{name: "check finds the manager: no PATCH", seed: true, wantChecks: 1, wantPatches: 0,
			wantStatus: provlog.StatusSkipped, wantAction: provlog.ActionOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, func(o *scim.Options) { o.SkipReferenceCheck = tc.clientSkip })
			var seededAnn string
			if tc.seed {
				seededAnn = env.seedUser(map[string]any{"userName": "a@contoso.com", "externalId": "a", "displayName": "Ann", "active": true,
					"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "Sales"}})
				env.seedUser(map[string]any{"userName": "b@contoso.com", "externalId": "b", "displayName": "Ben", "active": true,
					"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "Sales", "manager": map[string]any{"value": seededAnn}}})
			}
			if tc.faults != "" {
				env.setFaults(tc.faults)
			}
			obs := &eventLog{}
			eng := env.engine(nil, func(o *Options) { o.SkipReferenceCheck = tc.engineSkip; o.Observer = obs })
			s := env.cycle(eng, parseDir(t, annAndBen))
			reqs := env.requests()

			ann, ben := env.link(state.KindUser, "a"), env.link(state.KindUser, "b")
			if !ann.Linked() || !ben.Linked() {
				t.Fatalf("Ann and Ben must be linked: %+v %+v", ann, ben)
			}
			if tc.seed && ann.TargetID != seededAnn {
				t.Fatalf("Ann linked to %s, want the seeded %s", ann.TargetID, seededAnn)
			}
			checks, patches, checkAt, patchAt := 0, 0, -1, -1
			for i, r := range reqs {
				if isReferenceCheck(r) {
					checks++
					checkAt = i
					if q, _ := url.QueryUnescape(r.Query); !strings.Contains(q, `id eq "`+ben.TargetID+`"`) || !strings.Contains(q, `manager eq "`+ann.TargetID+`"`) {
						t.Errorf("reference check %s is not about Ben and Ann", q)
					}
				}
				if isManagerPatch(r, ben.TargetID) {
					patches++
					patchAt = i
				}
			}
			if checks != tc.wantChecks || patches != tc.wantPatches {
				t.Fatalf("%d reference checks and %d manager PATCHes, want %d and %d: %v", checks, patches, tc.wantChecks, tc.wantPatches, methodsPaths(reqs))
			}
			if checks > 0 && patches > 0 && checkAt > patchAt {
				t.Errorf("the reference check (#%d) must come before the manager PATCH (#%d)", checkAt, patchAt)
			}
			if got := managerOf(t, env, ben.TargetID); got != ann.TargetID {
				t.Errorf("Ben's manager in the target is %q, want Ann %s", got, ann.TargetID)
			}

			by := recordsBySource(s.Records)
			recs := by["b"]
			if len(recs) != 1 {
				t.Fatalf("Ben has %d records, want 1: %+v", len(recs), recs)
			}
			rec := recs[0]
			if rec.ProvisioningAction != tc.wantAction || rec.ProvisioningStatusInfo.Status != tc.wantStatus {
				t.Fatalf("Ben's record: %s/%s, want %s/%s; steps %+v", rec.ProvisioningAction, rec.ProvisioningStatusInfo.Status,
					tc.wantAction, tc.wantStatus, rec.ProvisioningSteps)
			}
			step, logged := checkFailedStep(rec)
			ei := rec.ProvisioningStatusInfo.ErrorInformation
			if tc.wantCheckCode == "" {
				if logged || ei != nil || s.ReferenceCheckFailures != 0 {
					t.Fatalf("no check failure expected: step %v, error %+v, summary count %d", logged, ei, s.ReferenceCheckFailures)
				}
			} else {
				if !logged || step.Details["errorCode"] == "" || (tc.wantCheckCode != "*" && step.Details["errorCode"] != tc.wantCheckCode) {
					t.Fatalf("failed check step %v %+v, want one naming %s with errorCode %s; steps %+v", logged, step, SpecReferenceCheck,
						tc.wantCheckCode, rec.ProvisioningSteps)
				}
				if ei == nil || ei.ErrorCode != step.Details["errorCode"] || !strings.Contains(ei.Reason, SpecReferenceCheck) {
					t.Fatalf("record error information %+v, want the check's %s", ei, step.Details["errorCode"])
				}
				if s.ReferenceCheckFailures != 1 {
					t.Fatalf("summary counts %d reference check failures, want 1", s.ReferenceCheckFailures)
				}
			}
			// The check never fails the user: the create counts as a
			// create, nothing is escrowed, the manager is resolved.
			wantCreated := 2
			if tc.seed {
				wantCreated = 0
			}
			if s.Counts.Created != wantCreated || s.Counts.Failed != 0 || s.Counts.ReferenceFailures != 0 || s.Escrow.Total() != 0 {
				t.Fatalf("counts %+v escrow %+v, want %d created and no failure", s.Counts, s.Escrow, wantCreated)
			}
			if !hasStep(rec, provlog.StepReferenceResolution) {
				t.Fatalf("Ben's record has no reference resolution step: %+v", rec.ProvisioningSteps)
			}
			if hasModified(rec, "manager", "", ann.TargetID) != (tc.wantPatches > 0) {
				t.Errorf("modified properties %+v: manager change logged must match whether it was sent", rec.ModifiedProperties)
			}
			evs := obs.of("b")
			if len(evs) != 1 || evs[0].ReferenceCheckFailed != (tc.wantCheckCode != "") || evs[0].Status != tc.wantStatus {
				t.Fatalf("Ben's events %+v", evs)
			}
		})
	}
}

// TestReferenceCheckFailureThenPatchFailure_ENTRA_FLOW_06: when the PATCH
// after a failed check fails too, the user fails with the PATCH's error, a
// reference failure (QUAR-03), the check still logged apart.
func TestReferenceCheckFailureThenPatchFailure_ENTRA_FLOW_06(t *testing.T) {
	env := newEnv(t, nil)
	env.setFaults(`{"name":"check-500","method":"GET","path":"^/Users$","query":"manager eq","status":500},` +
		`{"name":"manager-503","method":"PATCH","path":"^/Users/","status":503}`)
	s := env.cycle(env.engine(nil, nil), parseDir(t, annAndBen))
	rec := recordsBySource(s.Records)["b"]
	if len(rec) != 1 || rec[0].ProvisioningStatusInfo.Status != provlog.StatusFailure {
		t.Fatalf("Ben's records %+v", rec)
	}
	if _, ok := checkFailedStep(rec[0]); !ok {
		t.Fatalf("the failed check is not logged: %+v", rec[0].ProvisioningSteps)
	}
	ei := rec[0].ProvisioningStatusInfo.ErrorInformation
	if ei == nil || ei.ErrorCode == "InternalServerError" || strings.Contains(ei.Reason, SpecReferenceCheck) {
		t.Fatalf("the record's error must be the PATCH's, not the check's: %+v", ei)
	}
	if s.Counts.Failed != 1 || s.Counts.ReferenceFailures != 1 || s.ReferenceCheckFailures != 1 || s.Escrow.ReferenceFailures != 1 {
		t.Fatalf("counts %+v, check failures %d, escrow %+v", s.Counts, s.ReferenceCheckFailures, s.Escrow)
	}
}
