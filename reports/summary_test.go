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
	want := map[string]struct {
		v              Verdict
		core, extended Counts
	}{
		ProfileEntraCore:    {Failure, Counts{Passed: 3, Failed: 1}, Counts{}},
		ProfileEntraGallery: {Partial, Counts{}, Counts{Failed: 1}},
		ProfileGtmhub:       {Partial, Counts{}, Counts{Skipped: 1}},
		ProfileRFC7644:      {None, Counts{}, Counts{NotApplicable: 1}},
	}
	var names []string
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
	want := []string{"ENTRA-FLOW-04", "ENTRA-FLOW-10", "ENTRA-FLOW-17/compliant", "ENTRA-FLOW-17/legacy", "ENTRA-FLOW-02", "GTM-06", "RFC-08"}
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
