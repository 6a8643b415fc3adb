package scim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// TestResponseClassesThroughClient proves that answers reaching the client
// over HTTP are classified as Entra would (ENTRA-RESP-*), with the body as
// additional details.
func TestResponseClassesThroughClient(t *testing.T) {
	cases := []struct {
		name  string
		reply reply
		run   func(c *Client) (*Result, error)
		code  string
		ok    bool
	}{
		{"RESP-01 create stores id", created, func(c *Client) (*Result, error) { return c.CreateUser(ctx(), Attributes{"userName": "a"}) }, "", true},
		{"RESP-17 create without id", reply{status: 201, body: `{"userName":"a"}`},
			func(c *Client) (*Result, error) { return c.CreateUser(ctx(), Attributes{"userName": "a"}) }, outcome.CodeServiceIncompatible, false},
		{"RESP-17 malformed JSON", reply{status: 200, body: `{"id":"u1",`},
			func(c *Client) (*Result, error) { return c.GetUser(ctx(), "u1") }, outcome.CodeServiceIncompatible, false},
		{"RESP-17 manager as string", reply{status: 200, body: `{"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m"}}`},
			func(c *Client) (*Result, error) { return c.GetUser(ctx(), "u1") }, outcome.CodeServiceIncompatible, false},
		{"RESP-18 group with members", reply{status: 200, body: `{"id":"g1","members":[{"value":"u"}]}`},
			func(c *Client) (*Result, error) { return c.GetGroup(ctx(), "g1") }, outcome.CodeMultipleEntriesInResponse, false},
		{"RESP-19 two matches", reply{status: 200, body: `{"totalResults":2,"Resources":[{"id":"a"},{"id":"b"}]}`},
			func(c *Client) (*Result, error) { return c.MatchUser(ctx(), "userName", "a") }, outcome.CodeDuplicateTargetEntries, false},
		{"RESP-03 404 on filter", reply{status: 404, body: "nope"},
			func(c *Client) (*Result, error) { return c.MatchUser(ctx(), "userName", "a") }, outcome.CodeServiceIncompatible, false},
		{"RESP-04 404 on get", reply{status: 404},
			func(c *Client) (*Result, error) { return c.GetUser(ctx(), "u1") }, outcome.CodeInvalidAnchor, false},
		{"UNC-08 404 on delete", reply{status: 404},
			func(c *Client) (*Result, error) { return c.DeleteUser(ctx(), "u1") }, "", true},
		{"RESP-06 401", reply{status: 401}, func(c *Client) (*Result, error) { return c.GetUser(ctx(), "u1") }, outcome.CodeCredentialValidationFailure, false},
		{"RESP-09 409", reply{status: 409, body: `{"status":"409","scimType":"uniqueness"}`},
			func(c *Client) (*Result, error) { return c.CreateUser(ctx(), Attributes{"userName": "a"}) }, outcome.CodeEntryConflict, false},
		{"RESP-13 500", reply{status: 500}, func(c *Client) (*Result, error) { return c.DisableUser(ctx(), "u1") }, outcome.CodeInternalServerError, false},
		{"RESP-15 503", reply{status: 503}, func(c *Client) (*Result, error) { return c.DisableUser(ctx(), "u1") }, outcome.CodeWebExceptionProtocolError, false},
		{"RESP-20 required field", reply{status: 400, body: `{"status":"400","detail":"userName is required"}`},
			func(c *Client) (*Result, error) { return c.CreateUser(ctx(), Attributes{"displayName": "a"}) }, outcome.CodeMandatoryFieldsMissing, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ft := newTarget(t, tc.reply)
			r, err := tc.run(newClient(t, ft.URL, nil))
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome.Success != tc.ok || r.Outcome.ErrorCode != tc.code {
				t.Fatalf("outcome %s, want ok=%v code=%q", r.Outcome, tc.ok, tc.code)
			}
			if !tc.ok && r.Outcome.AdditionalDetails != tc.reply.body {
				t.Errorf("additional details %q, want body %q", r.Outcome.AdditionalDetails, tc.reply.body)
			}
			if tc.ok && tc.reply.status == 201 && r.ID() == "" {
				t.Error("created id not read")
			}
		})
	}
}

func ctx() context.Context { return context.Background() }

