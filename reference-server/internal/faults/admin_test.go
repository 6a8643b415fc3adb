package faults_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

// adminServer mounts Admin the way the router does.
func adminServer(t *testing.T, e *faults.Injector) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/admin/accounts/{id}/faults", e.Admin())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func adminDo(t *testing.T, srv *httptest.Server, method, account, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+"/admin/accounts/"+account+"/faults", strings.NewReader(body))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminPutGetDelete(t *testing.T) {
	e := faults.New(1)
	srv := adminServer(t, e)
	c := newChain(t, e)

	code, body := adminDo(t, srv, "PUT", "acme", `{"spec":"ERR-02","errorCode":"TooManyRequests",
		"rules":[{"name":"throttle","method":"GET","path":"^/Users","status":429,"retryAfter":5,"times":2}]}`)
	if code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	c.must(t, "GET", "acme", "/Users", "")
	code, body = adminDo(t, srv, "GET", "acme", "")
	var st faults.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil || code != 200 {
		t.Fatalf("GET: %d %v %s", code, err, body)
	}
	if len(st.Rules) != 1 || st.Rules[0].Name != "throttle" || st.Rules[0].Hits != 1 || st.Rules[0].RetryAfter != 5 ||
		st.Spec != "ERR-02" || st.ErrorCode != "TooManyRequests" {
		t.Errorf("GET shows %+v", st)
	}
	// Hit counts are part of the wire form.
	if !strings.Contains(body, `"hits":1`) {
		t.Errorf("GET body lacks hits: %s", body)
	}

	if code, _ := adminDo(t, srv, "DELETE", "acme", ""); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	if resp, _ := c.must(t, "GET", "acme", "/Users", ""); resp.StatusCode != 200 {
		t.Errorf("after DELETE the fault still fires: %d", resp.StatusCode)
	}
	if _, body := adminDo(t, srv, "GET", "acme", ""); !strings.Contains(body, `"rules":[]`) {
		t.Errorf("after DELETE GET shows %s", body)
	}
	if code, _ := adminDo(t, srv, "POST", "acme", "{}"); code != 405 {
		t.Errorf("POST: %d, want 405", code)
	}
}

func TestAdminPutRejectsBadPlansNamingRuleAndField(t *testing.T) {
	cases := []struct {
		name, body string
		rule       int
		field      string
	}{
		{"bad regexp", `{"rules":[{"status":500},{"path":"[","status":500}]}`, 1, "path"},
		{"unknown action", `{"rules":[{"action":"explode"}]}`, 0, "action"},
		{"status out of range", `{"rules":[{"status":200},{"status":200},{"status":1000}]}`, 2, "status"},
		{"status as string", `{"rules":[{"status":"500"}]}`, 0, "status"},
		{"misspelt field", `{"rules":[{"stauts":500}]}`, 0, "stauts"},
		{"probability", `{"rules":[{"status":500,"probability":2}]}`, 0, "probability"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := faults.New(1)
			srv := adminServer(t, e)
			code, body := adminDo(t, srv, "PUT", "acme", tc.body)
			if code != 400 {
				t.Fatalf("PUT: %d %s, want 400", code, body)
			}
			var ae struct {
				Error string `json:"error"`
				Rule  *int   `json:"rule"`
				Field string `json:"field"`
			}
			if err := json.Unmarshal([]byte(body), &ae); err != nil {
				t.Fatalf("error body is not JSON: %s", body)
			}
			if ae.Rule == nil || *ae.Rule != tc.rule || ae.Field != tc.field || ae.Error == "" {
				t.Errorf("error = %s, want rule %d field %s", body, tc.rule, tc.field)
			}
		})
	}
}

// A body that is neither a JSON nor a YAML plan, or not what its
// Content-Type says, is 400 and changes nothing.
func TestAdminPutRejectsBodiesThatAreNoPlan(t *testing.T) {
	cases := []struct{ name, contentType, body, want string }{
		{"broken YAML", "", "rules: [", "YAML body"},
		{"YAML sent as JSON", "application/json", "rules: []", "invalid plan"},
		{"YAML list", "application/yaml", "- status: 500", "invalid plan"},
		{"YAML with a non-string key", "application/yaml", "rules:\n  - 1: x", "YAML body"},
		{"empty body", "", "  \n", "empty body"},
		{"plain text", "text/plain", "hello", "invalid plan"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := faults.New(1)
			if err := e.SetPlan("acme", faults.Meta{Spec: "KEEP"}, []faults.Rule{{Name: "keep", Status: 500}}); err != nil {
				t.Fatal(err)
			}
			srv := adminServer(t, e)
			code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults", tc.contentType, tc.body)
			if code != 400 || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %s, want 400 with %q", code, body, tc.want)
			}
			if p := e.Plan("acme"); len(p.Rules) != 1 || p.Spec != "KEEP" {
				t.Errorf("a refused PUT changed the plan: %+v", p)
			}
		})
	}
}

