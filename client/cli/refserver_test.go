package cli

// Test Connection against the in-process reference server.

import (
	"strings"
	"testing"
)

func TestTestConnectionAgainstReferenceServer(t *testing.T) {
	srv := startRefServer(t)

	code, out, errOut := run("test-connection", "--tenant-url", srv.TenantURL()+"?aadOptscim062020", "--token", srv.Token)
	if code != ExitOK || !strings.Contains(out, "dialect compliant") || !strings.Contains(out, "succeeded") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("test-connection", "--tenant-url", srv.TenantURL(), "--token", "not-the-token")
	if code != ExitFailure || !strings.Contains(errOut, "SystemForCrossDomainIdentityManagementCredentialValidationFailure") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
