package faults_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

// catalogueCase is what one catalogue entry must do: the request that
// triggers it and the answer expected, written from the spec rather than
// read from the plan, plus a request the plan must leave alone.
type catalogueCase struct {
	method, pathQuery string
	status            int    // 0: the connection is dropped (or times out, with timeout)
	retryAfter        string // expected Retry-After header
	scimError         string // non-empty: body is a SCIM Error whose detail contains it ("*": any)
	timeout           time.Duration
	body              func(t *testing.T, body string)
	passMethod        string // a request the plan must not touch
	passPath          string
}

var catalogue = map[string]catalogueCase{
	"err-01-conflict-on-create": {method: "POST", pathQuery: "/Users", status: 409, scimError: "already exists",
		body: scimType(protocol.ScimTypeUniqueness), passMethod: "GET", passPath: "/Users/1"},
	"err-02-too-many-requests": {method: "GET", pathQuery: "/Users?filter=userName+eq+%22a%22", status: 429, retryAfter: "30", scimError: "*"},
	"err-03-internal-server-error": {method: "POST", pathQuery: "/Users", status: 500, scimError: "*",
		passMethod: "GET", passPath: "/Users"},
	"err-04-forbidden": {method: "DELETE", pathQuery: "/Groups/7", status: 403, scimError: "*"},
	"err-04-method-not-allowed": {method: "PATCH", pathQuery: "/Users/42", status: 405, scimError: "*",
		passMethod: "PATCH", passPath: "/Groups/42"},
	"err-05-unprocessable-entity": {method: "POST", pathQuery: "/Users", status: 422, scimError: "*",
		passMethod: "POST", passPath: "/Groups"},
	"err-06-connection-dropped": {method: "POST", pathQuery: "/Users", status: 0,
		passMethod: "GET", passPath: "/Users"},
	"resp-15-bad-gateway": {method: "GET", pathQuery: "/Users/1", status: 502, body: notJSON},
	"err-07-invalid-anchor": {method: "GET", pathQuery: "/Users/3f2c", status: 404, scimError: "*",
		passMethod: "DELETE", passPath: "/Users/3f2c"},
	"err-08-not-implemented": {method: "PATCH", pathQuery: "/Groups/g1", status: 501, scimError: "*",
		passMethod: "PATCH", passPath: "/Users/u1"},
	"err-09-mandatory-field-missing": {method: "POST", pathQuery: "/Users", status: 400, scimError: "Required attribute emails"},
	"err-10-schema-attribute-not-found": {method: "PATCH", pathQuery: "/Users/u1", status: 400, scimError: "is not defined",
		body: scimType(protocol.ScimTypeInvalidPath)},
	"err-12-invalid-domain": {method: "POST", pathQuery: "/Users", status: 400, scimError: "Domain contoso.com"},
	"err-13-timeout": {method: "POST", pathQuery: "/Users", status: 0, timeout: 300 * time.Millisecond,
		passMethod: "GET", passPath: "/Users"},
	"err-14-licence-limit": {method: "POST", pathQuery: "/Users", status: 400, scimError: "License limit exceeded"},
	"err-15-duplicate-target-entries": {method: "GET", pathQuery: `/Users?filter=userName+eq+%22alice%40contoso.com%22`, status: 200,
		body: listWith(2, false), passMethod: "GET", passPath: "/Users/dup-1"},
	"err-19-group-with-members": {method: "GET", pathQuery: "/Groups/g1?excludedAttributes=members", status: 200,
		body: groupWithMembers, passMethod: "GET", passPath: "/Users/u1"},
	"err-20-service-incompatible": {method: "POST", pathQuery: "/Users", status: 201, body: notJSON,
		passMethod: "GET", passPath: "/Users"},
	"err-20-manager-as-string": {method: "GET", pathQuery: "/Users/u1", status: 200, body: managerIsString,
		passMethod: "GET", passPath: "/Users"},
	"err-22-credentials-rejected": {method: "GET", pathQuery: "/Users?filter=userName+eq+%22probe%22", status: 401, scimError: "*"},
	"resp-03-filter-not-found": {method: "GET", pathQuery: "/Users?filter=userName+eq+%22probe%22", status: 404, scimError: "*",
		passMethod: "GET", passPath: "/Users/u1"},
}