// adminSend is adminDo with a path (and query) and a Content-Type.
func adminSend(t *testing.T, srv *httptest.Server, method, pathQuery, contentType, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+pathQuery, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const yamlPlan = `spec: ERR-02
errorCode: TooManyRequests
description: Throttles list requests.
rules:
  - name: throttle
    method: GET
    path: ^/Users
    status: 429
    retryAfter: 5
    times: 2
`

const jsonPlan = `{"spec":"ERR-02","errorCode":"TooManyRequests","description":"Throttles list requests.",
  "rules":[{"name":"throttle","method":"GET","path":"^/Users","status":429,"retryAfter":5,"times":2}]}`

// A plan is accepted as YAML (the catalogue's format) and as JSON, chosen
// by the Content-Type or, without a telling one, by sniffing; both give the
// same plan, which fires.
func TestAdminPutYAMLOrJSON(t *testing.T) {
	cases := []struct{ name, contentType, body string }{
		{"YAML by application/yaml", "application/yaml", yamlPlan},
		{"YAML by application/x-yaml", "application/x-yaml", yamlPlan},
		{"YAML by text/yaml with charset", "text/yaml; charset=utf-8", yamlPlan},
		{"YAML by +yaml", "application/vnd.plan+yaml", yamlPlan},
		{"YAML sniffed without Content-Type", "", yamlPlan},
		{"YAML sniffed under text/plain", "text/plain", yamlPlan},
		{"YAML sniffed under octet-stream", "application/octet-stream", yamlPlan},
		{"JSON by application/json", "application/json", jsonPlan},
		{"JSON by +json", "application/scim+json", jsonPlan},
		{"JSON sniffed without Content-Type", "", jsonPlan},
		{"JSON read as YAML (a subset)", "application/yaml", jsonPlan},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := faults.New(1)
			srv := adminServer(t, e)
			code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults", tc.contentType, tc.body)
			if code != 200 {
				t.Fatalf("PUT: %d %s", code, body)
			}
			p := e.Plan("acme")
			if p.Spec != "ERR-02" || p.ErrorCode != "TooManyRequests" || p.Description != "Throttles list requests." ||
				len(p.Rules) != 1 || p.Rules[0].Name != "throttle" || p.Rules[0].Status != 429 || p.Rules[0].RetryAfter != 5 || p.Rules[0].Times != 2 {
				t.Fatalf("plan %+v", p)
			}
			c := newChain(t, e)
			if resp, _ := c.must(t, "GET", "acme", "/Users", ""); resp.StatusCode != 429 {
				t.Fatalf("the plan does not fire: %d", resp.StatusCode)
			}
		})
	}
}

// YAML plans are read as strictly as JSON ones: a misspelt field or a
// value of the wrong type names its rule and field.
func TestAdminPutYAMLNamesRuleAndField(t *testing.T) {
	cases := []struct {
		name, body string
		rule       int
		field      string
	}{
		{"misspelt field", "rules:\n  - status: 500\n  - stauts: 500\n", 1, "stauts"},
		{"status as text", "rules:\n  - status: lots\n", 0, "status"},
		{"bad regexp", "rules:\n  - status: 500\n  - path: '['\n    status: 500\n", 1, "path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := adminServer(t, faults.New(1))
			code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults", "application/yaml", tc.body)
			var ae struct {
				Rule  *int   `json:"rule"`
				Field string `json:"field"`
			}
			if code != 400 || json.Unmarshal([]byte(body), &ae) != nil || ae.Rule == nil || *ae.Rule != tc.rule || ae.Field != tc.field {
				t.Fatalf("got %d %s, want 400 naming rule %d field %s", code, body, tc.rule, tc.field)
			}
		})
	}
}

// PUT ?plan=NAME applies the catalogue plan fixtures/faults/NAME.yaml: the
// same plan as PUTting the file's YAML; an unknown name is 404 listing
// every known one.
func TestAdminPutCataloguePlanByName(t *testing.T) {
	plans, err := fixtures.FaultPlans()
	if err != nil || len(plans) < 10 {
		t.Fatalf("catalogue: %d plans, %v", len(plans), err)
	}
	for _, p := range plans {
		t.Run(p.Name, func(t *testing.T) {
			e := faults.New(1)
			srv := adminServer(t, e)
			code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults?plan="+p.Name, "", "")
			if code != 200 {
				t.Fatalf("PUT ?plan=: %d %s", code, body)
			}
			byName, _ := json.Marshal(e.Plan("acme"))
			if code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults", "application/yaml", string(p.YAML)); code != 200 {
				t.Fatalf("PUT of the YAML file: %d %s", code, body)
			}
			byFile, _ := json.Marshal(e.Plan("acme"))
			if string(byName) != string(byFile) || !strings.Contains(string(byName), `"spec":"`+p.Spec+`"`) {
				t.Fatalf("by name %s\nby file %s", byName, byFile)
			}
		})
	}
	srv := adminServer(t, faults.New(1))
	for _, name := range []string{"err-99-nope", "", "../faults/err-01-conflict-on-create", "ERR-01-CONFLICT-ON-CREATE"} {
		code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults?plan="+url.QueryEscape(name), "", "")
		var ae struct {
			Error string   `json:"error"`
			Known []string `json:"known"`
		}
		if code != 404 || json.Unmarshal([]byte(body), &ae) != nil || len(ae.Known) != len(plans) || !strings.Contains(ae.Error, plans[0].Name) {
			t.Fatalf("?plan=%q: %d %s, want 404 listing %d plans", name, code, body, len(plans))
		}
	}
	code, body := adminSend(t, srv, "PUT", "/admin/accounts/acme/faults?plan="+plans[0].Name, "application/json", jsonPlan)
	if code != 400 || !strings.Contains(body, "not both") {
		t.Fatalf("?plan= with a body: %d %s", code, body)
	}
}
