package reports

import (
	"slices"
	"testing"
)

func TestFinalizeCountsProfilesAndLevels(t *testing.T) {
	r := sampleReport()
	if r.Succeeded {
		t.Fatal("a failed MUST behaviour (ENTRA-FLOW-17/compliant) must make the report unsuccessful")
	}
	want := map[Profile]struct {
		v              Verdict
		core, extended Counts
	}{
		ProfileEntraCore:    {Failure, Counts{Passed: 3, Failed: 1, Blocked: 1}, Counts{}},
		ProfileEntraGallery: {Partial, Counts{}, Counts{Failed: 1}},
		ProfileGtmhub:       {Partial, Counts{}, Counts{Skipped: 1}},
		ProfileRFC7644:      {None, Counts{}, Counts{NotApplicable: 1}},
	}
	var names []Profile
	for _, p := range r.Profiles {
		names = append(names, p.Name)
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("unexpected profile %q", p.Name)
			continue
		}
		if p.Verdict != w.v || p.Core.Counts != w.core || p.Extended.Counts != w.extended {
			t.Errorf("profile %s: got verdict %s core %+v extended %+v, want %s %+v %+v", p.Name, p.Verdict, p.Core.Counts, p.Extended.Counts, w.v, w.core, w.extended)
		}
	}
	if !slices.Equal(names, ProfileOrder) {
		t.Errorf("profiles in order %v, want %v", names, ProfileOrder)
	}
	if got := r.Profiles[0].Core.FailedIDs; !slices.Equal(got, []string{"ENTRA-FLOW-17/compliant"}) {
		t.Errorf("core failed ids = %v", got)
	}
}

func TestFinalizeSortsResultsByProfileIDAndDialect(t *testing.T) {
	r := sampleReport()
	var keys []string
	for _, res := range r.Results {
		keys = append(keys, res.Key())
	}
	want := []string{"ENTRA-FLOW-04", "ENTRA-FLOW-10", "ENTRA-FLOW-17/compliant", "ENTRA-FLOW-17/legacy", "ENTRA-PATCH-13/compliant", "ENTRA-FLOW-02", "GTM-06", "RFC-08"}
	if !slices.Equal(keys, want) {
		t.Errorf("order %v, want %v", keys, want)
	}
}

func TestFinalizeFeatures(t *testing.T) {
	f := sampleReport().Features
	if !slices.Equal(f.Supported, []string{"users"}) || !slices.Equal(f.Failing, []string{"discovery", "groups"}) || !slices.Equal(f.Unsupported, []string{"etag"}) {
		t.Errorf("features = %+v", f)
	}
}

func TestFinalizeSucceedsOnlyWhenMustHoldsAndRunOK(t *testing.T) {
	ok := []Result{
		{Requirement: Requirement{ID: "A-01", Level: Must, Profile: ProfileEntraCore}, Result: Passed},
		{Requirement: Requirement{ID: "A-02", Level: Should, Profile: ProfileEntraCore}, Result: Failed},
	}
	for _, tc := range []struct {
		name  string
		runOK bool
		want  bool
	}{{"should failure only", true, true}, {"run failed", false, false}} {
		r := &Report{Results: slices.Clone(ok)}
		r.Finalize(nil, tc.runOK)
		if r.Succeeded != tc.want {
			t.Errorf("%s: succeeded=%v want %v", tc.name, r.Succeeded, tc.want)
		}
		if r.Profiles[0].Verdict != Partial {
			t.Errorf("%s: a SHOULD failure with core passing gives partial, got %s", tc.name, r.Profiles[0].Verdict)
		}
	}
}

func TestProfileVerdict(t *testing.T) {
	for _, tc := range []struct{ core, ext, want Verdict }{
		{Success, None, Success},
		{Success, Failure, Partial},
		{Failure, Success, Failure},
		{None, Failure, Partial},
		{None, None, None},
		{Partial, Success, Partial},
		{None, Success, Success},
	} {
		if got := profileVerdict(tc.core, tc.ext); got != tc.want {
			t.Errorf("profileVerdict(%s, %s) = %s, want %s", tc.core, tc.ext, got, tc.want)
		}
	}
}

func row(id string, level Level, profile Profile, o Outcome) Result {
	return Result{Requirement: Requirement{ID: id, Level: level, Profile: profile}, Result: o}
}

