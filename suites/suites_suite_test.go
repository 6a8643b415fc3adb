package suites_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/gcpolicy"
	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/ginkgoreport"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

var flags framework.Flags

func init() { flags.Register(flag.CommandLine) }

func TestSuites(t *testing.T) {
	defer gcpolicy.Batch()() // the suites are batch work (see package gcpolicy)
	RegisterFailHandler(Fail)
	RunSpecs(t, "Entra SCIM conformance")
}

// shared is what process 1 hands to every parallel process.
type shared struct {
	Target    framework.Target `json:"target"`
	RunPrefix string           `json:"runPrefix"`
}

var stopTarget = func() {}

// preflight is set on process 1 when Entra's Test Connection stopped the
// run; the report (written on process 1 too) then holds that one finding.
var preflight *framework.PreflightFailure

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	cfg, err := framework.Load(flags, os.Getenv)
	if err != nil {
		Fail(err.Error())
	}
	t, stop, err := framework.StartTarget(ctx, cfg)
	if errors.Is(err, framework.ErrTargetUnavailable) && cfg.Target == framework.TargetEmbedded {
		// The default target is not built yet: say so instead of failing
		// or pretending anything passed.
		Skip(fmt.Sprintf("the embedded reference server is not part of this build (%v); set %s and %s to test an endpoint", err, framework.EnvTenantURL, framework.EnvToken))
	}
	Expect(err).NotTo(HaveOccurred(), "starting the %s target", cfg.Target)
	stopTarget = stop
	// Entra's Test Connection first: a rejected token or a wrong tenant URL
	// stops the run with one finding instead of a hundred with one cause.
	if p := framework.Preflight(ctx, t, cfg.RequestTimeout); p != nil {
		rel, err := framework.WriteArtefact(cfg.ReportDir, "preflight_"+p.ID, "pre-flight check: Entra's Test Connection (ENTRA-FLOW-01)", p.Message, p.Exchanges, 0)
		if err == nil {
			p.Artefact = rel
		}
		preflight = p
		Fail(p.Error())
	}
	t.Unsupported = framework.Discover(ctx, t, cfg.RequestTimeout)
	if w := framework.LoadWarning(cfg, t); w != "" {
		AddReportEntry(framework.WarningEntry, w, ReportEntryVisibilityAlways)
	}
	data, err := json.Marshal(shared{Target: *t, RunPrefix: cfg.RunPrefix})
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	var s shared
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	cfg, err := framework.Load(flags, os.Getenv)
	Expect(err).NotTo(HaveOccurred())
	cfg.RunPrefix = s.RunPrefix // one prefix for the whole run, across processes
	framework.Use(cfg, &s.Target)
})

