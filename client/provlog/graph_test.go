package provlog_test

// Records checked against Microsoft's pages: the property list of the
// provisioningObjectSummary resource type and its related types (v1.0,
// "Properties" of each), and the values of List provisioningObjectSummary,
// v1.0, Examples 1 and 2 (the response bodies).

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// kind is a JSON value's type as encoding/json decodes it into any.
type kind string

const (
	kString kind = "string"
	kNumber kind = "number"
	kObject kind = "object"
	kArray  kind = "array"
	kNull   kind = "null"
)

func kindOf(v any) kind {
	switch v.(type) {
	case string:
		return kString
	case float64:
		return kNumber
	case map[string]any:
		return kObject
	case []any:
		return kArray
	case nil:
		return kNull
	}
	return "other"
}

// field is one Graph property: its JSON types (nullable properties have
// two) and, for objects, the properties of its type.
type field struct {
	kinds []kind
	of    map[string]field
	// enum lists the allowed values of an enum property.
	enum []string
}

func str() field       { return field{kinds: []kind{kString}} }
func strOrNull() field { return field{kinds: []kind{kString, kNull}} }
func enum(v ...string) field {
	return field{kinds: []kind{kString}, enum: v}
}
func object(of map[string]field) field { return field{kinds: []kind{kObject}, of: of} }

// Graph's property lists, v1.0 "Properties" of each resource type page.
var (
	// provisioningResult: provisioningStatusInfo and provisioningStep pages.
	resultEnum = []string{"success", "warning", "failure", "skipped", "unknownFutureValue"}
	// detailsInfo: an open property bag, a JSON object (detailsInfo page;
	// {} or string values in every example).
	details = field{kinds: []kind{kObject}}
	// provisionedIdentity page.
	identity = object(map[string]field{"details": details, "displayName": str(), "id": str(), "identityType": str()})
	// provisioningSystem page.
	system = object(map[string]field{"details": details, "displayName": str(), "id": str()})
	// provisioningStep page.
	step = object(map[string]field{"description": str(), "details": details, "name": str(),
		"provisioningStepType": enum("import", "scoping", "matching", "processing", "referenceResolution", "export", "unknownFutureValue"),
		"status":               enum(resultEnum...)})
	// modifiedProperty page; null values as in List Example 1 and 2.
	modifiedProperty = object(map[string]field{"displayName": str(), "oldValue": strOrNull(), "newValue": strOrNull()})
	// provisioningErrorInfo page; null strings as in List Example 2.
	errorInfo = field{kinds: []kind{kObject, kNull}, of: map[string]field{
		"additionalDetails": strOrNull(), "errorCategory": enum("failure", "nonServiceFailure", "success", "unknownFutureValue"),
		"errorCode": strOrNull(), "reason": strOrNull(), "recommendedAction": strOrNull()}}
	// provisioningObjectSummary page.
	summary = map[string]field{
		"activityDateTime":       str(),
		"changeId":               str(),
		"cycleId":                str(),
		"durationInMilliseconds": {kinds: []kind{kNumber}},
		"id":                     str(),
		"initiatedBy": object(map[string]field{"displayName": str(), "id": str(),
			"initiatorType": enum("user", "application", "system", "unknownFutureValue")}),
		"jobId":              str(),
		"modifiedProperties": {kinds: []kind{kArray}, of: map[string]field{"[]": modifiedProperty}},
		"provisioningAction": enum("create", "update", "delete", "stagedDelete", "disable", "other", "unknownFutureValue"),
		"provisioningStatusInfo": object(map[string]field{"status": enum(resultEnum...),
			"errorInformation": errorInfo}),
		"provisioningSteps": {kinds: []kind{kArray}, of: map[string]field{"[]": step}},
		// One object with id and displayName, as both List examples show.
		"servicePrincipal": object(map[string]field{"id": str(), "displayName": str()}),
		"sourceIdentity":   identity,
		"sourceSystem":     system,
		"targetIdentity":   identity,
		"targetSystem":     system,
		"tenantId":         str(),
	}
)

// checkFields compares one decoded object with Graph's property list:
// every property present with one of its types, nothing else.
func checkFields(t *testing.T, path string, got map[string]any, want map[string]field) {
	t.Helper()
	for name, f := range want {
		v, ok := got[name]
		if !ok {
			t.Errorf("%s.%s missing", path, name)
			continue
		}
		checkValue(t, path+"."+name, v, f)
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s.%s is not a Graph property", path, name)
		}
	}
}

