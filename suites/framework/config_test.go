package framework

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeOptions(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "options.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaultsToEmbeddedTarget(t *testing.T) {
	c, err := Load(Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != TargetEmbedded || !slices.Equal(c.Dialects, []scim.Dialect{scim.Legacy, scim.Compliant}) || c.RequestTimeout != 30*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	if !strings.HasSuffix(c.ReportDir, filepath.Join("reports", "out")) || !filepath.IsAbs(c.ReportDir) {
		t.Errorf("report dir %q", c.ReportDir)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(c.ReportDir)), "go.mod")); err != nil {
		t.Errorf("report dir %q is not below the module root", c.ReportDir)
	}
	if !runPrefixPattern.MatchString(c.RunPrefix) {
		t.Errorf("generated run prefix %q fails its own pattern", c.RunPrefix)
	}
}

func TestLoadURLTargetFromEnvAndAdminDerivation(t *testing.T) {
	c, err := Load(Flags{}, env(map[string]string{
		EnvTenantURL:  "http://127.0.0.1:8080/api/v1/scim/azure/acme?aadOptscim062020",
		EnvToken:      "tok",
		EnvAdminToken: "adm",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != TargetURL || c.AdminURL != "http://127.0.0.1:8080" || c.AccountID != "acme" || c.Implementation.Name != "127.0.0.1:8080" {
		t.Errorf("got %+v", c)
	}
}

func TestLoadRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags Flags
		env   map[string]string
		want  []string
	}{
		{"unknown target", Flags{}, map[string]string{EnvTarget: "cloud"}, []string{`SCIM_TARGET="cloud": want embedded, url or container`}},
		{"unknown target flag", Flags{Target: "cloud"}, nil, []string{`--target="cloud"`}},
		{"missing token", Flags{}, map[string]string{EnvTenantURL: "https://scim.example.test/scim"}, []string{"SCIM_TENANT_URL is set but SCIM_TOKEN is empty"}},
		{"url target without url", Flags{}, map[string]string{EnvTarget: "url"}, []string{"SCIM_TARGET=url needs SCIM_TENANT_URL"}},
		{"token without url", Flags{}, map[string]string{EnvToken: "t"}, []string{"cannot be combined with SCIM_TARGET=embedded"}},
		{"ftp url", Flags{}, map[string]string{EnvTenantURL: "ftp://h/x", EnvToken: "t"}, []string{"scheme must be http or https"}},
		{"relative url", Flags{TenantURL: "/scim", Token: "t"}, nil, []string{`--tenant-url: "/scim": scheme must be http or https`}},
		{"no host", Flags{TenantURL: "https:///scim", Token: "t"}, nil, []string{"has no host"}},
		{"credentials in url", Flags{TenantURL: "https://u:p@h/scim", Token: "t"}, nil, []string{"carries credentials"}},
		{"admin token on foreign url", Flags{}, map[string]string{EnvTenantURL: "https://h/scim/v2", EnvToken: "t", EnvAdminToken: "a"}, []string{"admin API cannot be located", "SCIM_ADMIN_URL and SCIM_ACCOUNT_ID"}},
		{"admin url without token", Flags{}, map[string]string{EnvTenantURL: "https://h/scim", EnvToken: "t", EnvAdminURL: "https://h"}, []string{"SCIM_ADMIN_URL is set but SCIM_ADMIN_TOKEN is empty"}},
		{"bad dialect", Flags{Dialects: "legacy,strict"}, nil, []string{`flag: unknown dialect "strict"`}},
		{"duplicate dialect", Flags{}, map[string]string{EnvDialects: "legacy,legacy"}, []string{`SCIM_DIALECTS: dialect "legacy" given twice`}},
		{"bad prefix", Flags{}, map[string]string{EnvRunPrefix: "Prod Users"}, []string{`run prefix "Prod Users"`}},
		{"several problems at once", Flags{}, map[string]string{EnvTarget: "url", EnvRunPrefix: "x"}, []string{"needs SCIM_TENANT_URL", `run prefix "x"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.flags, env(tc.env))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadLayersOptionsEnvFlags(t *testing.T) {
	p := writeOptions(t, `
implementation: {name: Acme SCIM, version: 2.3.1, contact: scim@acme.test}
dialects: [compliant]
features: {skip: [etag], force: [groups]}
timeouts: {request: 5s, spec: 1m}
runPrefix: acme-ci
`)
	c, err := Load(Flags{Options: p}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Implementation.Name != "Acme SCIM" || !slices.Equal(c.Dialects, []scim.Dialect{scim.Compliant}) || c.RequestTimeout != 5*time.Second ||
		c.SpecTimeout != time.Minute || c.RunPrefix != "acme-ci" || !slices.Equal(c.SkipFeatures, []requirements.Feature{requirements.FeatureETag}) || !slices.Equal(c.ForceFeatures, []requirements.Feature{requirements.FeatureGroups}) {
		t.Errorf("options not applied: %+v", c)
	}
	// Environment overrides the file; flags override the environment.
	c, err = Load(Flags{Options: p, Dialects: "legacy"}, env(map[string]string{EnvDialects: "compliant,legacy", EnvRunPrefix: "from-env"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Dialects, []scim.Dialect{scim.Legacy}) || c.RunPrefix != "from-env" {
		t.Errorf("overrides: dialects %v prefix %q", c.Dialects, c.RunPrefix)
	}
	// The options file may come from the environment too.
	c, err = Load(Flags{}, env(map[string]string{EnvOptions: p}))
	if err != nil || c.Implementation.Version != "2.3.1" {
		t.Errorf("SCIM_OPTIONS: %v %+v", err, c)
	}
}

func TestLoadRejectsBadOptionsFilesPrecisely(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown key with line", "implementation:\n  name: x\n  vendor: y\n", []string{"options.yaml", "line 3", "field vendor not found"}},
		{"bad duration", "timeouts:\n  request: soon\n", []string{"line 2", "soon"}},
		{"unknown feature", "features: {skip: [teleport]}\n", []string{`unknown feature "teleport"`, "known: auth"}},
		{"skip and force", "features: {skip: [groups], force: [groups]}\n", []string{`"groups" is both skipped and forced`}},
		{"bad dialect", "dialects: [legacy, rfc]\n", []string{`dialects: unknown dialect "rfc"`}},
		{"request above spec", "timeouts: {request: 5m, spec: 1m}\n", []string{"timeouts.request (5m0s) exceeds timeouts.spec (1m0s)"}},
		{"not a mapping", "- a\n- b\n", []string{"line 1", "cannot unmarshal"}},
		{"load above Entra's concurrency", "load: {concurrency: 8}\n", []string{"load.concurrency 8: Entra exports at most 5"}},
		{"negative load size", "load: {users: -1}\n", []string{"load: sizes and timeouts must be positive"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeOptions(t, tc.text)
			_, err := Load(Flags{Options: p}, env(nil))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	_, err := Load(Flags{Options: filepath.Join(t.TempDir(), "missing.yaml")}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestEmptyOptionsFileIsFine(t *testing.T) {
	if _, err := Load(Flags{Options: writeOptions(t, "")}, env(nil)); err != nil {
		t.Fatal(err)
	}
}

func TestReportDirFromEnv(t *testing.T) {
	abs := t.TempDir()
	c, err := Load(Flags{}, env(map[string]string{EnvReportDir: abs}))
	if err != nil || c.ReportDir != abs {
		t.Errorf("%v %q", err, c.ReportDir)
	}
}

func TestLoadOptionsDefaultAndOverride(t *testing.T) {
	c, err := Load(Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Load != (LoadOptions{Users: 200, Groups: 10, Concurrency: 4, EntraTimeout: time.Minute}) {
		t.Errorf("default load %+v", c.Load)
	}
	c, err = Load(Flags{Options: writeOptions(t, "load: {users: 20, concurrency: 1, entraTimeout: 5s}\n")}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Load != (LoadOptions{Users: 20, Groups: 10, Concurrency: 1, EntraTimeout: 5 * time.Second}) {
		t.Errorf("load from options %+v", c.Load)
	}
}

func TestLoadProfilesAndReferenceCheck(t *testing.T) {
	c, err := Load(Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReferenceCheck || len(c.Profiles) != 0 {
		t.Errorf("defaults: reference check %v (want on, ENTRA-FLOW-06), profiles %v", c.ReferenceCheck, c.Profiles)
	}
	p := writeOptions(t, "profiles: [gtmhub]\nreferenceCheck: false\n")
	c, err = Load(Flags{Options: p}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ReferenceCheck || !slices.Equal(c.Profiles, []reports.Profile{reports.ProfileGtmhub}) {
		t.Errorf("options file: reference check %v profiles %v", c.ReferenceCheck, c.Profiles)
	}
	c, err = Load(Flags{Options: p}, env(map[string]string{EnvReferenceCheck: "true", EnvProfiles: "gtmhub,rfc7644"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReferenceCheck || !slices.Equal(c.Profiles, []reports.Profile{reports.ProfileGtmhub, reports.ProfileRFC7644}) {
		t.Errorf("environment over file: reference check %v profiles %v", c.ReferenceCheck, c.Profiles)
	}
	for _, bad := range []map[string]string{{EnvReferenceCheck: "maybe"}, {EnvProfiles: "gtmhubb"}} {
		if _, err := Load(Flags{}, env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := Load(Flags{Options: writeOptions(t, "profiles: [acme]\n")}, env(nil)); err == nil || !strings.Contains(err.Error(), `unknown profile "acme"`) {
		t.Errorf("unknown profile in the options file: %v", err)
	}
	c, err = Load(Flags{Options: writeOptions(t, "managerForm: documented\n")}, env(nil))
	if err != nil || c.ManagerForm != scim.ManagerDocumented {
		t.Errorf("managerForm documented: %v %q", err, c.ManagerForm)
	}
	if _, err := Load(Flags{}, env(map[string]string{EnvManagerForm: "sideways"})); err == nil || !strings.Contains(err.Error(), EnvManagerForm) {
		t.Errorf("a bad manager form must name the variable: %v", err)
	}
	off := &Config{Dialects: []scim.Dialect{scim.Legacy}}
	if why := NotApplicable(off, &Target{}, requirements.ParsedLabels{IDs: []string{"ENTRA-FLOW-06"}}); !strings.Contains(why, "reference check") {
		t.Errorf("FLOW-06 with the check off: %q", why)
	}
}
