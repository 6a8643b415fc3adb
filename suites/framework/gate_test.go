package framework

import (
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

func TestNotApplicable(t *testing.T) {
	cfg := &Config{Dialects: []scim.Dialect{scim.Legacy}, SkipFeatures: []requirements.Feature{requirements.FeatureETag, requirements.FeaturePatchCompliant}, ForceFeatures: []requirements.Feature{requirements.FeatureGroups}}
	withAdmin := &Target{Admin: &Admin{URL: "http://127.0.0.1:1"}, Unsupported: []requirements.Feature{requirements.FeatureGroups, requirements.FeatureManager}}
	noAdmin := &Target{}
	for _, tc := range []struct {
		name   string
		t      *Target
		labels []string
		want   string
	}{
		{"runs", withAdmin, []string{"ENTRA-FLOW-04", "feature:users"}, ""},
		{"dialect not selected", withAdmin, []string{"feature:users", "dialect:compliant"}, "dialect compliant not selected"},
		{"feature skipped", withAdmin, []string{"feature:etag"}, "feature etag declared unsupported"},
		{"dialect feature skipped", &Target{}, []string{"feature:users", "dialect:compliant"}, "dialect compliant not selected"},
		{"discovered unsupported", withAdmin, []string{"feature:manager"}, "discovery endpoints say feature manager"},
		{"forced despite discovery", withAdmin, []string{"feature:groups"}, ""},
		{"needs admin", noAdmin, []string{"feature:faults", "needs:admin"}, "needs the reference server's admin API"},
		{"admin present", withAdmin, []string{"feature:faults", "needs:admin"}, ""},
	} {
		got := NotApplicable(cfg, tc.t, requirements.ParseLabels(tc.labels))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	cfg.Dialects = []scim.Dialect{scim.Legacy, scim.Compliant}
	if got := NotApplicable(cfg, noAdmin, requirements.ParseLabels([]string{"feature:users", "dialect:compliant"})); !strings.Contains(got, "patch-compliant declared unsupported") {
		t.Errorf("dialect feature: %q", got)
	}
}

func TestGtmhubRowsApplyOnlyToGtmhubShapedTargetsOrWhenAskedFor(t *testing.T) {
	gtmhub := &Target{TenantURL: "https://app.gtmhub.com/api/v1/scim/azure/acme"}
	vendor := &Target{TenantURL: "http://127.0.0.1:8080/scim/v2?aadOptscim062020"}
	gtmOnly := requirements.ParseLabels([]string{"GTM-01", "profile:gtmhub", "feature:http"})
	mixed := requirements.ParseLabels([]string{"GTM-04", "ENTRA-FLOW-03", "profile:gtmhub", "profile:entra-core", "feature:filters"})
	for _, tc := range []struct {
		name     string
		profiles []reports.Profile
		t        *Target
		labels   requirements.ParsedLabels
		na       bool
	}{
		{"gtmhub-shaped URL", nil, gtmhub, gtmOnly, false},
		{"other URL", nil, vendor, gtmOnly, true},
		{"other URL, profile asked for", []reports.Profile{reports.ProfileGtmhub}, vendor, gtmOnly, false},
		{"a spec that also checks another profile runs", nil, vendor, mixed, false},
	} {
		cfg := &Config{Dialects: requirements.Dialects, Profiles: tc.profiles}
		got := NotApplicable(cfg, tc.t, tc.labels)
		if (got != "") != tc.na {
			t.Errorf("%s: NotApplicable = %q, want not applicable %v", tc.name, got, tc.na)
		}
		if tc.na && !strings.Contains(got, "profiles: [gtmhub]") {
			t.Errorf("%s: the reason must say how to ask for the profile: %q", tc.name, got)
		}
	}
}

func TestLoadWarningOnlyForTenantsTheSuiteDidNotStart(t *testing.T) {
	cfg := &Config{Dialects: requirements.Dialects, RunPrefix: "ct-x", Load: LoadOptions{Users: 200, Groups: 10, Concurrency: 4}}
	url := &Target{Kind: TargetURL, TenantURL: "https://scim.example.test/v2"}
	if w := LoadWarning(cfg, url); !strings.Contains(w, "200 users and 10 groups in https://scim.example.test/v2") || !strings.Contains(w, "licence") || !strings.Contains(w, "features: {skip: [load]}") {
		t.Errorf("warning for a URL target: %q", w)
	}
	if w := LoadWarning(cfg, &Target{Kind: TargetEmbedded}); w != "" {
		t.Errorf("the embedded server needs no warning: %q", w)
	}
	skipped := *cfg
	skipped.SkipFeatures = []requirements.Feature{requirements.FeatureLoad}
	if w := LoadWarning(&skipped, url); w != "" {
		t.Errorf("load skipped, yet warned: %q", w)
	}
}
