package ginkgoreport

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

func spec(text string, state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{
		LeafNodeType:   types.NodeTypeIt,
		LeafNodeText:   text,
		LeafNodeLabels: labels,
		State:          state,
		Failure:        types.Failure{Message: msg},
	}
}

func labels(t *testing.T, ids ...string) []string {
	t.Helper()
	ls, err := requirements.Labels(ids...)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// syntheticReport mimics a run: a passing and a failing dialect of one
// behaviour, two specs for one ID, a not-applicable skip, a filtered skip.
func syntheticReport(t *testing.T) types.Report {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	failing := spec("removes a member", types.SpecStateFailed, "Expected status 204, but got 400\n\n> PATCH …", append(labels(t, "ENTRA-FLOW-17"), "dialect:compliant")...)
	failing.ContainerHierarchyLabels = [][]string{{"dialect:compliant"}}
	failing.ReportEntries = types.ReportEntries{{Name: "artefact", Value: types.WrapEntryValue("artefacts/ENTRA-FLOW-17-compliant.txt")}}
	notApplicable := spec("409 is EntryConflict", types.SpecStateSkipped, "not applicable: needs the admin API", labels(t, "ENTRA-RESP-09")...)
	notApplicable.ReportEntries = entries(framework.NotApplicableSpecEntry, "needs the admin API")
	return types.Report{
		StartTime: start,
		RunTime:   3 * time.Second,
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed},
			spec("removes a member", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-17"), "dialect:legacy")...),
			failing,
			spec("GET /Schemas", types.SpecStatePassed, "", labels(t, "ENTRA-FLOW-02")...),
			spec("GET /Schemas lists User", types.SpecStatePassed, "", labels(t, "ENTRA-FLOW-02")...),
			notApplicable,
			spec("ETag", types.SpecStateSkipped, "", labels(t, "RFC-08")...),
			spec("creates a user", types.SpecStatePanicked, "runtime error: nil map", labels(t, "ENTRA-FLOW-04", "ENTRA-REQ-01")...),
			spec("no labels", types.SpecStatePassed, ""),
		},
	}
}

func TestBuildFromSyntheticGinkgoReport(t *testing.T) {
	r := Build(syntheticReport(t), Input{
		Implementation: reports.Implementation{Name: "ref"},
		TargetKind:     "embedded",
		Dialects:       []string{"legacy", "compliant"},
		ArtefactEntry:  "artefact",
	})
	got := map[string]reports.Result{}
	for _, res := range r.Results {
		got[res.Key()] = res
	}
	want := map[string]reports.Outcome{
		"ENTRA-FLOW-17/legacy":    reports.Passed,
		"ENTRA-FLOW-17/compliant": reports.Failed,
		"ENTRA-FLOW-02":           reports.Passed,
		"ENTRA-RESP-09":           reports.NotApplicable,
		"RFC-08":                  reports.Skipped,
		"ENTRA-FLOW-04":           reports.Failed,
		"ENTRA-REQ-01":            reports.Failed,
	}
	if len(got) != len(want) {
		t.Errorf("rows %v, want %d", keys(got), len(want))
	}
	for k, o := range want {
		if got[k].Result != o {
			t.Errorf("%s: %s, want %s", k, got[k].Result, o)
		}
	}
	f := got["ENTRA-FLOW-17/compliant"]
	if f.Message != "removes a member: Expected status 204, but got 400" || f.Artefact != "artefacts/ENTRA-FLOW-17-compliant.txt" ||
		f.ErrorCode != "" || f.Title == "" || f.Profile != reports.ProfileEntraCore || f.Feature != "groups" {
		t.Errorf("failing row: %+v", f)
	}
	if c := got["ENTRA-REQ-01"]; c.ErrorCodeSource != "documented (DOC S5)" {
		t.Errorf("ENTRA-REQ-01 code source %q: each code says where it comes from", c.ErrorCodeSource)
	}
	if c := got["ENTRA-REQ-01"]; c.ErrorCode != "SystemForCrossDomainIdentityManagementServiceIncompatible" || c.Fix == "" {
		t.Errorf("catalogue data missing from ENTRA-REQ-01 row: %+v", c)
	}
	if got["ENTRA-FLOW-02"].Specs != 2 || got["ENTRA-FLOW-02"].Profile != reports.ProfileEntraGallery {
		t.Errorf("ENTRA-FLOW-02 row: %+v", got["ENTRA-FLOW-02"])
	}
	if got["ENTRA-RESP-09"].Message != "needs the admin API" || got["RFC-08"].Message != "skipped by the run's filters" {
		t.Errorf("skip messages: %q / %q", got["ENTRA-RESP-09"].Message, got["RFC-08"].Message)
	}
	if r.Succeeded || r.Duration != 3*time.Second || !r.Date.Equal(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)) || r.TargetKind != "embedded" {
		t.Errorf("report header: %+v", r)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], `"no labels" carries no spec ID`) {
		t.Errorf("notes %v", r.Notes)
	}
}

