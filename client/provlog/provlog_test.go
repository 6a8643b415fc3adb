package provlog_test

import (
	"github.com/quantive/entra-scim-harness/golden"

	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

const tenant = "5ef3be57-0000-4000-8000-00000000aaaa"

const testJobID = "scim.73f0883fd67d4af1ac8a45367f8982e0." + tenant

var testSP = provlog.ServicePrincipal{ID: "00000000-0000-4000-8000-0000000000a1", DisplayName: "Gtmhub"}

// testJob returns a job with a deterministic clock (advancing 1 s per
// reading, which the duration must not depend on) and sequential GUIDs.
func testJob() *provlog.Job {
	n := 0
	clock := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	return &provlog.Job{
		JobID:            testJobID,
		TenantID:         tenant,
		ServicePrincipal: testSP,
		SourceSystem:     provlog.SourceSystemFor(tenant),
		TargetSystem:     provlog.TargetSystemFor(testJobID, testSP),
		InitiatedBy:      provlog.ProvisioningServiceInitiator(),
		NewID: func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		},
		Now: func() time.Time { clock = clock.Add(time.Second); return clock },
	}
}

// sampleRecords covers a failed create (LOG-13), a successful update with
// a manager change and a member add (LOG-07), a skipped out-of-scope user
// and a disable.
func sampleRecords() []provlog.Record {
	j := testJob()
	cycle := "c0000000-0000-4000-8000-000000000001"
	failed := j.Begin(cycle, provlog.ActionCreate, provlog.Identity{ID: "u1", DisplayName: "Joy Young", IdentityType: provlog.IdentityUser}).
		Step(provlog.StepImport, provlog.NameImportAdd, provlog.StatusSuccess, provlog.ReceivedDescription("User", "jyoung@contoso.com", "Add"), nil).
		Step(provlog.StepScoping, provlog.NameScoping, provlog.StatusSuccess, "Determine if User in scope by evaluating against each scoping filter", map[string]string{"Active in the source system": "True"}).
		Step(provlog.StepMatching, provlog.NameSynchronizationAdd, provlog.StatusSuccess, provlog.WillBeCreatedDescription("User", "jyoung@contoso.com", "Gtmhub"), nil).
		Step(provlog.StepExport, provlog.NameExportAdd, provlog.StatusFailure, provlog.FailedExportDescription("create", "User", "jyoung@contoso.com", "Gtmhub"),
			map[string]string{provlog.DetailReportableIdentifier: "jyoung@contoso.com"}).
		Modified("userName", nil, provlog.Str("jyoung@contoso.com")).
		Modified("active", nil, provlog.Str("True")).
		Fail(provlog.ErrorInfo{ErrorCode: "EntryConflict", Reason: provlog.HTTPReason("Gtmhub", 409, "The target reported a conflicting value (HTTP 409), \"uniqueness\""),
			AdditionalDetails: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409"}`,
			RecommendedAction: "Check the matching attributes"}).
		Elapsed(412 * time.Millisecond).
		Build()
	updated := j.Begin(cycle, provlog.ActionUpdate, provlog.Identity{ID: "u2", DisplayName: "Bob Berg", IdentityType: provlog.IdentityUser}).
		Target(provlog.Identity{ID: "t-2", DisplayName: "bob@contoso.com", IdentityType: provlog.IdentityUser}).
		Step(provlog.StepReferenceResolution, provlog.NameReferenceResolution, provlog.StatusSuccess, "Resolved manager", nil).
		Step(provlog.StepExport, provlog.NameExportUpdate, provlog.StatusSuccess, "User updated", nil).
		Modified("manager", provlog.Str("t-1"), provlog.Str("t-3")).
		Modified("members", nil, provlog.Str("t-2")).
		Elapsed(1500 * time.Microsecond).
		Build()
	skipped := j.Begin(cycle, provlog.ActionOther, provlog.Identity{ID: "u8", DisplayName: "Hugo Hansen", IdentityType: provlog.IdentityUser}).
		Step(provlog.StepScoping, provlog.NameScoping, provlog.StatusSkipped, "User is not assigned to the app", nil).
		Skip().Build()
	disabled := j.Begin(cycle, provlog.ActionDisable, provlog.Identity{ID: "u4", DisplayName: "Dan Diaz", IdentityType: provlog.IdentityUser}).
		Target(provlog.Identity{ID: "t-4", IdentityType: provlog.IdentityUser}).
		Step(provlog.StepExport, provlog.NameExportDisable, provlog.StatusSuccess, "User disabled, with a \"quote\", a comma\nand a newline", nil).
		Modified("active", provlog.Str("True"), provlog.Str("False")).
		Build()
	return []provlog.Record{failed, updated, skipped, disabled}
}

