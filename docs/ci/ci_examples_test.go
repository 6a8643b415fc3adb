package ci

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The CI examples are copied as they are: they must parse, run the suites
// with the token from the CI system's secrets (never written in the file),
// and keep the reports the suites write.
func TestCIExamplesParseAndRunTheSuites(t *testing.T) {
	for _, tc := range []struct {
		file string
		// check digs the commands and report paths out of the parsed file.
		check func(t *testing.T, doc map[string]any) (commands, kept string)
	}{
		{"github-actions.yml", func(t *testing.T, doc map[string]any) (string, string) {
			job := dig(t, doc, "jobs", "conformance")
			steps, _ := job["steps"].([]any)
			var run, kept strings.Builder
			for _, s := range steps {
				step, _ := s.(map[string]any)
				run.WriteString(str(step["run"]) + "\n")
				if env, ok := step["env"].(map[string]any); ok {
					for k, v := range env {
						run.WriteString(k + "=" + str(v) + "\n")
					}
				}
				if with, ok := step["with"].(map[string]any); ok {
					kept.WriteString(str(with["path"]))
				}
			}
			return run.String(), kept.String()
		}},
		{"gitlab-ci.yml", func(t *testing.T, doc map[string]any) (string, string) {
			job := dig(t, doc, "scim-conformance")
			var run strings.Builder
			for _, s := range job["script"].([]any) {
				run.WriteString(str(s) + "\n")
			}
			for k, v := range job["variables"].(map[string]any) {
				run.WriteString(k + "=" + str(v) + "\n")
			}
			arts := dig(t, job, "artifacts")
			reps := dig(t, arts, "reports")
			return run.String(), str(arts["paths"].([]any)[0]) + " " + str(reps["junit"])
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s does not parse: %v", tc.file, err)
			}
			commands, kept := tc.check(t, doc)
			for _, want := range []string{"make", "conformance", "SCIM_REPORT_DIR="} {
				if !strings.Contains(commands, want) {
					t.Errorf("%s: the job does not run %q:\n%s", tc.file, want, commands)
				}
			}
			if !strings.Contains(kept, "scim-reports") {
				t.Errorf("%s: the reports are not kept (%q)", tc.file, kept)
			}
			if tc.file == "gitlab-ci.yml" && !strings.Contains(kept, "conformance.junit.xml") {
				t.Errorf("gitlab: the JUnit report is not handed to GitLab")
			}
			if tc.file == "github-actions.yml" && !strings.Contains(commands, "secrets.SCIM_TOKEN") {
				t.Errorf("github: the token does not come from the secrets:\n%s", commands)
			}
		})
	}
}

func dig(t *testing.T, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			t.Fatalf("no mapping at %q", k)
		}
		m = next
	}
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