func TestBuildMarksSuiteSetupFailureAndUncovered(t *testing.T) {
	rep := types.Report{
		SpecialSuiteFailureReasons: []string{"Interrupted by User"},
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "start embedded target: boom\nmore"}},
			spec("GET /Schemas", types.SpecStateSkipped, "", labels(t, "ENTRA-FLOW-02")...),
		},
	}
	flow17, _ := requirements.Lookup("ENTRA-FLOW-17")
	flow02, _ := requirements.Lookup("ENTRA-FLOW-02")
	r := Build(rep, Input{Dialects: []string{"legacy", "compliant"}, Uncovered: []requirements.Requirement{flow17, flow02}})
	if r.Succeeded {
		t.Error("a failed suite setup must make the report unsuccessful")
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return n == "SynchronizedBeforeSuite failed: start embedded target: boom more" }) {
		t.Errorf("notes %v", r.Notes)
	}
	var ks []string
	for _, res := range r.Results {
		ks = append(ks, res.Key()+"="+string(res.Result))
	}
	// ENTRA-FLOW-02 was covered (skipped), so it is not added again; ENTRA-FLOW-17 gets a row per dialect.
	want := []string{"ENTRA-FLOW-17/compliant=skipped", "ENTRA-FLOW-17/legacy=skipped", "ENTRA-FLOW-02=skipped"}
	if !slices.Equal(ks, want) {
		t.Errorf("rows %v, want %v", ks, want)
	}
}

