package refcontainer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/refcontainer"
)

// TestMain turns the Ryuk reaper off before testcontainers reads its
// configuration (the reaper would need a bridge network).
func TestMain(m *testing.M) {
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	os.Exit(m.Run())
}

func TestOptionsRejectBadInput(t *testing.T) {
	// Each bad option fails Run before any container is made, so no Docker is needed.
	for name, opt := range map[string]testcontainers.ContainerCustomizer{
		"empty account": refcontainer.WithSeedAccount(""),
		"empty token":   refcontainer.WithToken(""),
		"empty admin":   refcontainer.WithAdminToken(""),
		"missing file":  refcontainer.WithFaultsFile(filepath.Join(t.TempDir(), "nope.yaml")),
		"bad ext":       refcontainer.WithFaults([]byte("rules: []"), ".txt"),
		"bad addr":      refcontainer.WithAddr("no-port"),
	} {
		ctr, err := refcontainer.Run(context.Background(), "refserver:none", opt)
		if err == nil || ctr != nil {
			t.Errorf("%s: Run = %v, %v; want an error and no container", name, ctr, err)
		}
	}
}

// requireDocker skips (or, with REQUIRE_DOCKER=1, fails) when no Docker
// engine answers or the image is missing.
func requireDocker(t *testing.T, image string) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("REQUIRE_DOCKER") == "1" {
		fail = t.Fatalf
	}
	provider, err := testcontainers.NewDockerProvider(testcontainers.WithDefaultBridgeNetwork("host"))
	if err != nil {
		fail("no Docker engine (%v): run scripts/docker-up.sh, then make image", err)
		return
	}
	defer provider.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := provider.Health(ctx); err != nil {
		fail("no Docker engine answers (%v): run scripts/docker-up.sh, then make image", err)
		return
	}
	if _, err := provider.Client().ImageInspect(ctx, image); err != nil {
		fail("image %s missing (%v): run make image", image, err)
	}
}

func image() string {
	if img := os.Getenv("REFSERVER_IMAGE"); img != "" {
		return img
	}
	return refcontainer.DefaultImage
}