func checkValue(t *testing.T, path string, v any, f field) {
	t.Helper()
	k := kindOf(v)
	if !slices.Contains(f.kinds, k) {
		t.Errorf("%s is %s %v, want %v", path, k, v, f.kinds)
		return
	}
	if f.enum != nil && !slices.Contains(f.enum, v.(string)) {
		t.Errorf("%s = %q, not one of %v", path, v, f.enum)
	}
	switch k {
	case kObject:
		if f.of != nil {
			checkFields(t, path, v.(map[string]any), f.of)
		}
	case kArray:
		for i, x := range v.([]any) {
			checkValue(t, path+"["+strconv.Itoa(i)+"]", x, f.of["[]"])
		}
	}
}

// decodeList writes recs with WriteList and decodes the envelope.
func decodeList(t *testing.T, recs []provlog.Record) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := provlog.WriteList(&b, recs); err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(b.Bytes(), &env); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return env
}

// TestListEnvelope_LOG01: WriteList writes Graph's list response, with
// the @odata.context of List provisioningObjectSummary's examples, and
// nothing else at the top.
func TestListEnvelope_LOG01(t *testing.T) {
	for _, tc := range []struct {
		name string
		recs []provlog.Record
	}{
		{"none", nil},
		{"empty", []provlog.Record{}},
		{"samples", sampleRecords()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := decodeList(t, tc.recs)
			keys := make([]string, 0, len(env))
			for k := range env {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, []string{"@odata.context", "value"}) {
				t.Fatalf("top-level keys %v, want @odata.context and value", keys)
			}
			if got := env["@odata.context"]; got != "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning" {
				t.Errorf("@odata.context = %v", got)
			}
			value, ok := env["value"].([]any)
			if !ok {
				t.Fatalf("value is %s, want an array", kindOf(env["value"]))
			}
			if len(value) != len(tc.recs) {
				t.Errorf("value has %d records, want %d", len(value), len(tc.recs))
			}
			for i, r := range value {
				if id := r.(map[string]any)["id"]; id != tc.recs[i].ID {
					t.Errorf("value[%d].id = %v, want %s (order kept)", i, id, tc.recs[i].ID)
				}
			}
		})
	}
}

// TestRecordMatchesGraph_LOG01: every exported record has every property
// of provisioningObjectSummary and of its related types, with Graph's JSON
// type, and no other; activityDateTime is ISO 8601 UTC and the duration an
// Int32.
func TestRecordMatchesGraph_LOG01(t *testing.T) {
	recs := sampleRecords()
	// A record with nothing set but the job's fields: details and
	// collections must still be objects and arrays.
	recs = append(recs, provlog.Record{ID: "bare", ProvisioningAction: provlog.ActionOther,
		ProvisioningStatusInfo: provlog.StatusInfo{Status: provlog.StatusSkipped},
		ProvisioningSteps:      []provlog.Step{{Name: "x", ProvisioningStepType: provlog.StepImport, Status: provlog.StatusSkipped}},
		InitiatedBy:            provlog.ProvisioningServiceInitiator()})
	env := decodeList(t, recs)
	for i, v := range env["value"].([]any) {
		r := v.(map[string]any)
		path := "value[" + recs[i].ID + "]"
		checkFields(t, path, r, summary)
		ts, _ := r["activityDateTime"].(string)
		if at, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") || at.Location() != time.UTC {
			t.Errorf("%s.activityDateTime %q is not ISO 8601 UTC: %v", path, ts, err)
		}
		if d, _ := r["durationInMilliseconds"].(float64); d != math.Trunc(d) || d < 0 || d > math.MaxInt32 {
			t.Errorf("%s.durationInMilliseconds %v is not an Int32", path, d)
		}
	}
}

