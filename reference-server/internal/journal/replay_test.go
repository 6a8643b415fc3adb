package journal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
)

// Replays every golden Entra request (fixtures/requests, both dialects)
// against the real reference server and checks that the journal holds
// exactly what was sent and answered, in order, and never the token.
func TestJournalRecordsGoldenEntraRequestsOnReferenceServer(t *testing.T) {
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, dialect := range fixtures.RequestDialects {
		t.Run(dialect, func(t *testing.T) {
			reqs, err := fixtures.Requests(dialect)
			if err != nil || len(reqs) == 0 {
				t.Fatalf("golden requests: %v (%d)", err, len(reqs))
			}
			account, token, err := srv.NewAccount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tenant := srv.TenantURLOf(account)
			type sent struct {
				method, path, query, body string
				status                    int
				answer                    string
			}
			var log []sent
			do := func(method, path, query string, body []byte) (int, []byte) {
				u := tenant + path
				if query != "" {
					u += "?" + query
				}
				req, err := http.NewRequest(method, u, bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+token)
				if len(body) > 0 {
					req.Header.Set("Content-Type", protocol.MediaType)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, u, err)
				}
				defer resp.Body.Close()
				answer, _ := io.ReadAll(resp.Body)
				log = append(log, sent{method, path, query, string(body), resp.StatusCode, string(answer)})
				return resp.StatusCode, answer
			}
			idOf := func(answer []byte) string {
				var r struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(answer, &r)
				return r.ID
			}
			_, mgr := do("POST", "/Users", "", []byte(`{"schemas":["`+protocol.UserSchema+`"],"userName":"manager@contoso.com"}`))
			vars := map[string]string{"probeId": "5a2f0c1e-0000-4000-8000-000000000001", "tenantUrl": tenant,
				"managerId": idOf(mgr), "userId": "none", "memberId": "none", "groupId": "none"}
			for _, r := range reqs {
				rr, err := r.Render(vars)
				if err != nil {
					t.Fatal(err)
				}
				var body []byte
				if rr.HasBody() {
					body = rr.Body
				}
				code, answer := do(rr.Method, rr.Path, rr.Query, body)
				if code >= 500 {
					t.Errorf("%s: %d %s", r.Name, code, answer)
				}
				if rr.Method == "POST" && code == 201 {
					switch rr.Path {
					case "/Users":
						vars["userId"], vars["memberId"] = idOf(answer), idOf(answer)
					case "/Groups":
						vars["groupId"] = idOf(answer)
					}
				}
			}

			adminReq, err := http.NewRequest("GET", srv.BaseURL+"/admin/accounts/"+account+"/requests", nil)
			if err != nil {
				t.Fatal(err)
			}
			adminReq.Header.Set("Authorization", "Bearer "+srv.AdminToken)
			ar, err := http.DefaultClient.Do(adminReq)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(ar.Body)
			ar.Body.Close()
			if bytes.Contains(raw, []byte(token)) {
				t.Errorf("journal contains the SCIM token")
			}
			var got struct {
				Requests []journal.Entry `json:"requests"`
			}
			if err := json.Unmarshal(raw, &got); err != nil || ar.StatusCode != 200 {
				t.Fatalf("journal: %d %s", ar.StatusCode, raw)
			}
			if len(got.Requests) != len(log) {
				t.Fatalf("journal has %d entries, %d requests were sent", len(got.Requests), len(log))
			}
			for i, s := range log {
				e := got.Requests[i]
				if e.Seq != int64(i+1) || e.Method != s.method || e.Path != s.path || e.Query != s.query ||
					e.RequestBody != s.body || e.Status != s.status || e.ResponseBody != s.answer || e.Fault != "" {
					t.Errorf("entry %d:\n got %d %s %s ?%s body=%q -> %d %q\nsent %s %s ?%s body=%q -> %d %q",
						i, e.Seq, e.Method, e.Path, e.Query, e.RequestBody, e.Status, e.ResponseBody,
						s.method, s.path, s.query, s.body, s.status, s.answer)
				}
			}
		})
	}
}
