package journal_test

import (
	"github.com/quantive/entra-scim-harness/golden"

	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// server mounts the route chain the router builds: tenant.Info, the token
// check (a stand-in: every account but "nosuch" exists, and exactly one
// "Bearer X" header with X not starting with "wrong" is a live token),
// journal, faults, the 401 gate, then a stand-in SCIM handler answering
// each path deterministically; and the journal's admin API.
func server(t *testing.T, j *journal.Journal, e *faults.Injector) *httptest.Server {
	t.Helper()
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !tenant.From(r.Context()).Authorized {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	scim := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		switch {
		case r.Method == "GET":
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`)
		case r.Method == "POST":
			w.WriteHeader(201)
			_, _ = w.Write(append([]byte(`{"id":"u1",`), body[1:]...))
		case r.Method == "PATCH" || r.Method == "DELETE":
			w.WriteHeader(204)
		}
	})
	chain := j.Middleware(e.Middleware(gate(scim)))
	mux := http.NewServeMux()
	mux.Handle("/admin/accounts/{id}/requests", j.Admin())
	mux.Handle("/api/v1/scim/azure/{account}/{rest...}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &tenant.Info{AccountID: r.PathValue("account"), Path: "/" + r.PathValue("rest")}
		hs := r.Header.Values("Authorization")
		tok, isBearer := "", false
		if len(hs) == 1 {
			tok, isBearer = strings.CutPrefix(hs[0], "Bearer ")
		}
		info.AccountKnown = info.AccountID != "nosuch"
		info.Authorized = info.AccountKnown && isBearer && tok != "" && !strings.HasPrefix(tok, "wrong")
		chain.ServeHTTP(w, r.WithContext(tenant.With(r.Context(), info)))
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, srv *httptest.Server, token, method, account, pathQuery, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/api/v1/scim/azure/"+account+pathQuery, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

// requests reads GET /admin/accounts/{account}/requests?since=since.
func requests(t *testing.T, srv *httptest.Server, account, query string) (int, []byte) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/admin/accounts/" + account + "/requests" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func entries(t *testing.T, srv *httptest.Server, account string, since int64) []journal.Entry {
	t.Helper()
	code, b := requests(t, srv, account, fmt.Sprintf("?since=%d", since))
	if code != 200 {
		t.Fatalf("GET requests: %d %s", code, b)
	}
	var out struct {
		Requests []journal.Entry `json:"requests"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("requests body: %v: %s", err, b)
	}
	return out.Requests
}

const token = "scim-token-0123456789abcdef"

// A short Entra sequence (ENTRA-FLOW-03 match, FLOW-04 create refused once
// with 409 by a fault, retried, FLOW-07 update, FLOW-11 delete) recorded
// exactly; times and durations are zeroed before comparing with the golden
// file.
func TestJournalRecordsEntraSequenceExactly(t *testing.T) {
	j := journal.New(0)
	e := faults.New(1)
	if err := e.SetPlan("acme", faults.Meta{}, []faults.Rule{{Name: "conflict-once", Method: "POST", Path: "^/Users$", Status: 409, Times: 1}}); err != nil {
		t.Fatal(err)
	}
	srv := server(t, j, e)
	steps := []struct{ method, pathQuery, body string }{
		{"GET", `/Users?filter=userName+eq+%22alice%40contoso.com%22`, ""},
		{"POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@contoso.com","active":true}`},
		{"POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@contoso.com","active":true}`},
		{"PATCH", "/Users/u1", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`},
		{"DELETE", "/Users/u1", ""},
	}
	for _, s := range steps {
		if _, err := send(t, srv, token, s.method, "acme", s.pathQuery, s.body); err != nil {
			t.Fatal(err)
		}
	}
	got := entries(t, srv, "acme", 0)
	for i := range got {
		if got[i].Time.IsZero() || got[i].DurationMs < 0 {
			t.Errorf("entry %d: time %v duration %v", i, got[i].Time, got[i].DurationMs)
		}
		got[i].Time, got[i].DurationMs = time.Time{}, 0
	}
	b, _ := json.MarshalIndent(map[string]any{"requests": got}, "", "  ")
	matchGolden(t, "testdata/entra_sequence.golden.json", b)
}

func matchGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Assert(t, path, append(got, '\n'))
}

func TestRingKeepsNewestCapacityEntries(t *testing.T) {
	j := journal.New(3)
	srv := server(t, j, faults.New(1))
	for i := range 5 {
		send(t, srv, token, "GET", "acme", fmt.Sprintf("/Users/%d", i+1), "")
	}
	send(t, srv, token, "GET", "other", "/Groups", "")
	got := entries(t, srv, "acme", 0)
	if len(got) != 3 {
		t.Fatalf("kept %d entries, want 3", len(got))
	}
	for i, e := range got {
		if e.Seq != int64(i+3) || e.Path != fmt.Sprintf("/Users/%d", i+3) {
			t.Errorf("entry %d = seq %d path %s, want seq %d", i, e.Seq, e.Path, i+3)
		}
	}
	if other := entries(t, srv, "other", 0); len(other) != 1 || other[0].Seq != 1 {
		t.Errorf("other account: %+v", other)
	}
}

func TestSinceAndClear(t *testing.T) {
	j := journal.New(10)
	srv := server(t, j, faults.New(1))
	for range 4 {
		send(t, srv, token, "GET", "acme", "/Users", "")
	}
	if got := entries(t, srv, "acme", 2); len(got) != 2 || got[0].Seq != 3 || got[1].Seq != 4 {
		t.Errorf("since=2: %+v", got)
	}
	if got := entries(t, srv, "acme", 4); len(got) != 0 {
		t.Errorf("since=4: %+v", got)
	}
	if code, b := requests(t, srv, "acme", ""); code != 200 || strings.Count(string(b), `"seq"`) != 4 {
		t.Errorf("no since: %d %s", code, b)
	}
	if code, b := requests(t, srv, "empty", ""); code != 200 || string(b) != "{\"requests\":[],\"unauthenticated\":0}\n" {
		t.Errorf("unknown account: %d %s", code, b)
	}
	for _, bad := range []string{"?since=abc", "?since=-1"} {
		if code, b := requests(t, srv, "acme", bad); code != 400 || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%s: %d %s, want 400", bad, code, b)
		}
	}
	req, _ := http.NewRequest("DELETE", srv.URL+"/admin/accounts/acme/requests", nil)
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	if got := entries(t, srv, "acme", 0); len(got) != 0 {
		t.Errorf("after DELETE: %+v", got)
	}
	send(t, srv, token, "GET", "acme", "/Users", "")
	if got := entries(t, srv, "acme", 0); len(got) != 1 || got[0].Seq != 5 {
		t.Errorf("seq after DELETE should continue at 5: %+v", got)
	}
}

func TestTokensAreNeverRecorded(t *testing.T) {
	j := journal.New(10)
	srv := server(t, j, faults.New(1))
	secret := "s3cr3t-bearer-value"
	send(t, srv, secret, "POST", "acme", "/Users?access_token=qs-secret-1&client_secret=qs-secret-2&x=1",
		`{"userName":"a","note":"`+secret+`"}`)
	_, b := requests(t, srv, "acme", "")
	for _, s := range []string{secret, "qs-secret-1", "qs-secret-2", "Bearer", "Authorization"} {
		if strings.Contains(string(b), s) {
			t.Errorf("journal contains %q: %s", s, b)
		}
	}
	got := entries(t, srv, "acme", 0)
	if len(got) != 1 || got[0].Query != "access_token=[REDACTED]&client_secret=[REDACTED]&x=1" ||
		!strings.Contains(got[0].RequestBody, `"note":"[REDACTED]"`) {
		t.Errorf("entry = %+v", got)
	}
}

func TestBodiesAreCappedAndMarkedTruncated(t *testing.T) {
	j := journal.New(10)
	j.SetBodyLimit(16)
	srv := server(t, j, faults.New(1))
	body := `{"userName":"` + strings.Repeat("x", 100) + `"}`
	resp, err := send(t, srv, token, "POST", "acme", "/Users", body)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST: %v %v", resp, err)
	}
	got := entries(t, srv, "acme", 0)[0]
	if got.RequestBody != body[:16] || !got.RequestBodyTruncated {
		t.Errorf("request body %q truncated=%v", got.RequestBody, got.RequestBodyTruncated)
	}
	if len(got.ResponseBody) != 16 || !got.ResponseBodyTruncated || !strings.HasPrefix(got.ResponseBody, `{"id":"u1",`) {
		t.Errorf("response body %q truncated=%v", got.ResponseBody, got.ResponseBodyTruncated)
	}
	send(t, srv, token, "POST", "acme", "/Users", `{"a":1}`)
	if got := entries(t, srv, "acme", 1)[0]; got.RequestBodyTruncated || got.RequestBody != `{"a":1}` {
		t.Errorf("short body: %+v", got)
	}
}

func TestFaultsAreRecorded(t *testing.T) {
	j := journal.New(10)
	e := faults.New(1)
	if err := e.SetPlan("acme", faults.Meta{}, []faults.Rule{
		{Name: "cut", Method: "DELETE", Action: "drop"},
		{Name: "junk", Method: "GET", Action: "malformed"},
	}); err != nil {
		t.Fatal(err)
	}
	srv := server(t, j, e)
	if _, err := send(t, srv, token, "DELETE", "acme", "/Users/1", ""); err == nil {
		t.Fatal("dropped request got an answer")
	}
	send(t, srv, token, "GET", "acme", "/Users/1", "")
	var got []journal.Entry
	for range 500 { // the dropped request's handler may finish after the client saw the close
		if got = entries(t, srv, "acme", 0); len(got) == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(got) != 2 {
		t.Fatalf("entries: %+v", got)
	}
	byMethod := map[string]journal.Entry{got[0].Method: got[0], got[1].Method: got[1]}
	if d := byMethod["DELETE"]; d.Status != 0 || d.Fault != "cut" {
		t.Errorf("drop recorded as %+v", d)
	}
	if g := byMethod["GET"]; g.Status != 200 || g.Fault != "junk" || g.ResponseBody != faults.MalformedBody {
		t.Errorf("malformed recorded as %+v", g)
	}
}

func TestConcurrentRecordingAndReading(t *testing.T) {
	const writers, each = 8, 50
	j := journal.New(1000)
	srv := server(t, j, faults.New(1))
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := send(t, srv, token, "GET", "acme", fmt.Sprintf("/Users/%d-%d", w, i), ""); err != nil {
					t.Error(err)
				}
			}
		})
	}
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
				es := j.Since("acme", 0)
				for i := 1; i < len(es); i++ {
					if es[i].Seq != es[i-1].Seq+1 {
						t.Errorf("gap in sequence: %d then %d", es[i-1].Seq, es[i].Seq)
						return
					}
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	got := j.Since("acme", 0)
	if len(got) != writers*each {
		t.Fatalf("recorded %d, want %d", len(got), writers*each)
	}
	seen := map[string]bool{}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i, e.Seq)
		}
		seen[e.Path] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct paths, want %d", len(seen), writers*each)
	}
}

func TestNoTenantInfoIsNotRecorded(t *testing.T) {
	j := journal.New(10)
	h := j.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 || len(j.Since("", 0)) != 0 {
		t.Errorf("code %d entries %d", rec.Code, len(j.Since("", 0)))
	}
}

// Requests to made-up account ids cannot grow the journal without end.
func TestAccountsAreBounded(t *testing.T) {
	j := journal.New(5)
	h := j.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	hit := func(account string) {
		req := httptest.NewRequest("GET", "/Users", nil)
		req = req.WithContext(tenant.With(req.Context(), &tenant.Info{AccountID: account, Path: "/Users", AccountKnown: true, Authorized: true}))
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	for i := range journal.MaxAccounts {
		hit(fmt.Sprintf("acct-%d", i))
	}
	hit("one-too-many")
	if n := len(j.Since("one-too-many", 0)); n != 0 {
		t.Errorf("account beyond MaxAccounts recorded %d entries", n)
	}
	hit("acct-0") // known accounts still record
	if n := len(j.Since("acct-0", 0)); n != 2 {
		t.Errorf("acct-0 has %d entries, want 2", n)
	}
}
