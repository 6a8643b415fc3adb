package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const emptyList = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`

// target answers every request with status and body, recording the
// requests.
func target(t *testing.T, status int, body string) (*httptest.Server, func() []*http.Request) {
	t.Helper()
	var mu sync.Mutex
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Clone(r.Context()))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer good" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"invalid token"}`))
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []*http.Request { mu.Lock(); defer mu.Unlock(); return append([]*http.Request(nil), got...) }
}

// TestTestConnectionCommand_FLOW01 covers the exit codes and messages of
// entrasim test-connection (architecture note).
func TestTestConnectionCommand_FLOW01(t *testing.T) {
	ok, okReqs := target(t, 200, emptyList)
	notFound, _ := target(t, 404, `{"status":"404"}`)

	t.Run("success", func(t *testing.T) {
		code, out, errOut := run("test-connection", "--tenant-url", ok.URL+"/scim?aadOptscim062020", "--token", "good")
		if code != ExitOK {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
		for _, want := range []string{"dialect compliant", "ok   user query userName eq <random GUID>", "ok   group query", "succeeded"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		reqs := okReqs()
		if len(reqs) != 2 || reqs[0].URL.Path != "/scim/Users" || reqs[1].URL.Path != "/scim/Groups" ||
			strings.Contains(reqs[0].URL.RawQuery, "aadOptscim062020") {
			t.Errorf("requests %v", reqs)
		}
	})
	t.Run("env vars", func(t *testing.T) {
		t.Setenv(EnvTenantURL, ok.URL+"/scim")
		t.Setenv(EnvToken, "good")
		if code, out, errOut := run("test-connection", "--no-group-probe"); code != ExitOK || strings.Contains(out, "group query") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("401", func(t *testing.T) {
		code, out, errOut := run("test-connection", "--tenant-url", ok.URL+"/scim", "--token", "bad")
		if code != ExitFailure {
			t.Fatalf("exit %d", code)
		}
		for _, want := range []string{"FAIL user query", "SystemForCrossDomainIdentityManagementCredentialValidationFailure", "invalid token", "EncounteredQuarantineException"} {
			if !strings.Contains(out+errOut, want) {
				t.Errorf("output lacks %q:\n%s\n%s", want, out, errOut)
			}
		}
	})
	t.Run("404 on the probe", func(t *testing.T) {
		code, out, errOut := run("test-connection", "--tenant-url", notFound.URL+"/scim", "--token", "good")
		if code != ExitFailure || !strings.Contains(errOut, "SystemForCrossDomainIdentityManagementServiceIncompatible") ||
			!strings.Contains(out, "ENTRA-RESP-03") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		code, _, errOut := run("test-connection", "--tenant-url", "http://127.0.0.1:1/scim", "--token", "good", "--timeout", "2s")
		if code != ExitFailure || !strings.Contains(errOut, "WebExceptionProtocolError") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// TestUsageErrors proves bad flags give exit 2 and a message naming the
// problem.
func TestUsageErrors(t *testing.T) {
	t.Setenv(EnvTenantURL, "")
	t.Setenv(EnvToken, "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"test-connection", "--token", "x"}, "--tenant-url (or SCIM_TENANT_URL) is required"},
		{[]string{"test-connection", "--tenant-url", "http://127.0.0.1:1/scim"}, "--token (or SCIM_TOKEN) is required"},
		{[]string{"test-connection", "--tenant-url", "http://127.0.0.1:1/scim", "--token", "x", "--dialect", "rfc"}, `--dialect: unknown dialect "rfc"`},
		{[]string{"test-connection", "--tenant-url", "ftp://host/scim", "--token", "x"}, `tenant URL "ftp://host/scim" starts with ftp://: the tenant URL must start with https://, or http:// for a local server`},
		{[]string{"test-connection", "--tenant-url", "http://127.0.0.1:1/scim", "--token", "x", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"test-connection", "--timeout", "soon"}, `invalid argument "soon" for "--timeout"`},
		{[]string{"test-connection", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"test-connection", "extra"}, `unknown command "extra"`},
		{[]string{"test-connection", "--matching-attribute", ""}, "--matching-attribute must not be empty"},
		{[]string{"no-such-command"}, `unknown command "no-such-command"`},
	}
	for _, c := range cases {
		code, _, errOut := run(c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}