// TestTimeout_RESP16 proves that a target slower than the configured
// per-request timeout yields Timeout without waiting longer.
func TestTimeout_RESP16(t *testing.T) {
	release := make(chan struct{})
	ft := newTarget(t)
	ft.handle = func(w http.ResponseWriter, r *http.Request, n int) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return false
	}
	defer close(release)
	c := newClient(t, ft.URL, func(o *Options) { o.Timeout = 50 * time.Millisecond })
	r, err := c.GetUser(ctx(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome.ErrorCode != outcome.CodeTimeout || r.Outcome.HTTPStatus != 0 {
		t.Fatalf("outcome %+v, want Timeout", r.Outcome)
	}
}

// TestDroppedConnection_RESP15 proves that a connection closed without an
// answer yields WebExceptionProtocolError.
func TestDroppedConnection_RESP15(t *testing.T) {
	ft := newTarget(t)
	ft.handle = func(w http.ResponseWriter, r *http.Request, n int) bool {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return true
		}
		_ = conn.Close()
		return true
	}
	c := newClient(t, ft.URL, nil)
	for _, run := range []func() (*Result, error){
		func() (*Result, error) { return c.GetUser(ctx(), "u1") },
		func() (*Result, error) { return c.CreateUser(ctx(), Attributes{"userName": "a"}) },
	} {
		r, err := run()
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome.ErrorCode != outcome.CodeWebExceptionProtocolError || r.Outcome.AdditionalDetails == "" {
			t.Fatalf("outcome %+v, want WebExceptionProtocolError with the error text", r.Outcome)
		}
	}
	// Garbage instead of HTTP is a protocol error too.
	ft.handle = func(w http.ResponseWriter, r *http.Request, n int) bool {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		_, _ = buf.WriteString("NOT HTTP AT ALL\r\n\r\n")
		_ = buf.Flush()
		_ = conn.Close()
		return true
	}
	r, err := c.GetUser(ctx(), "u1")
	if err != nil || r.Outcome.ErrorCode != outcome.CodeWebExceptionProtocolError {
		t.Fatalf("bad framing: %v %+v", err, r)
	}
}

// TestTooManyRequests_UNC01 covers 429: retried within the call when
// Retry-After fits under the cap, given up otherwise, and never retried
// without Retry-After.
func TestTooManyRequests_UNC01(t *testing.T) {
	cases := []struct {
		name         string
		replies      []reply
		cap          time.Duration
		attempts     int
		wantAttempts int
		ok           bool
		retryAfter   time.Duration
	}{
		{"Retry-After 0 then success", []reply{{status: 429, header: map[string]string{"Retry-After": "0"}}, ok204}, time.Second, 3, 2, true, 0},
		{"Retry-After over the cap", []reply{{status: 429, header: map[string]string{"Retry-After": "5"}}, ok204}, 10 * time.Millisecond, 3, 1, false, 5 * time.Second},
		{"no Retry-After", []reply{{status: 429}, ok204}, time.Second, 3, 1, false, 0},
		{"always 429: gives up after MaxAttempts", []reply{{status: 429, header: map[string]string{"Retry-After": "0"}}}, time.Second, 3, 3, false, 0},
		{"HTTP-date Retry-After in the past", []reply{{status: 429, header: map[string]string{"Retry-After": "Mon, 02 Jan 2006 15:04:05 GMT"}}, ok204}, time.Second, 3, 2, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ft := newTarget(t, tc.replies...)
			c := newClient(t, ft.URL, func(o *Options) { o.RetryAfterCap = tc.cap; o.MaxAttempts = tc.attempts })
			r, err := c.DisableUser(ctx(), "u1")
			if err != nil {
				t.Fatal(err)
			}
			if r.Attempts != tc.wantAttempts || len(ft.requests()) != tc.wantAttempts {
				t.Errorf("attempts %d (server saw %d), want %d", r.Attempts, len(ft.requests()), tc.wantAttempts)
			}
			if r.Outcome.Success != tc.ok {
				t.Fatalf("outcome %s", r.Outcome)
			}
			if !tc.ok && (r.Outcome.ErrorCode != outcome.CodeTooManyRequests || r.Outcome.RetryAfter != tc.retryAfter) {
				t.Errorf("outcome %+v, want TooManyRequests with RetryAfter %v", r.Outcome, tc.retryAfter)
			}
		})
	}
}

