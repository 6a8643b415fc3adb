// Package image tests the suites' container image (conformance:dev, built by
// `make conformance-image`) as a vendor runs it: host network, tenant URL and
// token in the environment, a mounted directory for the reports.
package image

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
	"github.com/quantive/entra-scim-harness/reports"
)

// TestMain turns the Ryuk reaper off before testcontainers reads its
// configuration (the reaper would need a bridge network).
func TestMain(m *testing.M) {
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	os.Exit(m.Run())
}

func imageName() string {
	if img := os.Getenv("CONFORMANCE_IMAGE"); img != "" {
		return img
	}
	return "conformance:dev"
}

// provider returns a Docker provider whose default network is the host's,
// skipping (or, with REQUIRE_DOCKER=1, failing) when no engine answers or
// the image is missing: it is never pulled.
func provider(t *testing.T, img string) *testcontainers.DockerProvider {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("REQUIRE_DOCKER") == "1" {
		fail = t.Fatalf
	}
	p, err := testcontainers.NewDockerProvider(testcontainers.WithDefaultBridgeNetwork("host"))
	if err != nil {
		fail("no Docker engine (%v): run scripts/docker-up.sh, then make conformance-image", err)
		return nil
	}
	t.Cleanup(func() { _ = p.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Health(ctx); err != nil {
		fail("no Docker engine answers (%v): run scripts/docker-up.sh, then make conformance-image", err)
		return nil
	}
	if _, err := p.Client().ImageInspect(ctx, img); err != nil {
		fail("image %s missing (%v): run make conformance-image", img, err)
		return nil
	}
	return p
}

// TestImageRunsTheSuitesAgainstATenantURL runs the image against a reference
// server on the host's loopback, exactly as the README's docker run line
// does, and reads the reports it wrote into the mounted directory.
func TestImageRunsTheSuitesAgainstATenantURL(t *testing.T) {
	img := imageName()
	p := provider(t, img)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	out := t.TempDir()
	if err := os.Chmod(out, 0o777); err != nil { // the image writes as root or any --user
		t.Fatal(err)
	}
	start := time.Now()
	ctr, err := p.RunContainer(ctx, testcontainers.ContainerRequest{
		Image: img,
		Env:   map[string]string{"SCIM_TENANT_URL": srv.TenantURL(), "SCIM_TOKEN": srv.Token},
		HostConfigModifier: func(hc *container.HostConfig) {
			hc.NetworkMode = "host"
			hc.Binds = []string{out + ":/reports"}
		},
		WaitingFor: wait.ForExit().WithExitTimeout(8 * time.Minute),
	})
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("run %s: %v", img, err)
	}
	state, err := ctr.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the image ran the suites in %s, exit %d", time.Since(start).Round(time.Millisecond), state.ExitCode)
	data, err := os.ReadFile(filepath.Join(out, "conformance.yaml"))
	if err != nil {
		t.Fatalf("no report in the mounted directory: %v", err)
	}
	rep, err := reports.ReadYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	if state.ExitCode != 0 || !rep.Succeeded || rep.TargetKind != "url" || rep.Totals.Passed < 100 {
		t.Errorf("exit %d, report: succeeded %v, target %s, %+v; %s", state.ExitCode, rep.Succeeded, rep.TargetKind, rep.Totals, rep.Banner)
	}
	for _, f := range []string{"conformance.html", "conformance.junit.xml", "conformance.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s missing: %v", f, err)
		}
	}
}