// The catalogue and this table describe the same entries.
func TestCatalogueIsComplete(t *testing.T) {
	plans, err := fixtures.FaultPlans()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../../fixtures/faults/README.md")
	if err != nil {
		t.Fatal(err)
	}
	specID := regexp.MustCompile(`^((ERR|ENTRA-[A-Z]+)-\d+)(, ((ERR|ENTRA-[A-Z]+)-\d+))*$`)
	seen := map[string]bool{}
	for _, p := range plans {
		seen[p.Name] = true
		if _, ok := catalogue[p.Name]; !ok {
			t.Errorf("%s: no expectation in the catalogue test", p.Name)
		}
		if !specID.MatchString(p.Spec) {
			t.Errorf("%s: spec %q is not a list of spec IDs", p.Name, p.Spec)
		}
		if p.ErrorCode == "" && p.Name != "resp-03-filter-not-found" {
			t.Errorf("%s: no errorCode", p.Name)
		}
		if p.Description == "" {
			t.Errorf("%s: no description", p.Name)
		}
		if !strings.Contains(string(readme), "`"+p.Name+".yaml`") {
			t.Errorf("%s: missing from fixtures/faults/README.md", p.Name)
		}
	}
	for name := range catalogue {
		if !seen[name] {
			t.Errorf("%s: expected in the catalogue, no such file", name)
		}
	}
}

func TestCatalogueEntries(t *testing.T) {
	plans, err := fixtures.FaultPlans()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		tc, ok := catalogue[p.Name]
		if !ok {
			continue // reported by TestCatalogueIsComplete
		}
		t.Run(p.Spec+"/"+p.Name, func(t *testing.T) {
			// The YAML as `refserver --faults` reads it.
			f, err := faults.ParseFile(p.Name+".yaml", p.YAML)
			if err != nil {
				t.Fatal(err)
			}
			e := faults.New(1)
			if err := e.Load(f); err != nil {
				t.Fatal(err)
			}
			// The JSON form is a valid admin PUT body for the same plan.
			code, body := adminDo(t, adminServer(t, faults.New(1)), "PUT", "acme", string(p.JSON))
			if code != 200 {
				t.Fatalf("PUT of the JSON form: %d %s", code, body)
			}
			c := newChain(t, e)
			send := func(client *http.Client, method, pathQuery, body string) (*http.Response, string, error) {
				return sendTo(client, c.srv.URL+"/t/acme"+pathQuery, method, "", body)
			}
			checkCatalogueCase(t, tc, send, e.Plan("acme"))
			if c.waitFault(1) == "" {
				t.Errorf("no rule recorded as fired")
			}
			if n := c.applied.Load(); n != 0 {
				t.Errorf("faulted request reached the handler %d times", n)
			}
			if tc.passMethod != "" {
				resp, body := c.must(t, tc.passMethod, "acme", tc.passPath, "")
				if resp.StatusCode != 200 || body != appliedBody {
					t.Errorf("%s %s: got %d %q, want it untouched", tc.passMethod, tc.passPath, resp.StatusCode, body)
				}
			}
		})
	}
}

// sender sends one request of a catalogue case (body "" for none).
type sender func(client *http.Client, method, pathQuery, body string) (*http.Response, string, error)