// TestRetryAfterWaits proves the wait really happens (one second, the
// smallest Retry-After there is) and stays within the cap.
func TestRetryAfterWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("waits one second")
	}
	ft := newTarget(t, reply{status: 429, header: map[string]string{"Retry-After": "1"}}, ok204)
	c := newClient(t, ft.URL, func(o *Options) { o.RetryAfterCap = 1500 * time.Millisecond })
	r, err := c.EnableUser(ctx(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Outcome.Success || r.Attempts != 2 || r.Duration < time.Second {
		t.Fatalf("outcome %s attempts %d duration %v", r.Outcome, r.Attempts, r.Duration)
	}
}

// TestContextCancelDuringRetryWait proves that a cancelled context ends a
// Retry-After wait with an error instead of an outcome.
func TestContextCancelDuringRetryWait(t *testing.T) {
	ft := newTarget(t, reply{status: 429, header: map[string]string{"Retry-After": "30"}})
	c := newClient(t, ft.URL, nil)
	cx, cancel := context.WithTimeout(ctx(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.EnableUser(cx, "u1"); err == nil {
		t.Fatal("want an error from the cancelled context")
	}
}

// TestMemberBatches_FLOW16_FLOW17 proves batching (UNC-07) and the
// dialects' member shapes (PATCH-05).
func TestMemberBatches_FLOW16_FLOW17(t *testing.T) {
	ids := make([]string, 120)
	for i := range ids {
		ids[i] = "m" + string(rune('A'+i%26)) + strings.Repeat("x", i/26)
	}
	for _, tc := range []struct {
		d     Dialect
		batch int
		sizes []int
	}{{Legacy, 0, []int{50, 50, 20}}, {Compliant, 0, []int{50, 50, 20}}, {Legacy, 100, []int{100, 20}}, {Compliant, 7, nil}} {
		ft := newTarget(t, ok204)
		c := newClient(t, ft.URL, func(o *Options) { o.Dialect = tc.d; o.BatchSize = tc.batch })
		add, err := c.AddMembers(ctx(), "g1", ids)
		if err != nil {
			t.Fatal(err)
		}
		rem, err := c.RemoveMembers(ctx(), "g1", ids)
		if err != nil {
			t.Fatal(err)
		}
		if tc.sizes == nil {
			tc.sizes = nil
			for n := len(ids); n > 0; n -= tc.batch {
				tc.sizes = append(tc.sizes, min(n, tc.batch))
			}
		}
		reqs := ft.requests()
		if len(add) != len(tc.sizes) || len(rem) != len(tc.sizes) || len(reqs) != 2*len(tc.sizes) {
			t.Fatalf("%s batch %d: %d adds, %d removes, %d requests; want %d each", tc.d, tc.batch, len(add), len(rem), len(reqs), len(tc.sizes))
		}
		var seenAdd, seenRem []string
		for i, rq := range reqs {
			var body struct {
				Operations []struct {
					Op    string            `json:"op"`
					Path  string            `json:"path"`
					Value []json.RawMessage `json:"value"`
				} `json:"Operations"`
			}
			if err := json.Unmarshal(rq.Body, &body); err != nil {
				t.Fatal(err)
			}
			isAdd := i < len(tc.sizes)
			want := tc.sizes[i%len(tc.sizes)]
			switch {
			case isAdd:
				if len(body.Operations) != 1 || len(body.Operations[0].Value) != want {
					t.Fatalf("add batch %d: %s", i, rq.Body)
				}
				for _, v := range body.Operations[0].Value {
					var m map[string]*string
					_ = json.Unmarshal(v, &m)
					ref, hasRef := m["$ref"]
					if (tc.d == Legacy) != (hasRef && ref == nil) {
						t.Fatalf("%s add value %s: $ref:null must be present exactly in legacy", tc.d, v)
					}
					seenAdd = append(seenAdd, *m["value"])
				}
			case tc.d == Compliant:
				if len(body.Operations) != want {
					t.Fatalf("compliant remove batch %d: %d ops, want %d", i, len(body.Operations), want)
				}
				for _, op := range body.Operations {
					if op.Op != "remove" || op.Value != nil || !strings.HasPrefix(op.Path, `members[value eq "`) {
						t.Fatalf("compliant remove op %+v", op)
					}
					seenRem = append(seenRem, strings.TrimSuffix(strings.TrimPrefix(op.Path, `members[value eq "`), `"]`))
				}
			default:
				if len(body.Operations) != 1 || body.Operations[0].Op != "Remove" || len(body.Operations[0].Value) != want {
					t.Fatalf("legacy remove batch %d: %s", i, rq.Body)
				}
				for _, v := range body.Operations[0].Value {
					var m map[string]string
					_ = json.Unmarshal(v, &m)
					seenRem = append(seenRem, m["value"])
				}
			}
		}
		if strings.Join(seenAdd, ",") != strings.Join(ids, ",") || strings.Join(seenRem, ",") != strings.Join(ids, ",") {
			t.Errorf("%s: members sent out of order or lost", tc.d)
		}
	}
}

// TestUpdateManager_FLOW06_FLOW08 covers the reference check and its
// options (UNC-04, UNC-10).
func TestUpdateManager_FLOW06_FLOW08(t *testing.T) {
	cases := []struct {
		name       string
		replies    []reply
		opts       func(*Options)
		manager    string
		wantMethod []string
	}{
		{"check finds it: no PATCH", []reply{{status: 200, body: oneMatchBody}}, nil, "m1", []string{"GET"}},
		{"check finds nothing: PATCH", []reply{ok200, ok204}, nil, "m1", []string{"GET", "PATCH"}},
		{"check off: PATCH only", []reply{ok204}, func(o *Options) { o.SkipReferenceCheck = true }, "m1", []string{"PATCH"}},
		{"check fails: no PATCH", []reply{{status: 404}}, nil, "m1", []string{"GET"}},
		{"removal not flowed by default", nil, nil, "", nil},
		{"removal flowed when enabled", []reply{ok204}, func(o *Options) { o.ClearManager = true }, "", []string{"PATCH"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ft := newTarget(t, tc.replies...)
			c := newClient(t, ft.URL, tc.opts)
			rs, err := c.UpdateManager(ctx(), "u1", tc.manager)
			if err != nil {
				t.Fatal(err)
			}
			var methods []string
			for _, rq := range ft.requests() {
				methods = append(methods, rq.Method)
			}
			if strings.Join(methods, ",") != strings.Join(tc.wantMethod, ",") {
				t.Fatalf("sent %v, want %v", methods, tc.wantMethod)
			}
			if len(rs) == 0 || (len(tc.wantMethod) == 0 && rs[0].Sent) {
				t.Fatalf("results %+v", rs)
			}
		})
	}
}

// TestUpdateUserWithoutChanges_FLOW07 proves nothing is sent when the
// target already has the values, and that nulls never flow (NULL-01).
func TestUpdateUserWithoutChanges_FLOW07(t *testing.T) {
	ft := newTarget(t, ok204)
	c := newClient(t, ft.URL, nil)
	r, err := c.UpdateUser(ctx(), "u1", Attributes{"userName": "a", "title": "CFO"}, Attributes{"userName": "a", "title": nil, "manager": "m"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent || !r.Outcome.Success || len(ft.requests()) != 0 {
		t.Fatalf("sent %d requests, result %+v", len(ft.requests()), r)
	}
}

// TestMatchUserInOrder_FLOW03 proves matching attributes are tried in
// order until one matches.
func TestMatchUserInOrder_FLOW03(t *testing.T) {
	ft := newTarget(t, ok200, reply{status: 200, body: oneMatchBody})
	c := newClient(t, ft.URL, nil)
	rs, err := c.MatchUserInOrder(ctx(), []Matcher{{"userName", "a@x"}, {"externalId", ""}, {"externalId", "a"}, {"emails[type eq \"work\"].value", "a@x"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || !rs[1].Found() || rs[1].ID() != "a2f1c0de-5b1e-4c8e-9a41-0d3c9f1e7b21" {
		t.Fatalf("results %d, found=%v", len(rs), len(rs) > 1 && rs[1].Found())
	}
	if q := ft.requests()[1].RawQuery; q != "filter=externalId+eq+%22a%22" {
		t.Errorf("second query %s", q)
	}
}

// TestTestConnection_FLOW01 covers the probe's outcomes.
func TestTestConnection_FLOW01(t *testing.T) {
	cases := []struct {
		name    string
		replies []reply
		skipGrp bool
		ok      bool
		code    string
		checks  int
	}{
		{"empty lists pass", []reply{ok200}, false, true, "", 2},
		{"group probe skipped", []reply{ok200}, true, true, "", 1},
		{"401 fails", []reply{{status: 401}}, false, false, outcome.CodeCredentialValidationFailure, 1},
		{"403 fails", []reply{{status: 403}}, false, false, outcome.CodeInsufficientRights, 1},
		{"404 on probe fails", []reply{{status: 404}}, false, false, outcome.CodeServiceIncompatible, 1},
		{"not a ListResponse", []reply{{status: 200, body: "<html></html>"}}, false, false, outcome.CodeServiceIncompatible, 1},
		{"group probe 404", []reply{ok200, {status: 404}}, false, false, outcome.CodeServiceIncompatible, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ft := newTarget(t, tc.replies...)
			c := newClient(t, ft.URL, func(o *Options) { o.SkipGroupProbe = tc.skipGrp })
			rep, err := c.TestConnection(ctx())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK != tc.ok || len(rep.Checks) != tc.checks {
				t.Fatalf("ok=%v checks=%d, want %v %d", rep.OK, len(rep.Checks), tc.ok, tc.checks)
			}
			if !tc.ok && rep.Failure.ErrorCode != tc.code {
				t.Fatalf("failure %s, want %s", rep.Failure, tc.code)
			}
			q := ft.requests()[0].RawQuery
			if !guidInQuery.MatchString(q) || !strings.HasPrefix(q, "filter=userName+eq+%22") {
				t.Errorf("probe query %q lacks a random GUID", q)
			}
		})
	}
	// Two probes use different GUIDs each time.
	ft := newTarget(t, ok200)
	c := newClient(t, ft.URL, func(o *Options) { o.SkipGroupProbe = true })
	_, _ = c.TestConnection(ctx())
	_, _ = c.TestConnection(ctx())
	if r := ft.requests(); r[0].RawQuery == r[1].RawQuery {
		t.Error("probe GUID repeated")
	}
}

// TestTLS_HTTP02 proves https works with TLS 1.2+ and is refused below.
func TestTLS_HTTP02(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(emptyListBody))
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c := newClient(t, srv.URL, func(o *Options) { o.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10} })
	r, err := c.MatchUser(ctx(), "userName", "a")
	if err != nil || !r.Outcome.Success {
		t.Fatalf("TLS 1.2+: %v %+v", err, r)
	}

	old := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	old.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	old.StartTLS()
	defer old.Close()
	pool2 := x509.NewCertPool()
	pool2.AddCert(old.Certificate())
	c2 := newClient(t, old.URL, func(o *Options) { o.TLSConfig = &tls.Config{RootCAs: pool2, MinVersion: tls.VersionTLS10} })
	r, err = c2.MatchUser(ctx(), "userName", "a")
	if err != nil || r.Outcome.ErrorCode != outcome.CodeWebExceptionProtocolError {
		t.Fatalf("TLS 1.1 server: %v %+v", err, r)
	}
}

// TestBadInput proves bad options and ids give precise errors, never a
// request.
func TestBadInput(t *testing.T) {
	for _, o := range []Options{
		{TenantURL: "http://127.0.0.1:1/scim"},
		{TenantURL: "ftp://x/scim", Token: "t"},
		{TenantURL: "/scim", Token: "t"},
		{TenantURL: "http://x/scim", Token: "t", Dialect: "rfc"},
		{TenantURL: "http://x/scim", Token: "t", ManagerShape: "ref"},
		{TenantURL: "http://u:p@x/scim", Token: "t"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	ft := newTarget(t, ok204)
	c := newClient(t, ft.URL, nil)
	calls := []func() error{
		func() error { _, err := c.GetUser(ctx(), " "); return err },
		func() error { _, err := c.SetManager(ctx(), "u", ""); return err },
		func() error { _, err := c.AddMembers(ctx(), "g", []string{"a", ""}); return err },
		func() error { _, err := c.MatchUser(ctx(), "", "v"); return err },
		func() error { _, err := c.CreateUser(ctx(), nil); return err },
		func() error { _, err := c.RenameGroup(ctx(), "g", ""); return err },
		func() error { _, err := c.ListUsers(ctx(), 0, 5); return err },
	}
	for i, call := range calls {
		if err := call(); err == nil {
			t.Errorf("call %d accepted bad input", i)
		}
	}
	if n := len(ft.requests()); n != 0 {
		t.Errorf("%d requests sent for bad input", n)
	}
}

// TestOversizedAnswer proves that an endless answer is cut off and
// reported as a protocol error instead of exhausting memory.
func TestOversizedAnswer(t *testing.T) {
	ft := newTarget(t)
	ft.handle = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.WriteHeader(200)
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for range maxResponseBody/len(chunk) + 2 {
			if _, err := w.Write(chunk); err != nil {
				break
			}
		}
		return true
	}
	r, err := newClient(t, ft.URL, nil).GetUser(ctx(), "u1")
	if err != nil || r.Outcome.ErrorCode != outcome.CodeWebExceptionProtocolError {
		t.Fatalf("%v %+v", err, r.Outcome)
	}
}