// TestRecordMatchesGraphExample_LOG13: a failed group create built as the
// engine builds one gives the values and casing of List
// provisioningObjectSummary, Example 2 (Contoso, 'Self-service Pilot',
// 409).
func TestRecordMatchesGraphExample_LOG13(t *testing.T) {
	sp := provlog.ServicePrincipal{ID: "chc46a42-966b-47d7-9774-576b1c8bd0b8", DisplayName: "Contoso"}
	j := &provlog.Job{JobID: testJobID, TenantID: tenant, ServicePrincipal: sp,
		SourceSystem: provlog.SourceSystemFor(tenant), TargetSystem: provlog.TargetSystemFor(testJobID, sp),
		InitiatedBy: provlog.ProvisioningServiceInitiator()}
	const name = "Self-service Pilot"
	rec := j.Begin("c", provlog.ActionCreate, provlog.Identity{ID: "5e6c9rae", DisplayName: name, IdentityType: provlog.IdentityGroup}).
		Step(provlog.StepImport, provlog.NameImportAdd, provlog.StatusSuccess, provlog.ReceivedDescription("Group", name, "Add"), nil).
		Step(provlog.StepMatching, provlog.NameSynchronizationAdd, provlog.StatusSuccess, provlog.WillBeCreatedDescription("Group", name, "Contoso"), nil).
		Step(provlog.StepExport, provlog.NameExportAdd, provlog.StatusFailure, provlog.FailedExportDescription("create", "Group", name, "Contoso"),
			map[string]string{provlog.DetailReportableIdentifier: name}).
		Fail(provlog.ErrorInfo{ErrorCode: "EntryConflict", Reason: provlog.HTTPReason("Contoso", 409, "This response indicates that a user or a group already exisits with the same name.")}).
		Build()
	env := decodeList(t, []provlog.Record{rec})
	r := env["value"].([]any)[0].(map[string]any)
	get := func(path ...string) any {
		var v any = r
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[p]
		}
		return v
	}
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"provisioningAction"}, "create"},
		{[]string{"sourceSystem", "displayName"}, "Azure Active Directory"},
		{[]string{"sourceSystem", "details"}, map[string]any{}},
		{[]string{"targetSystem", "displayName"}, "Contoso"},
		{[]string{"targetSystem", "details", "ServicePrincipalId"}, sp.ID},
		{[]string{"targetSystem", "details", "ServicePrincipalDisplayName"}, "Contoso"},
		{[]string{"initiatedBy"}, map[string]any{"id": "", "displayName": "Azure AD Provisioning Service", "initiatorType": "system"}},
		{[]string{"servicePrincipal"}, map[string]any{"id": sp.ID, "displayName": "Contoso"}},
		{[]string{"sourceIdentity", "identityType"}, "Group"},
		{[]string{"sourceIdentity", "details"}, map[string]any{}},
		{[]string{"targetIdentity"}, map[string]any{"id": "", "displayName": "", "identityType": "Group", "details": map[string]any{}}},
		{[]string{"provisioningStatusInfo", "status"}, "failure"},
		{[]string{"provisioningStatusInfo", "errorInformation", "errorCategory"}, "nonServiceFailure"},
		{[]string{"provisioningStatusInfo", "errorInformation", "additionalDetails"}, nil},
		{[]string{"provisioningStatusInfo", "errorInformation", "recommendedAction"}, nil},
		{[]string{"provisioningStatusInfo", "errorInformation", "reason"},
			"Message: Contoso returned an error response with the HTTP status code 409.  This response indicates that a user or a group already exisits with the same name."},
		{[]string{"modifiedProperties"}, []any{}},
	} {
		if got := get(tc.path...); !jsonEqual(got, tc.want) {
			t.Errorf("%s = %#v, want %#v", strings.Join(tc.path, "."), got, tc.want)
		}
	}
	if ei := get("provisioningStatusInfo", "errorInformation").(map[string]any); len(ei) != 5 {
		t.Errorf("errorInformation has %d properties, want 5 (null ones included): %v", len(ei), ei)
	}
	td := get("targetSystem", "details").(map[string]any)
	if len(td) != 3 || !provlog.IsGUID(td["ApplicationId"].(string)) || !provlog.IsGUID(get("targetSystem", "id").(string)) {
		t.Errorf("targetSystem %v: want a GUID id and ApplicationId, ServicePrincipalId, ServicePrincipalDisplayName", get("targetSystem"))
	}
	wantSteps := []map[string]any{
		{"name": "EntryImportAdd", "provisioningStepType": "import", "status": "success",
			"description": "Received Group 'Self-service Pilot' change of type (Add) from Azure Active Directory", "details": map[string]any{}},
		{"name": "EntrySynchronizationAdd", "provisioningStepType": "matching", "status": "success",
			"description": "Group 'Self-service Pilot' will be created in Contoso (Group is active and assigned in Azure Active Directory, but no matching Group was found in Contoso)",
			"details":     map[string]any{}},
		{"name": "EntryExportAdd", "provisioningStepType": "export", "status": "failure",
			"description": "Failed to create Group 'Self-service Pilot' in Contoso", "details": map[string]any{"ReportableIdentifier": "Self-service Pilot"}},
	}
	steps := get("provisioningSteps").([]any)
	if len(steps) != len(wantSteps) {
		t.Fatalf("%d steps, want %d", len(steps), len(wantSteps))
	}
	for i, w := range wantSteps {
		if !jsonEqual(steps[i], w) {
			t.Errorf("step %d = %v\nwant %v", i, steps[i], w)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestTargetSystemFor: the target system's id and ApplicationId are GUIDs,
// stable per job and different between jobs and from each other.
func TestTargetSystemFor(t *testing.T) {
	other := "scim.0a1b2c3d4e5f60718293a4b5c6d7e8f9." + tenant
	a, a2, b := provlog.TargetSystemFor(testJobID, testSP), provlog.TargetSystemFor(testJobID, testSP), provlog.TargetSystemFor(other, testSP)
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"id is a GUID", provlog.IsGUID(a.ID)},
		{"ApplicationId is a GUID", provlog.IsGUID(a.Details["ApplicationId"])},
		{"id stable per job", a.ID == a2.ID && a.Details["ApplicationId"] == a2.Details["ApplicationId"]},
		{"id differs between jobs", a.ID != b.ID && a.Details["ApplicationId"] != b.Details["ApplicationId"]},
		{"id differs from ApplicationId", a.ID != a.Details["ApplicationId"]},
		{"ServicePrincipalId", a.Details["ServicePrincipalId"] == testSP.ID},
		{"ServicePrincipalDisplayName", a.Details["ServicePrincipalDisplayName"] == testSP.DisplayName && a.DisplayName == testSP.DisplayName},
		{"three details", len(a.Details) == 3},
		{"source details an empty object", provlog.SourceSystemFor(tenant).Details != nil && len(provlog.SourceSystemFor(tenant).Details) == 0},
	} {
		if !tc.ok {
			t.Errorf("%s: %+v / %+v", tc.name, a, b)
		}
	}
}