// sendTo sends a request with an optional bearer token and reads the answer.
func sendTo(client *http.Client, url, method, token, body string) (*http.Response, string, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", protocol.MediaType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// checkCatalogueCase sends the case's trigger through send and checks the
// answer; plan is the loaded plan (for the ERR-13 delay).
func checkCatalogueCase(t *testing.T, tc catalogueCase, send sender, plan faults.Status) {
	t.Helper()
	if tc.timeout > 0 {
		resp, _, err := send(&http.Client{Timeout: tc.timeout}, tc.method, tc.pathQuery, tc.reqBody())
		var ne net.Error
		if err == nil {
			t.Fatalf("answered %d within the client timeout", resp.StatusCode)
		}
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("err = %v, want a client timeout", err)
		}
		// ERR-13: the stall must outlast the client's default 60 s timeout (ENTRA-HTTP-08).
		d, err := time.ParseDuration(plan.Rules[0].Delay)
		if err != nil || d <= 60*time.Second {
			t.Errorf("delay %v (%v), want more than 60s", d, err)
		}
		return
	}
	resp, body, err := send(http.DefaultClient, tc.method, tc.pathQuery, tc.reqBody())
	if tc.status == 0 {
		if err == nil {
			t.Fatalf("answered %d, want the connection dropped", resp.StatusCode)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s %s: %v", tc.method, tc.pathQuery, err)
	}
	if resp.StatusCode != tc.status {
		t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
	}
	if got := resp.Header.Get("Retry-After"); got != tc.retryAfter {
		t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
	}
	if tc.scimError != "" {
		var se protocol.Error
		if err := json.Unmarshal([]byte(body), &se); err != nil || len(se.Schemas) == 0 || se.Schemas[0] != protocol.ErrorSchema {
			t.Fatalf("body is not a SCIM Error: %v: %s", err, body)
		}
		if se.StatusCode() != tc.status {
			t.Errorf("Error.status %q, want %d", se.Status, tc.status)
		}
		if tc.scimError != "*" && !strings.Contains(se.Detail, tc.scimError) {
			t.Errorf("detail %q does not contain %q", se.Detail, tc.scimError)
		}
		if ct := resp.Header.Get("Content-Type"); ct != protocol.MediaType {
			t.Errorf("Content-Type %q", ct)
		}
	}
	if tc.body != nil {
		tc.body(t, body)
	}
}

// reqBody is a plausible Entra body for the case's method.
func (tc catalogueCase) reqBody() string {
	switch tc.method {
	case "POST":
		return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new@contoso.com","externalId":"new","active":true}`
	case "PATCH":
		return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"Changed"},{"op":"Replace","path":"active","value":"False"}]}`
	}
	return ""
}

func scimType(want string) func(*testing.T, string) {
	return func(t *testing.T, body string) {
		var se protocol.Error
		if err := json.Unmarshal([]byte(body), &se); err != nil || se.ScimType != want {
			t.Errorf("scimType %q (%v), want %q", se.ScimType, err, want)
		}
	}
}

func notJSON(t *testing.T, body string) {
	var v any
	if body == "" || json.Unmarshal([]byte(body), &v) == nil {
		t.Errorf("body %q parses as JSON; want something that is not SCIM", body)
	}
}

// listWith checks a ListResponse with n resources (ERR-15: more than one
// match for a filter Entra expects to match at most one).
func listWith(n int, members bool) func(*testing.T, string) {
	return func(t *testing.T, body string) {
		var lr protocol.ListResponse
		if err := json.Unmarshal([]byte(body), &lr); err != nil {
			t.Fatalf("not a ListResponse: %v", err)
		}
		if lr.Schemas[0] != protocol.ListResponseSchema || lr.TotalResults != n || len(lr.Resources) != n {
			t.Errorf("ListResponse total %d with %d resources, want %d", lr.TotalResults, len(lr.Resources), n)
		}
		var ids []string
		for _, r := range lr.Resources {
			var res struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &res); err != nil || res.ID == "" {
				t.Errorf("resource without id: %s", r)
			}
			ids = append(ids, res.ID)
		}
		if n == 2 && ids[0] == ids[1] {
			t.Errorf("the two resources have one id %q", ids[0])
		}
	}
}

// groupWithMembers checks ERR-19: a group read answered with members.
func groupWithMembers(t *testing.T, body string) {
	var g struct {
		Schemas []string `json:"schemas"`
		ID      string   `json:"id"`
		Members []struct {
			Value string `json:"value"`
		} `json:"members"`
	}
	if err := json.Unmarshal([]byte(body), &g); err != nil || g.ID == "" || g.Schemas[0] != protocol.GroupSchema {
		t.Fatalf("not a group: %v %s", err, body)
	}
	if len(g.Members) < 2 {
		t.Errorf("group has %d members, want several", len(g.Members))
	}
}

// managerIsString checks the ERR-20 variant: the enterprise manager as a
// bare string instead of {"value": id} (ENTRA-FLOW-08).
func managerIsString(t *testing.T, body string) {
	var u map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &u); err != nil {
		t.Fatal(err)
	}
	var ext map[string]any
	if err := json.Unmarshal(u[protocol.EnterpriseUserSchema], &ext); err != nil {
		t.Fatalf("no enterprise extension: %v", err)
	}
	if _, ok := ext["manager"].(string); !ok {
		t.Errorf("manager = %#v, want a bare string", ext["manager"])
	}
}