func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name), got)
}

func TestJSONGolden_LOG01(t *testing.T) {
	var b bytes.Buffer
	if err := provlog.WriteJSON(&b, sampleRecords()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "logs.json", b.Bytes())
}

// TestListGolden_LOG01: Graph's list response, as `entrasim logs --format
// json` writes it.
func TestListGolden_LOG01(t *testing.T) {
	var b bytes.Buffer
	if err := provlog.WriteList(&b, sampleRecords()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "list.json", b.Bytes())
}

func TestCSVGolden_LOG11(t *testing.T) {
	var l, s, p bytes.Buffer
	if err := provlog.WriteCSV(&l, &s, &p, sampleRecords()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, provlog.FileLogs, l.Bytes())
	matchGolden(t, provlog.FileSteps, s.Bytes())
	matchGolden(t, provlog.FileModifiedProperties, p.Bytes())
}

// TestJSONShape checks the exact Graph field names and enum values
// independently of the golden file (LOG-01..05, LOG-13).
func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := provlog.WriteJSON(&b, sampleRecords()); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"activityDateTime", "changeId", "cycleId", "durationInMilliseconds", "id", "initiatedBy", "jobId",
		"modifiedProperties", "provisioningAction", "provisioningStatusInfo", "provisioningSteps", "servicePrincipal",
		"sourceIdentity", "sourceSystem", "targetIdentity", "targetSystem", "tenantId"}
	for _, k := range want {
		if _, ok := got[0][k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if len(got[0]) != len(want) {
		t.Errorf("record has %d fields, want %d", len(got[0]), len(want))
	}
	status := got[0]["provisioningStatusInfo"].(map[string]any)
	ei := status["errorInformation"].(map[string]any)
	if status["status"] != "failure" || ei["errorCode"] != "EntryConflict" || ei["errorCategory"] != "nonServiceFailure" {
		t.Errorf("status info = %v", status)
	}
	for _, k := range []string{"errorCode", "reason", "additionalDetails", "errorCategory", "recommendedAction"} {
		if _, ok := ei[k]; !ok {
			t.Errorf("errorInformation.%s missing", k)
		}
	}
	step := got[0]["provisioningSteps"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "description", "details", "provisioningStepType", "status"} {
		if _, ok := step[k]; !ok {
			t.Errorf("step.%s missing", k)
		}
	}
	mp := got[0]["modifiedProperties"].([]any)[0].(map[string]any)
	if mp["oldValue"] != nil || mp["newValue"] != "jyoung@contoso.com" {
		t.Errorf("modified property = %v (oldValue must be null on create)", mp)
	}
	if got[2]["provisioningStatusInfo"].(map[string]any)["errorInformation"] != nil {
		t.Error("skipped record must carry no errorInformation")
	}
	if got[0]["durationInMilliseconds"].(float64) != 412 {
		t.Errorf("duration = %v", got[0]["durationInMilliseconds"])
	}
}

// TestCSVJoin: every step and modified property row joins a log row on
// changeId (LOG-11).
func TestCSVJoin_LOG11(t *testing.T) {
	dir := t.TempDir()
	recs := sampleRecords()
	if err := provlog.WriteCSVDir(dir, recs); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	logs, steps, props := read(provlog.FileLogs), read(provlog.FileSteps), read(provlog.FileModifiedProperties)
	if len(logs) != len(recs)+1 {
		t.Fatalf("%d log rows", len(logs))
	}
	changeIDs := map[string]bool{}
	for _, r := range logs[1:] {
		changeIDs[r[3]] = true
	}
	nSteps, nProps := 0, 0
	for _, r := range recs {
		nSteps += len(r.ProvisioningSteps)
		nProps += len(r.ModifiedProperties)
	}
	if len(steps)-1 != nSteps || len(props)-1 != nProps {
		t.Fatalf("rows: %d steps (want %d), %d props (want %d)", len(steps)-1, nSteps, len(props)-1, nProps)
	}
	for _, r := range append(steps[1:], props[1:]...) {
		if !changeIDs[r[0]] {
			t.Errorf("row %v does not join a log row", r)
		}
	}
	hdr := strings.Join(logs[0], ",")
	for _, col := range []string{"activityDateTime", "TimeGenerated", "status", "ResultType", "reason", "ResultDescription", "errorDescription"} {
		if !strings.Contains(hdr, col) {
			t.Errorf("column %s missing (LOG-10)", col)
		}
	}
}

func TestJobID_LOG09(t *testing.T) {
	id, err := provlog.NewJobID(provlog.TemplateSCIM, tenant)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, hexID, ten, err := provlog.ParseJobID(id)
	if err != nil || tmpl != "scim" || len(hexID) != 32 || ten != tenant {
		t.Fatalf("ParseJobID(%q) = %q %q %q %v", id, tmpl, hexID, ten, err)
	}
	if _, _, _, err := provlog.ParseJobID("scim.73f0883f-d67d-4af1-ac8a-45367f8982e0." + tenant); err != nil {
		t.Errorf("documented example shape rejected: %v", err)
	}
	for _, bad := range []string{"", "scim", "scim.xyz." + tenant, "scim.abcdef01.not-a-guid", "sc im.abcdef01." + tenant} {
		if _, _, _, err := provlog.ParseJobID(bad); err == nil {
			t.Errorf("ParseJobID(%q) accepted", bad)
		}
	}
	if _, err := provlog.JobID("customappsso", "zz", tenant); err == nil {
		t.Error("JobID with non-hex id accepted")
	}
	if !provlog.IsGUID(provlog.NewGUID()) {
		t.Error("NewGUID is not a GUID")
	}
}

func TestCategoryFor_LOG04(t *testing.T) {
	if provlog.CategoryFor("InternalError") != provlog.CategoryFailure || provlog.CategoryFor("EntryConflict") != provlog.CategoryNonServiceFailure {
		t.Error("CategoryFor")
	}
	r := testJob().Begin("c", provlog.ActionCreate, provlog.Identity{}).Warn(provlog.ErrorInfo{ErrorCode: "Timeout"}).Build()
	if r.ProvisioningStatusInfo.Status != provlog.StatusWarning || r.ProvisioningStatusInfo.ErrorInformation.ErrorCategory != provlog.CategoryNonServiceFailure {
		t.Errorf("Warn: %+v", r.ProvisioningStatusInfo)
	}
}

func TestEmptyExport(t *testing.T) {
	var b bytes.Buffer
	if err := provlog.WriteJSON(&b, nil); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Fatalf("empty JSON = %q, %v", b.String(), err)
	}
}

func TestBuilderCopiesSlices(t *testing.T) {
	b := testJob().Begin("c", provlog.ActionUpdate, provlog.Identity{}).Step(provlog.StepImport, "a", provlog.StatusSuccess, "", nil)
	first := b.Build()
	b.Step(provlog.StepExport, "b", provlog.StatusSuccess, "", nil)
	if len(first.ProvisioningSteps) != 1 {
		t.Fatal("a built record changed after more steps were added")
	}
}
