package cli

// Test Connection against the in-process reference server; only this test
// file imports the server.

import (
	"context"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

func TestTestConnectionAgainstReferenceServer(t *testing.T) {
	srv, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Skipf("reference server not usable: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	code, out, errOut := run("test-connection", "--tenant-url", srv.TenantURL()+"?aadOptscim062020", "--token", srv.Token)
	if code != ExitOK || !strings.Contains(out, "dialect compliant") || !strings.Contains(out, "succeeded") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("test-connection", "--tenant-url", srv.TenantURL(), "--token", "not-the-token")
	if code != ExitFailure || !strings.Contains(errOut, "SystemForCrossDomainIdentityManagementCredentialValidationFailure") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
