// Package scripts holds the repository's build and CI entry points; its
// tests run them as a user would.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeConformanceNeverPrintsTheToken runs `make conformance` as a user
// does, with the Go command replaced by a stand-in that reports what it was
// given, and requires that the settings reach the suites through the
// environment while the token appears nowhere in make's output.
func TestMakeConformanceNeverPrintsTheToken(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dir := t.TempDir()
	fakeGo := filepath.Join(dir, "go")
	seen := filepath.Join(dir, "seen")
	script := "#!/bin/sh\n{ env | grep '^SCIM_' | sort; echo \"args: $*\"; } > " + seen + "\n"
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	const token = "tok-3f9a7c-secret"
	for _, tc := range []struct {
		name string
		args []string
		env  []string
	}{
		{"make variables", []string{"SCIM_TENANT_URL=https://scim.example.test/v2", "SCIM_TOKEN=" + token, "GINKGO_FLAGS=--label-filter=ENTRA-FLOW-01"}, nil},
		{"short aliases", []string{"TENANT_URL=https://scim.example.test/v2", "TOKEN=" + token}, nil},
		{"environment", nil, []string{"SCIM_TENANT_URL=https://scim.example.test/v2", "SCIM_TOKEN=" + token}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("make", append([]string{"-C", "..", "conformance", "GO=" + fakeGo}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("make conformance: %v\n%s", err, out)
			}
			if strings.Contains(string(out), token) {
				t.Errorf("make printed the token:\n%s", out)
			}
			if !strings.Contains(string(out), "https://scim.example.test/v2") {
				t.Errorf("make should say which tenant it tests:\n%s", out)
			}
			got, err := os.ReadFile(seen)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"SCIM_TOKEN=" + token, "SCIM_TENANT_URL=https://scim.example.test/v2", "args: tool ginkgo -p"} {
				if !strings.Contains(string(got), want) {
					t.Errorf("the suites were not given %q:\n%s", want, got)
				}
			}
			if tc.name == "make variables" && !strings.Contains(string(got), "--label-filter=ENTRA-FLOW-01 ./suites") {
				t.Errorf("GINKGO_FLAGS not passed through:\n%s", got)
			}
		})
	}
}
