package faults_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

// adminServer mounts Admin the way the router does.
func adminServer(t *testing.T, e *faults.Engine) *httptest.Server {
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

func TestAdminPutRejectsNonJSON(t *testing.T) {
	srv := adminServer(t, faults.New(1))
	code, body := adminDo(t, srv, "PUT", "acme", "rules: []")
	if code != 400 || !strings.Contains(body, `"error"`) {
		t.Errorf("got %d %s", code, body)
	}
}
