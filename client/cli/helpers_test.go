package cli

// Helpers shared by the command tests: running a command, and the
// in-process reference server with the small directory fixture that the
// job command tests drive.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// run runs the entrasim command line and returns its exit code, stdout and
// stderr.
func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// startRefServer starts the in-process reference server for one test and
// closes it when the test ends.
func startRefServer(t *testing.T) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// writeSmallDirectory writes the small.yaml directory fixture into dir and
// returns the file's path and content.
func writeSmallDirectory(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	small, err := fixtures.Directory("small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(file, small, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, small
}
