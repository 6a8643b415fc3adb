package calibration_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/calibration"
)

// expectation is one calibration target's expected verdict: every row that
// must fail, with one line of evidence of the real defect behind it, and the
// rows that must be blocked, by the behaviour that blocks them. Every other
// row must pass or be not applicable.
type expectation struct {
	Target string `yaml:"target"`
	// Failed maps a row key (ID, plus "/dialect") to its evidence.
	Failed map[string]string `yaml:"failed"`
	// Blocked lists, per blocking behaviour, the rows it blocks.
	Blocked []struct {
		By   string   `yaml:"by"`
		Rows []string `yaml:"rows"`
	} `yaml:"blocked"`
}

// want is what the expectation says of one row: its outcome, and the
// blocker of a blocked row.
func (e expectation) want(key string) (reports.Outcome, string, bool) {
	if _, ok := e.Failed[key]; ok {
		return reports.Failed, "", true
	}
	for _, b := range e.Blocked {
		if slices.Contains(b.Rows, key) {
			return reports.Blocked, b.By, true
		}
	}
	return "", "", false
}

func readExpectation(t *testing.T, name string) expectation {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("expected", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var e expectation
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("expected/%s.yaml: %v", name, err)
	}
	for key, evidence := range e.Failed {
		if strings.TrimSpace(evidence) == "" {
			t.Errorf("expected/%s.yaml: failed row %s needs one line of evidence", name, key)
		}
	}
	for _, b := range e.Blocked {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(e.Failed)), func(k string) bool { return strings.HasPrefix(k, b.By) }) {
			t.Errorf("expected/%s.yaml: rows are blocked by %s, which is not among the failed rows", name, b.By)
		}
	}
	return e
}

// TestSuiteVerdictsOnThirdPartyServers runs the whole conformance suite
// against SCIM servers written on third-party libraries, as a vendor would,
// and requires exactly the expected verdict: a row that fails, is blocked
// or skipped without being expected, or an expected row that passes, fails
// the test. This is what makes the suite's verdicts trustworthy on
// endpoints this project did not build.
func TestSuiteVerdictsOnThirdPartyServers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the conformance suite against each calibration target")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "suites.test")
	build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, ".")
	build.Dir = ".." // the suites package
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the suite: %v\n%s", err, out)
	}
	const token = "calibration-token-7f3c"
	for _, name := range targets {
		t.Run(name, func(t *testing.T) {
			url := startTarget(ctx, t, name, token)
			want := readExpectation(t, name)
			start := time.Now()
			rep, dir, out := runSuite(ctx, t, bin, url, token)
			t.Logf("%s: suite wall time %s; %s", name, time.Since(start).Round(time.Millisecond), rep.Headline)
			got := map[string]reports.Result{}
			for _, r := range rep.Results {
				got[r.Key()] = r
			}
			var problems []string
			for key, r := range got {
				o, by, expected := want.want(key)
				passed := r.Result == reports.Passed || r.Result == reports.NotApplicable
				switch {
				case !expected && !passed:
					problems = append(problems, fmt.Sprintf("%s: unexpected %s %s: %s", key, r.Result, r.BlockedBy, firstLine(r.Message)))
				case expected && r.Result != o:
					problems = append(problems, fmt.Sprintf("%s: %s, expected %s %s: %s", key, r.Result, o, by, firstLine(r.Message)))
				case expected && r.BlockedBy != by:
					problems = append(problems, fmt.Sprintf("%s: blocked by %s, expected by %s", key, r.BlockedBy, by))
				}
			}
			for key := range want.Failed {
				if _, ok := got[key]; !ok {
					problems = append(problems, key+": expected failed, but the report has no such row")
				}
			}
			for _, b := range want.Blocked {
				for _, key := range b.Rows {
					if _, ok := got[key]; !ok {
						problems = append(problems, key+": expected blocked, but the report has no such row")
					}
				}
			}
			// Evidence for every failed or blocked row: the HTTP exchanges,
			// the engine's included.
			for key, r := range got {
				if r.Result != reports.Failed && r.Result != reports.Blocked {
					continue
				}
				data, err := os.ReadFile(filepath.Join(dir, r.Artefact))
				if r.Artefact == "" || err != nil || !strings.Contains(string(data), "--- exchange 1 of") {
					problems = append(problems, fmt.Sprintf("%s: %s without HTTP exchanges as evidence (artefact %q)", key, r.Result, r.Artefact))
				}
			}
			// No secret in output: the token is in neither the suite's
			// output nor any report or artefact file.
			if strings.Contains(out, token) {
				problems = append(problems, "the suite's output contains the token")
			}
			_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if data, rerr := os.ReadFile(path); rerr == nil && strings.Contains(string(data), token) {
						problems = append(problems, "the token is written into "+path)
					}
				}
				return nil
			})
			slices.Sort(problems)
			for _, p := range problems {
				t.Error(p)
			}
			if t.Failed() && os.Getenv("CALIBRATION_VERBOSE") != "" {
				t.Logf("suite output:\n%s", out)
			}
		})
	}
}

// targets are the calibration targets' names (expected/<name>.yaml).
var targets = []string{"elimity", "scimmy"}

// startTarget serves a calibration target for the test and returns its
// tenant URL. Without Node.js the scimmy target is skipped, unless
// REQUIRE_NODE is set (CI), where that is a failure.
func startTarget(ctx context.Context, t *testing.T, name, token string) string {
	t.Helper()
	var (
		url  string
		stop func()
		err  error
	)
	switch name {
	case "elimity":
		url, stop, err = calibration.StartElimity(token)
	case "scimmy":
		url, stop, err = calibration.StartScimmy(ctx, "scimmy", token)
	default:
		t.Fatalf("unknown calibration target %q", name)
	}
	if errors.Is(err, calibration.ErrNoNode) && os.Getenv("REQUIRE_NODE") == "" {
		t.Skipf("%v (set REQUIRE_NODE=1 to make this fail)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// runSuite runs the compiled suite against tenantURL and returns its report,
// the report directory and the suite's output.
func runSuite(ctx context.Context, t *testing.T, bin, tenantURL, token string) (*reports.Report, string, string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.no-color")
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(childEnv(), "SCIM_TENANT_URL="+tenantURL, "SCIM_TOKEN="+token, "SCIM_REPORT_DIR="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run the suite: %v", err)
	}
	data, rerr := os.ReadFile(filepath.Join(dir, "conformance.yaml"))
	if rerr != nil {
		t.Fatalf("no report: %v\n%s", rerr, out)
	}
	rep, err := reports.ReadYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("CALIBRATION_REPORTS"); keep != "" {
		_ = os.MkdirAll(keep, 0o755)
		_ = os.WriteFile(filepath.Join(keep, filepath.Base(tenantURL)+"-"+rep.Implementation.Name+".yaml"), data, 0o644)
	}
	return rep, dir, string(out)
}

// childEnv is this environment without SCIM_ settings: the child tests
// exactly the target it is given.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCIM_") {
			env = append(env, kv)
		}
	}
	return env
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 240 {
		s = s[:240] + "…"
	}
	return s
}