// The container round trip: start the image with a seeded account, tokens
// and a fault file, run create / filter / patch / delete through plain
// net/http, check the admin API sees it, then stop.
func TestContainerRoundTrip(t *testing.T) {
	img := image()
	requireDocker(t, img)
	ctx := context.Background()

	faultFile := filepath.Join(t.TempDir(), "probe.yaml")
	if err := os.WriteFile(faultFile, []byte(`
account: acme
rules:
  - {name: probe-418, method: GET, path: ^/Groups$, query: faultprobe, status: 418}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ctr, err := refcontainer.Run(ctx, img,
		refcontainer.WithSeedAccount("acme"),
		refcontainer.WithToken("scim-token-for-acme-0123456789"),
		refcontainer.WithAdminToken("admin-token-0123456789"),
		refcontainer.WithFaultsFile(faultFile),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("container ready in %v at %s", time.Since(start).Round(time.Millisecond), ctr.BaseURL())
	if ctr.Token() != "scim-token-for-acme-0123456789" || ctr.AdminToken() != "admin-token-0123456789" ||
		!strings.HasSuffix(ctr.TenantURL(), "/api/v1/scim/azure/acme") || !strings.HasPrefix(ctr.BaseURL(), "http://127.0.0.1:") {
		t.Fatalf("container knows %s %s %s %s", ctr.BaseURL(), ctr.TenantURL(), ctr.Token(), ctr.AdminToken())
	}
	scim := &client{t: t, token: ctr.Token()}
	tenant := ctr.TenantURL()

	code, body := scim.do("POST", tenant+"/Users", `{"schemas":["`+protocol.UserSchema+`"],"userName":"alice@contoso.com","externalId":"a1","active":true}`)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var user struct {
		ID       string `json:"id"`
		UserName string `json:"userName"`
		Active   bool   `json:"active"`
	}
	if err := json.Unmarshal([]byte(body), &user); err != nil || user.ID == "" {
		t.Fatalf("create answered %s (%v)", body, err)
	}

	code, body = scim.do("GET", tenant+"/Users?filter="+url.QueryEscape(`userName eq "ALICE@contoso.com"`), "")
	var list protocol.ListResponse
	if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 || list.TotalResults != 1 {
		t.Fatalf("filter: %d %s (%v)", code, body, err)
	}

	code, body = scim.do("PATCH", tenant+"/Users/"+user.ID, `{"schemas":["`+protocol.PatchOpSchema+`"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`)
	if code != 200 && code != 204 {
		t.Fatalf("patch: %d %s", code, body)
	}
	code, body = scim.do("GET", tenant+"/Users/"+user.ID, "")
	if err := json.Unmarshal([]byte(body), &user); err != nil || code != 200 || user.Active {
		t.Fatalf("after patch: %d %s", code, body)
	}

	if code, body = scim.do("DELETE", tenant+"/Users/"+user.ID, ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ = scim.do("GET", tenant+"/Users/"+user.ID, ""); code != 404 {
		t.Fatalf("GET after delete: %d, want 404", code)
	}

	// The fault file was copied in and loaded.
	if code, _ = scim.do("GET", tenant+"/Groups?faultprobe=1", ""); code != 418 {
		t.Errorf("fault from WithFaultsFile: %d, want 418", code)
	}
	// A wrong token is refused.
	if code, _ = (&client{t: t, token: "wrong-token-000000"}).do("GET", tenant+"/Users", ""); code != 401 {
		t.Errorf("wrong token: %d, want 401", code)
	}

	// Admin API: a catalogue plan through PUT, and the journal.
	admin := ctr.Admin()
	plan, err := fixtures.LookupFaultPlan("err-07-invalid-anchor")
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.PutFaultPlanJSON(ctx, "acme", plan.JSON); err != nil {
		t.Fatalf("PUT faults: %v", err)
	}
	if code, _ = scim.do("GET", tenant+"/Users/"+user.ID, ""); code != 404 {
		t.Errorf("err-07 plan: %d", code)
	}
	journal, err := admin.Requests(ctx, "acme", 0)
	if err != nil {
		t.Fatalf("journal: %v", err)
	}
	var got []string
	for _, r := range journal.Requests {
		got = append(got, fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, r.Fault))
	}
	want := []string{
		"POST /Users 201 ",
		"GET /Users 200 ",
		"PATCH /Users/" + user.ID + " ",
		"GET /Users/" + user.ID + " 200 ",
		"DELETE /Users/" + user.ID + " 204 ",
		"GET /Users/" + user.ID + " 404 ",
		"GET /Groups 418 probe-418",
		"GET /Users/" + user.ID + " 404 err-07-get-gone",
	}
	// PATCH may answer 200 or 204; compare it by prefix.
	if len(got) < len(want) {
		t.Fatalf("journal has %d entries, want at least %d: %q", len(got), len(want), got)
	}
	gi := 0
	for _, w := range want {
		for gi < len(got) && !strings.HasPrefix(got[gi], strings.TrimSuffix(w, " ")) {
			gi++
		}
		if gi == len(got) {
			t.Fatalf("journal %q lacks %q in order", got, w)
		}
		gi++
	}
	if strings.Contains(body, ctr.Token()) {
		t.Errorf("journal contains the SCIM token")
	}

	if err := ctr.Terminate(ctx); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	if _, err := http.Get(ctr.BaseURL() + "/healthz"); err == nil {
		t.Errorf("server still answers after Terminate")
	}
}

type client struct {
	t     *testing.T
	token string
}

func (c *client) do(method, u, body string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", protocol.MediaType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A catalogue entry given in memory as JSON applies to the seeded account
// (the entry has no account: it applies to every account).
func TestContainerWithCatalogueFaults(t *testing.T) {
	img := image()
	requireDocker(t, img)
	plan, err := fixtures.LookupFaultPlan("err-22-credentials-rejected")
	if err != nil {
		t.Fatal(err)
	}
	ctr, err := refcontainer.Run(context.Background(), img, refcontainer.WithFaults(plan.JSON, ".json"))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if ctr.AccountID() != refcontainer.DefaultAccount || len(ctr.Token()) < 32 || len(ctr.AdminToken()) < 32 {
		t.Errorf("defaults: account %q token %q admin %q", ctr.AccountID(), ctr.Token(), ctr.AdminToken())
	}
	code, body := (&client{t: t, token: ctr.Token()}).do("GET", ctr.TenantURL()+"/Users", "")
	var se protocol.Error
	if err := json.Unmarshal([]byte(body), &se); err != nil || code != 401 || se.StatusCode() != 401 {
		t.Errorf("ERR-22 plan: %d %s", code, body)
	}
}

// A server that cannot start makes Run fail quickly with the exit status,
// not wait for the whole startup timeout.
func TestContainerThatExitsFailsRun(t *testing.T) {
	img := image()
	requireDocker(t, img)
	start := time.Now()
	ctr, err := refcontainer.Run(context.Background(), img, refcontainer.WithArgs("--no-such-flag"))
	testcontainers.CleanupContainer(t, ctr)
	if err == nil || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), "no-such-flag") {
		t.Fatalf("Run = %v, want an error saying the server exited, with its output", err)
	}
	t.Logf("failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
}
