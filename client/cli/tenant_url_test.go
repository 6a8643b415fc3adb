package cli

// Tenant URL mistakes get advice about the URL, in test-connection and in
// cycles (issue 13 item 11).

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// answering is a target that answers every request with status, content
// type and body, whatever the path and token.
func answering(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestTenantURLWithoutScheme_Issue13_11: a tenant URL without https:// or
// http:// is a usage error (exit 2) saying so, in test-connection and in a
// cycle, which then creates no state file.
func TestTenantURLWithoutScheme_Issue13_11(t *testing.T) {
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "state.db")
	const advice = "has no scheme: the tenant URL must start with https://, or http:// for a local server"
	for _, u := range []string{"127.0.0.1:8080/api/v1/scim/azure/acme", "contoso.example.com/scim"} {
		code, _, errOut := run("test-connection", "--tenant-url", u, "--token", "t")
		if code != ExitUsage || !strings.Contains(errOut, `tenant URL "`+u+`" `+advice) {
			t.Errorf("test-connection %s: exit %d, stderr %q", u, code, errOut)
		}
		code, _, errOut = run("cycle", "--tenant-url", u, "--token", "t", "--directory", dirFile, "--state", stateFile)
		if code != ExitUsage || !strings.Contains(errOut, `tenant URL "`+u+`" `+advice) {
			t.Errorf("cycle %s: exit %d, stderr %q", u, code, errOut)
		}
		if m, _ := filepath.Glob(stateFile + "*"); len(m) != 0 {
			t.Errorf("cycle %s created %v", u, m)
		}
	}
}