func TestBannerNeverClaimsUntestedMustBehaviours(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rows   []Result
		runOK  bool
		banner string
		class  Verdict
	}{
		{"all MUST pass", []Result{row("A-01", Must, ProfileEntraCore, Passed), row("A-02", Should, ProfileEntraCore, Skipped)}, true,
			"Every MUST behaviour holds (1 of 1 tested)", Success},
		{"MUST not applicable and skipped", []Result{row("A-01", Must, ProfileEntraCore, Passed), row("G-01", Must, ProfileGtmhub, NotApplicable), row("A-03", Must, ProfileEntraCore, Skipped), row("A-04", Should, ProfileEntraCore, Failed)}, true,
			"No MUST behaviour failed: 1 of 3 hold, 2 not tested (1 not applicable, 1 skipped)", Partial},
		{"MUST blocked (its blocker outside a filtered run)", []Result{row("A-01", Must, ProfileEntraCore, Passed), row("A-03", Must, ProfileEntraCore, Blocked)}, true,
			"Entra provisioning will fail: 1 MUST behaviour is blocked by a failing behaviour (see the causes below)", Failure},
		{"MUST failed", []Result{row("A-01", Must, ProfileEntraCore, Failed), row("A-02", Must, ProfileEntraCore, Failed)}, true,
			"Entra provisioning will fail: 2 MUST behaviours failed (see the causes below)", Failure},
		{"run failed", []Result{row("A-01", Must, ProfileEntraCore, Passed)}, false,
			"The run did not complete: see the notes", Failure},
	} {
		r := &Report{Results: tc.rows}
		r.Finalize(nil, tc.runOK)
		if r.Banner != tc.banner {
			t.Errorf("%s: banner %q, want %q", tc.name, r.Banner, tc.banner)
		}
		if got := r.BannerClass(); got != tc.class {
			t.Errorf("%s: banner class %s, want %s", tc.name, got, tc.class)
		}
	}
}

func TestHeadlineGivesAVerdictPerProfile(t *testing.T) {
	r := &Report{Results: []Result{
		row("A-01", Must, ProfileEntraCore, Passed),
		row("A-02", Should, ProfileEntraCore, Passed),
		row("B-01", Must, ProfileEntraGallery, Failed),
		row("B-02", Must, ProfileEntraGallery, Blocked),
		row("G-01", Must, ProfileGtmhub, NotApplicable),
		row("R-01", Should, ProfileRFC7644, Failed),
		row("R-02", Must, ProfileRFC7644, Passed),
	}}
	r.Finalize(nil, true)
	want := "entra-core: passes; entra-gallery: fails (1 MUST failed, 1 blocked); gtmhub: not tested; rfc7644: partial (1 SHOULD failed)"
	if r.Headline != want {
		t.Errorf("headline\n got %q\nwant %q", r.Headline, want)
	}
}

func TestCausesGroupRowsLargestFirst(t *testing.T) {
	withCause := func(r Result, cause, dialect string) Result { r.Cause, r.Dialect = cause, dialect; return r }
	r := &Report{Results: []Result{
		withCause(row("A-01", Must, ProfileEntraCore, Failed), "POST /Users → 400", ""),
		withCause(row("A-02", Must, ProfileEntraCore, Failed), "PATCH /Users/{id} → 405", "legacy"),
		withCause(row("A-02", Must, ProfileEntraCore, Blocked), "PATCH /Users/{id} → 405", "compliant"),
		withCause(row("A-03", Must, ProfileEntraCore, Blocked), "PATCH /Users/{id} → 405", ""),
		withCause(row("A-04", Must, ProfileEntraCore, Failed), "", ""),
		withCause(row("A-05", Must, ProfileEntraCore, Passed), "PATCH /Users/{id} → 405", ""),
	}}
	r.Results[4].Message = "name came back as a string\nmore"
	r.Finalize(nil, true)
	if len(r.Causes) != 3 {
		t.Fatalf("causes = %+v, want 3 groups", r.Causes)
	}
	first := r.Causes[0]
	if first.Cause != "PATCH /Users/{id} → 405" || !slices.Equal(first.Failed, []string{"A-02/legacy"}) || !slices.Equal(first.Blocked, []string{"A-02/compliant", "A-03"}) {
		t.Errorf("largest group = %+v", first)
	}
	if r.Causes[2].Cause != "A-04: name came back as a string" {
		t.Errorf("a row without a cause is its own group named by its message, got %q", r.Causes[2].Cause)
	}
	if got := first.Sentence(); got != "3 rows fail because of PATCH /Users/{id} → 405 (1 failed, 2 blocked): A-02/legacy, A-02/compliant, A-03" {
		t.Errorf("sentence = %q", got)
	}
}