func keys(m map[string]reports.Result) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestSummary(t *testing.T) {
	for in, want := range map[string]string{
		"Expected status 204, but got 400\n\n> PATCH /Groups/1":                                "Expected status 204, but got 400",
		"Expected\n    <[]string | len:2>: [a, b]\nto consist of\n    <[]string | len:1>: [b]": "Expected [a, b] to consist of [b]",
		strings.Repeat("x", 400): strings.Repeat("x", 300) + "…",
	} {
		if got := summary(in); got != want {
			t.Errorf("summary(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildFoldsDialectsByCatalogue(t *testing.T) {
	rep := types.Report{SpecReports: types.SpecReports{
		// ENTRA-REQ-21 is not per dialect: its dialect runs fold into one row.
		spec("manager legacy", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-08", "ENTRA-REQ-21"), "dialect:legacy")...),
		spec("manager compliant", types.SpecStateFailed, "boom", append(labels(t, "ENTRA-FLOW-08", "ENTRA-REQ-21"), "dialect:compliant")...),
		// ENTRA-REQ-13 is per dialect: a spec outside ForEachDialect counts for both.
		spec("attribute case", types.SpecStatePassed, "", labels(t, "ENTRA-REQ-13")...),
	}}
	r := Build(rep, Input{Dialects: []string{"legacy", "compliant"}})
	got := map[string]string{}
	for _, res := range r.Results {
		got[res.Key()] = string(res.Result)
	}
	want := map[string]string{
		"ENTRA-FLOW-08/legacy": "passed", "ENTRA-FLOW-08/compliant": "failed",
		"ENTRA-REQ-21":        "failed",
		"ENTRA-REQ-13/legacy": "passed", "ENTRA-REQ-13/compliant": "passed",
	}
	if len(got) != len(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestBuildTakesTheObservedErrorCode(t *testing.T) {
	rep := types.Report{SpecReports: types.SpecReports{
		spec("update", types.SpecStateFailed, "Expected Entra to accept the answer to GetUser, but Entra would log SystemForCrossDomainIdentityManagementServiceIncompatible: manager is a bare string", labels(t, "ENTRA-FLOW-05")...),
	}}
	r := Build(rep, Input{})
	if got := r.Results[0].ErrorCode; got != "SystemForCrossDomainIdentityManagementServiceIncompatible" {
		t.Errorf("error code %q; the catalogue's InvalidAnchor should give way to the observed code", got)
	}
}

func entries(kv ...string) types.ReportEntries {
	var out types.ReportEntries
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.ReportEntry{Name: kv[i], Value: types.WrapEntryValue(kv[i+1])})
	}
	return out
}

// One behaviour, one verdict: a precondition failure blocks, a failure
// inside a Check counts against that behaviour only.
func TestBuildBlockedRowsAndCheckAttribution(t *testing.T) {
	blocked := spec("PATCH add sets nickName", types.SpecStateSkipped,
		requirements.BlockedMessage("ENTRA-FLOW-04", "create a user as Entra does: POST /Users answered 400"), labels(t, "ENTRA-PATCH-03")...)
	blocked.ReportEntries = entries(framework.BlockedByEntry, "ENTRA-FLOW-04", "artefact", "artefacts/ENTRA-PATCH-03.txt", framework.CauseEntry, "POST /Users → 400 Bad Request")
	load := spec("load", types.SpecStateFailed, "failed provisioning events stay at or below 40 %", labels(t, "ENTRA-QUAR-03", "ENTRA-HTTP-08")...)
	load.ReportEntries = entries(framework.CheckedEntry, "ENTRA-HTTP-08", framework.FailedCheckEntry, "ENTRA-QUAR-03", "artefact", "artefacts/load.txt")
	loadBlocked := spec("load blocked", types.SpecStateSkipped, requirements.BlockedMessage("ENTRA-FLOW-08", "60 of 210 events failed"), labels(t, "ENTRA-QUAR-03", "ENTRA-HTTP-06")...)
	loadBlocked.ReportEntries = entries(framework.CheckedEntry, "ENTRA-HTTP-06", framework.BlockedByEntry, "ENTRA-FLOW-08")
	notReached := spec("ref check", types.SpecStateFailed, "manager PATCH answered 400", labels(t, "ENTRA-FLOW-08", "ENTRA-FLOW-06")...)
	notReached.ReportEntries = entries(framework.FailedCheckEntry, "ENTRA-FLOW-08")
	mixed := spec("re-enable", types.SpecStateFailed, "PATCH answered 400", labels(t, "ENTRA-FLOW-10", "GTM-05")...)
	mixed.ReportEntries = entries(framework.NotApplicableEntry, "GTM-05")
	rep := types.Report{SpecReports: types.SpecReports{
		blocked, load, notReached, loadBlocked, mixed,
		spec("PATCH add, other spec", types.SpecStatePassed, "", labels(t, "ENTRA-PATCH-03")...),
	}}
	r := Build(rep, Input{ArtefactEntry: "artefact"})
	got := map[string]reports.Result{}
	for _, res := range r.Results {
		got[res.Key()] = res
	}
	for key, want := range map[string]struct {
		o     reports.Outcome
		by    string
		cause string
	}{
		"ENTRA-PATCH-03": {reports.Blocked, "ENTRA-FLOW-04", "POST /Users → 400 Bad Request"},
		"ENTRA-HTTP-08":  {reports.Passed, "", ""},
		"ENTRA-QUAR-03":  {reports.Failed, "", ""},
		"ENTRA-FLOW-08":  {reports.Failed, "", ""},
		"ENTRA-FLOW-06":  {reports.Blocked, "ENTRA-FLOW-08", ""},
		"ENTRA-HTTP-06":  {reports.Passed, "", ""},
		"ENTRA-FLOW-10":  {reports.Failed, "", ""},
		"GTM-05":         {reports.NotApplicable, "", ""},
	} {
		res, ok := got[key]
		if !ok {
			t.Errorf("no row %s", key)
			continue
		}
		if res.Result != want.o || res.BlockedBy != want.by || res.Cause != want.cause {
			t.Errorf("%s: %s by %q cause %q, want %s by %q cause %q (%s)", key, res.Result, res.BlockedBy, res.Cause, want.o, want.by, want.cause, res.Message)
		}
	}
	if a := got["ENTRA-PATCH-03"].Artefact; a != "artefacts/ENTRA-PATCH-03.txt" {
		t.Errorf("a blocked row carries its evidence, got %q", a)
	}
	if m := got["ENTRA-FLOW-06"].Message; !strings.HasPrefix(m, "blocked by ENTRA-FLOW-08: not reached") {
		t.Errorf("not-reached message %q", m)
	}
	if r.Totals.Blocked != 2 || r.Totals.Failed != 3 || r.Totals.Passed != 2 || r.Totals.NotApplicable != 1 {
		t.Errorf("totals %+v", r.Totals)
	}
}

func TestBuildAFailedPreflightIsTheOneFinding(t *testing.T) {
	p := &framework.PreflightFailure{ID: "ENTRA-HTTP-03", Message: "the token was rejected: … answered 401 Unauthorized; check SCIM_TOKEN",
		ErrorCode: "SystemForCrossDomainIdentityManagementCredentialValidationFailure", Artefact: "artefacts/preflight.txt", Cause: "GET /Users?filter → 401 Unauthorized"}
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: p.Error()}}
	other := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "SynchronizedBeforeSuite failed on Ginkgo parallel process #1"}}
	skipped := spec("creates a user", types.SpecStateSkipped, "", labels(t, "ENTRA-FLOW-04")...)
	r := Build(types.Report{SpecReports: types.SpecReports{setup, other, skipped}}, Input{Uncovered: requirements.All(), Preflight: p})
	if len(r.Results) != 1 {
		t.Fatalf("%d rows, want the one finding: %v", len(r.Results), r.Results)
	}
	res := r.Results[0]
	if res.ID != "ENTRA-HTTP-03" || res.Result != reports.Failed || res.Message != p.Message || res.Title == "" ||
		res.ErrorCode != p.ErrorCode || res.ErrorCodeSource == "" || res.Artefact != p.Artefact || res.Cause != p.Cause {
		t.Errorf("finding = %+v", res)
	}
	if r.Succeeded || !strings.Contains(r.Banner, "1 MUST behaviour failed") {
		t.Errorf("succeeded %v, banner %q", r.Succeeded, r.Banner)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "no behaviour was tested") {
		t.Errorf("notes %q", r.Notes)
	}
}