var _ = SynchronizedAfterSuite(func() {}, func(ctx SpecContext) {
	defer stopTarget()
	if cfg, t := framework.Current(); t != nil && t.Kind == framework.TargetEmbedded {
		// Every spec cleans up after itself (safety against a real
		// tenant); on the embedded server, prove it: nothing with the run
		// prefix is left in the seeded account once every process is done.
		Expect(leftovers(ctx, cfg, t)).To(BeEmpty(), "resources the specs did not clean up")
		// The accounts specs made for fault plans are deleted with them,
		// as on a persistent server.
		if t.Admin != nil {
			ids, err := framework.NewAdminClient(t.Admin, cfg.RequestTimeout).Accounts(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(ids).To(ConsistOf(t.Admin.AccountID), "accounts the specs did not delete")
		}
	}
})

// leftovers lists the users and groups of the run still in the target.
func leftovers(ctx context.Context, cfg *framework.Config, t *framework.Target) []string {
	GinkgoHelper()
	h, err := framework.NewHTTP(t.TenantURL, t.Token, cfg.RequestTimeout, nil)
	Expect(err).NotTo(HaveOccurred())
	var left []string
	for coll, attr := range map[string]string{"Users": "userName", "Groups": "displayName"} {
		x, err := h.Do(ctx, framework.Request{Method: http.MethodGet, Path: "/" + coll,
			Query: url.Values{"filter": {fmt.Sprintf("%s sw %q", attr, cfg.RunPrefix)}, "count": {"1000"}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(x.Status).To(Equal(http.StatusOK), "listing leftovers: %s", x)
		var list struct {
			Resources []map[string]any `json:"Resources"`
		}
		Expect(x.DecodeJSON(&list)).To(Succeed())
		for _, r := range list.Resources {
			left = append(left, fmt.Sprintf("%s %v", coll, r[attr]))
		}
	}
	return left
}

// The conformance report is written once, after every process finished,
// even when the suite setup failed (the report then says why).
var _ = ReportAfterSuite("conformance report", func(r Report) {
	cfg, t := framework.Current()
	if cfg == nil {
		var err error
		if cfg, err = framework.Load(flags, os.Getenv); err != nil {
			// Still write a report: it records why the run failed.
			cfg = &framework.Config{Target: "unknown", Dialects: requirements.Dialects}
			if cfg.ReportDir, err = framework.ReportDir(flags, os.Getenv); err != nil {
				cfg.ReportDir = framework.DefaultReportDir
			}
		}
	}
	impl := cfg.Implementation
	features := slices.Clone(cfg.SkipFeatures)
	if t != nil {
		if impl.Name == "" || (impl.Version == "" && t.Implementation.Name != "" && cfg.OptionsFile == "") {
			impl = t.Implementation
		}
		features = append(features, t.Unsupported...)
	}
	unsupported := make([]string, 0, len(features))
	for _, f := range features {
		unsupported = append(unsupported, string(f))
	}
	dialects := make([]string, 0, len(cfg.Dialects))
	for _, d := range cfg.Dialects {
		dialects = append(dialects, string(d))
	}
	rep := ginkgoreport.Build(r, ginkgoreport.Input{
		Implementation:  impl,
		TargetKind:      string(cfg.Target),
		Dialects:        dialects,
		Unsupported:     unsupported,
		Uncovered:       requirements.All(),
		ArtefactEntry:   framework.ArtefactEntry,
		Preflight:       preflight,
		ConstructedOnly: constructedOnly(dialects),
	})
	// Figures specs measured (e.g. the load spec's throughput and latency).
	for _, s := range r.SpecReports {
		for _, e := range s.ReportEntries {
			if e.Name == framework.NoteEntry {
				rep.Notes = append(rep.Notes, e.Value.String())
			}
		}
	}
	Expect(writeReports(cfg.ReportDir, rep)).To(Succeed())
	// Printed on stdout so that `make conformance` shows the verdict, with
	// the same counts as the report files, and where they are.
	fmt.Println()
	Expect(reports.WriteText(os.Stdout, rep)).To(Succeed())
	fmt.Printf("conformance report: %s (and conformance.yaml, conformance.junit.xml for CI, conformance.md for a job summary)\n", filepath.Join(cfg.ReportDir, "conformance.html"))
	// The exit status follows the report: MUST rows blocked by a behaviour
	// outside a filtered run fail it too, though no spec failed.
	if !rep.Succeeded && r.SuiteSucceeded {
		Fail(rep.Banner)
	}
})

// constructedOnly reads, per dialect, the flows whose golden request forms
// are all constructed (fixtures/requests); a file that does not load is a
// note-worthy failure of the run's setup, reported by the fixtures tests.
func constructedOnly(dialects []string) map[string][]string {
	out := map[string][]string{}
	for _, d := range dialects {
		flows, err := fixtures.ConstructedOnlyFlows(d)
		if err != nil {
			GinkgoWriter.Printf("constructed request forms of %s: %v\n", d, err)
			continue
		}
		out[d] = flows
	}
	return out
}

func writeReports(dir string, rep *reports.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	for name, write := range map[string]func(*os.File) error{
		"conformance.yaml":      func(f *os.File) error { return reports.WriteYAML(f, rep) },
		"conformance.html":      func(f *os.File) error { return reports.WriteHTML(f, rep) },
		"conformance.junit.xml": func(f *os.File) error { return reports.WriteJUnit(f, rep) },
		"conformance.md":        func(f *os.File) error { return reports.WriteMarkdown(f, rep) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