// TestDurationFromElapsed: durationInMilliseconds is the wall time
// reported with Elapsed, summed, in whole milliseconds; the job clock that
// dates the record does not count.
func TestDurationFromElapsed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		elapsed []time.Duration
		want    int32
	}{
		{"none", nil, 0},
		{"one", []time.Duration{250 * time.Millisecond}, 250},
		{"summed below a millisecond each", []time.Duration{600 * time.Microsecond, 600 * time.Microsecond}, 1},
		{"phases", []time.Duration{3 * time.Second, 236 * time.Millisecond}, 3236},
		{"negative ignored", []time.Duration{-time.Second, 5 * time.Millisecond}, 5},
		{"capped at Int32", []time.Duration{time.Duration(math.MaxInt32+10) * time.Millisecond}, math.MaxInt32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testJob().Begin("c", provlog.ActionCreate, provlog.Identity{ID: "u"})
			for _, d := range tc.elapsed {
				b.Elapsed(d)
			}
			if got := b.Build().DurationInMilliseconds; got != tc.want {
				t.Errorf("duration %d, want %d", got, tc.want)
			}
		})
	}
}

// TestErrorInfoNulls: empty provisioningErrorInfo strings are written as
// null (List Example 2) and read back as empty strings.
func TestErrorInfoNulls(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    provlog.ErrorInfo
		nulls []string
	}{
		{"example 2", provlog.ErrorInfo{ErrorCode: "EntryConflict", Reason: "r", ErrorCategory: provlog.CategoryNonServiceFailure},
			[]string{"additionalDetails", "recommendedAction"}},
		{"all set", provlog.ErrorInfo{ErrorCode: "c", Reason: "r", AdditionalDetails: "a", ErrorCategory: provlog.CategoryFailure, RecommendedAction: "x"}, nil},
		{"empty", provlog.ErrorInfo{}, []string{"additionalDetails", "errorCode", "reason", "recommendedAction"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			var nulls []string
			for k, v := range m {
				if v == nil {
					nulls = append(nulls, k)
				}
			}
			slices.Sort(nulls)
			if !slices.Equal(nulls, tc.nulls) || len(m) != 5 {
				t.Errorf("%s: nulls %v, want %v", b, nulls, tc.nulls)
			}
			var back provlog.ErrorInfo
			if err := json.Unmarshal(b, &back); err != nil || back != tc.in {
				t.Errorf("read back %+v, %v; want %+v", back, err, tc.in)
			}
		})
	}
}