func TestSummaryDropsMatcherInternals(t *testing.T) {
	msg := "title after the rename\nExpected\n    <string>: Old\nto equal\n    <string>: New"
	if got := summary(msg); got != "title after the rename Expected Old to equal New" {
		t.Errorf("summary = %q", got)
	}
	if got := summary("Expected\n    <[]string | len:3, cap:4>: [\"a\", \"b\", \"a\"]"); got != `Expected ["a", "b", "a"]` {
		t.Errorf("summary = %q", got)
	}
}

func TestSummaryDropsTerminalColours(t *testing.T) {
	if got := summary("\x1b[1m\x1b[38;5;9mSynchronizedBeforeSuite failed\x1b[0m on process #1"); got != "SynchronizedBeforeSuite failed on process #1" {
		t.Errorf("summary = %q", got)
	}
}

func TestBuildMarksBehavioursWithOnlyConstructedForms(t *testing.T) {
	rep := types.Report{SpecReports: types.SpecReports{
		spec("re-enable", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-10"), "dialect:legacy")...),
		spec("re-enable", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-10"), "dialect:compliant")...),
		spec("rename", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-15"), "dialect:legacy")...),
		spec("rename", types.SpecStatePassed, "", append(labels(t, "ENTRA-FLOW-15"), "dialect:compliant")...),
		spec("create", types.SpecStatePassed, "", labels(t, "ENTRA-FLOW-04")...),
	}}
	r := Build(rep, Input{Dialects: []string{"legacy", "compliant"}, ConstructedOnly: map[string][]string{
		"legacy": {"ENTRA-FLOW-10"}, "compliant": {"ENTRA-FLOW-10", "ENTRA-FLOW-15"}}})
	if want := []string{"ENTRA-FLOW-10 (legacy, compliant)", "ENTRA-FLOW-15 (compliant)"}; !slices.Equal(r.ConstructedOnly, want) {
		t.Errorf("constructedOnly %v, want %v", r.ConstructedOnly, want)
	}
	for _, res := range r.Results {
		want := res.ID == "ENTRA-FLOW-10" || res.Key() == "ENTRA-FLOW-15/compliant"
		if res.ConstructedForm != want {
			t.Errorf("%s: constructedForm %v, want %v", res.Key(), res.ConstructedForm, want)
		}
	}
}