// TestTenantURLNotASCIMBase_Issue13_11: a tenant URL whose /Users is not
// a SCIM endpoint (a 404, an HTML page, JSON that is not a ListResponse)
// gets "check the tenant URL" with what was answered, from test-connection
// (the endpoint advice kept for the case the URL is right) and from a
// cycle.
func TestTenantURLNotASCIMBase_Issue13_11(t *testing.T) {
	const check = "check the tenant URL: Entra adds /Users and /Groups to it, so it must be the SCIM base URL"
	cases := []struct {
		name, contentType, body string
		status                  int
		answer                  string
	}{
		{"404", "text/plain; charset=utf-8", "404 page not found\n", 404, "HTTP 404: 404 page not found"},
		{"HTML page", "text/html", "<!DOCTYPE html>\n<html><head><title>Sign in to Contoso</title></head><body><form></form></body></html>", 200,
			`HTTP 200 with an HTML page (title "Sign in to Contoso")`},
		{"no ListResponse", "application/json", `{"status":"ok","version":"2.1"}`, 200,
			`HTTP 200 with a body that is not a SCIM ListResponse: {"status":"ok","version":"2.1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := answering(t, c.status, c.contentType, c.body) + "/portal"
			code, out, errOut := run("test-connection", "--tenant-url", base, "--token", "t")
			want := "  recommended action: " + check + " (for Gtmhub https://<host>/api/v1/scim/azure/{account_id}) (GET " +
				base + "/Users?filter="
			if code != ExitFailure || !strings.Contains(out, want) || !strings.Contains(out, "answered "+c.answer+")") ||
				!strings.Contains(out, "  if the tenant URL is right: ") || !strings.Contains(errOut, check) {
				t.Errorf("test-connection: exit %d\n%s%s", code, out, errOut)
			}

			tmp := t.TempDir()
			dirFile, _ := writeSmallDirectory(t, tmp)
			code, out, errOut = run("cycle", "--tenant-url", base, "--token", "t", "--directory", dirFile,
				"--state", filepath.Join(tmp, "state.db"))
			want = "Tenant URL: " + check + " (for Gtmhub https://<host>/api/v1/scim/azure/{account_id}) (the target answered " + c.answer + ")"
			if code != ExitFailure || !strings.Contains(out, want) || !strings.Contains(errOut, check) {
				t.Errorf("cycle: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestTenantURLGtmhubWithoutAccountID_Issue13_11: a 401 on a Gtmhub tenant
// URL without its account id (…/api/v1/scim/azure, with a trailing slash,
// with /Users in the id's place, with the placeholder left in) is advice
// to end the URL in /api/v1/scim/azure/{account_id}, not to rotate the
// token; a 401 on a complete URL still is about the token.
func TestTenantURLGtmhubWithoutAccountID_Issue13_11(t *testing.T) {
	srv := startRefServer(t)
	const advice = "the URL must end in /api/v1/scim/azure/{account_id}: "
	const rotate = "Update the secret token"
	for _, c := range []struct{ path, why string }{
		{"/api/v1/scim/azure", "/api/v1/scim/azure has no account id after /api/v1/scim/azure"},
		{"/api/v1/scim/azure/", "/api/v1/scim/azure/ has no account id after /api/v1/scim/azure"},
		{"/api/v1/scim/azure/Users", "/api/v1/scim/azure/Users has /Users where the account id belongs"},
		{"/api/v1/scim/azure/{account_id}", "/api/v1/scim/azure/{account_id} has the placeholder {account_id} where the account id belongs"},
	} {
		t.Run(c.path, func(t *testing.T) {
			u := srv.BaseURL + c.path
			code, out, errOut := run("test-connection", "--tenant-url", u, "--token", srv.Token)
			if code != ExitFailure || !strings.Contains(out, "-> HTTP 401") ||
				!strings.Contains(out, "  recommended action: "+advice+c.why+" (GET ") ||
				!strings.Contains(errOut, advice+c.why+" (the target answered HTTP 401") || strings.Contains(out+errOut, rotate) {
				t.Errorf("test-connection: exit %d\n%s%s", code, out, errOut)
			}

			tmp := t.TempDir()
			dirFile, _ := writeSmallDirectory(t, tmp)
			code, out, errOut = run("cycle", "--tenant-url", u, "--token", srv.Token, "--directory", dirFile,
				"--state", filepath.Join(tmp, "state.db"))
			if code != ExitFailure || !strings.Contains(out, "Job Quarantine (EncounteredQuarantineException)") ||
				!strings.Contains(out, "\nTenant URL: "+advice+c.why+" (the target answered HTTP 401") ||
				!strings.Contains(errOut, "the job is quarantined: "+advice) {
				t.Errorf("cycle: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
	t.Run("complete URL, wrong token", func(t *testing.T) {
		code, out, errOut := run("test-connection", "--tenant-url", srv.TenantURL(), "--token", "revoked")
		if code != ExitFailure || !strings.Contains(out, "recommended action: "+rotate) ||
			strings.Contains(out+errOut, "the URL must end in") || strings.Contains(out+errOut, "check the tenant URL") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
		tmp := t.TempDir()
		dirFile, _ := writeSmallDirectory(t, tmp)
		code, out, errOut = run("cycle", "--tenant-url", srv.TenantURL(), "--token", "revoked", "--directory", dirFile,
			"--state", filepath.Join(tmp, "state.db"))
		if code != ExitFailure || strings.Contains(out, "Tenant URL:") || !strings.Contains(errOut, "the job is quarantined; see `entrasim status`") {
			t.Errorf("cycle: exit %d\n%s%s", code, out, errOut)
		}
	})
}

// TestTenantURLEndingInUsers_Issue13_11: a tenant URL that ends in /Users
// is told to drop it, whatever the target answers.
func TestTenantURLEndingInUsers_Issue13_11(t *testing.T) {
	srv := startRefServer(t)
	code, out, errOut := run("test-connection", "--tenant-url", srv.TenantURL()+"/Users", "--token", srv.Token)
	if code != ExitFailure || !strings.Contains(out, "recommended action: check the tenant URL") ||
		!strings.Contains(out, "; drop the /Users at its end (GET "+srv.TenantURL()+"/Users/Users?") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
