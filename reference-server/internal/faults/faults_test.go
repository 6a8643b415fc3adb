package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

func TestRespondAnswersStatusWithSCIMErrorAndIsNotApplied(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 405, 409, 422, 500, 501, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := faults.New(1)
			setPlan(t, e, "acme", faults.Rule{Name: "boom", Method: "post", Path: "^/Users$", Status: status})
			c := newChain(t, e)
			resp, body := c.must(t, "POST", "acme", "/Users", `{"userName":"a"}`)
			if resp.StatusCode != status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != protocol.MediaType {
				t.Errorf("Content-Type = %q, want %q", ct, protocol.MediaType)
			}
			var se protocol.Error
			if err := json.Unmarshal([]byte(body), &se); err != nil {
				t.Fatalf("body is not a SCIM Error: %v: %s", err, body)
			}
			if se.StatusCode() != status || len(se.Schemas) != 1 || se.Schemas[0] != protocol.ErrorSchema {
				t.Errorf("error body = %+v", se)
			}
			if !strings.Contains(se.Detail, `"boom"`) {
				t.Errorf("detail %q does not name the rule", se.Detail)
			}
			if resp.Header.Get("Retry-After") != "" {
				t.Errorf("Retry-After set without retryAfter")
			}
			if n := c.applied.Load(); n != 0 {
				t.Errorf("faulted request reached the handler %d times", n)
			}
			if f := c.lastFault(); f != "boom" {
				t.Errorf("tenant.Info.Fault = %q, want boom", f)
			}
		})
	}
}

func TestRespondRetryAfterAndRawBody(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme",
		faults.Rule{Name: "throttle", Status: 429, RetryAfter: 30},
	)
	c := newChain(t, e)
	resp, _ := c.must(t, "GET", "acme", "/Users", "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "30" {
		t.Fatalf("got %d Retry-After %q, want 429 and 30", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	setPlan(t, e, "acme", faults.Rule{Name: "raw", Status: 400, Body: "plain words"})
	resp, body := c.must(t, "GET", "acme", "/Users", "")
	if resp.StatusCode != 400 || body != "plain words" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestNoContentStatusSendsNoBody(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "gone", Method: "DELETE", Status: 204})
	c := newChain(t, e)
	resp, body := c.must(t, "DELETE", "acme", "/Users/1", "")
	if resp.StatusCode != 204 || body != "" || c.applied.Load() != 0 {
		t.Fatalf("got %d body %q applied %d", resp.StatusCode, body, c.applied.Load())
	}
}

func TestDropClosesConnectionWithoutAnswer(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "cut", Path: "^/Users", Action: "drop"})
	c := newChain(t, e)
	resp, _, err := c.do(t, "POST", "acme", "/Users", `{"userName":"a"}`)
	if err == nil {
		t.Fatalf("got an answer %d, want a dropped connection", resp.StatusCode)
	}
	if c.applied.Load() != 0 {
		t.Errorf("dropped request was applied")
	}
	// The handler finishes after the client saw the connection close.
	if f := c.waitFault(1); f != "cut" {
		t.Errorf("fault = %q, want cut", f)
	}
	// Paths the rule does not match still work on a fresh connection.
	if resp, _ := c.must(t, "GET", "acme", "/Groups", ""); resp.StatusCode != 200 {
		t.Errorf("unmatched path: %d", resp.StatusCode)
	}
}

func TestMalformedAnswers2xxThatIsNotSCIM(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "junk", Action: "malformed"})
	c := newChain(t, e)
	resp, body := c.must(t, "GET", "acme", "/Users/1", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	var v map[string]any
	if json.Unmarshal([]byte(body), &v) == nil {
		t.Fatalf("malformed body parses as JSON: %s", body)
	}
	if body != faults.MalformedBody || c.applied.Load() != 0 {
		t.Errorf("body %q applied %d", body, c.applied.Load())
	}

	setPlan(t, e, "acme", faults.Rule{Name: "junk201", Action: "malformed", Status: 201, Body: `{"id":`})
	resp, body = c.must(t, "POST", "acme", "/Users", "{}")
	if resp.StatusCode != 201 || body != `{"id":` {
		t.Errorf("got %d %q, want 201 and the raw body", resp.StatusCode, body)
	}
}

func TestDelayWithoutActionPassesThrough(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "slow", Delay: "30ms"})
	c := newChain(t, e)
	start := time.Now()
	resp, body := c.must(t, "GET", "acme", "/Users", "")
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("answered after %v, before the 30ms delay", took)
	}
	if resp.StatusCode != 200 || body != appliedBody || c.applied.Load() != 1 {
		t.Errorf("got %d %q applied %d, want the handler's answer", resp.StatusCode, body, c.applied.Load())
	}
	if c.lastFault() != "slow" {
		t.Errorf("fault = %q", c.lastFault())
	}
}

func TestDelayThenRespond(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "slow503", Delay: "20ms", Status: 503})
	c := newChain(t, e)
	start := time.Now()
	resp, _ := c.must(t, "GET", "acme", "/Users", "")
	if took := time.Since(start); took < 20*time.Millisecond || resp.StatusCode != 503 || c.applied.Load() != 0 {
		t.Errorf("got %d after %v applied %d", resp.StatusCode, took, c.applied.Load())
	}
}

// ERR-13: a delay beyond the client's timeout; the server stops waiting as
// soon as the client gives up rather than holding the handler for the delay.
func TestDelayHonoursClientCancellation_ERR13(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "hang", Delay: "1h", Status: 500})
	done := make(chan struct{})
	h := e.Middleware(http.NotFoundHandler())
	ctx, cancel := context.WithCancel(context.Background())
	info := &tenant.Info{AccountID: "acme", Path: "/Users"}
	req, _ := http.NewRequestWithContext(tenant.With(ctx, info), "GET", "/Users", nil)
	rec := &recorder{header: http.Header{}}
	go func() { h.ServeHTTP(rec, req); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("middleware still waiting after the request was cancelled")
	}
	if rec.status != 0 {
		t.Errorf("answered %d to a cancelled request", rec.status)
	}
}

type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return len(p), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func TestFirstMatchingRuleWins(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme",
		faults.Rule{Name: "post-users", Method: "POST", Path: "^/Users$", Status: 409},
		faults.Rule{Name: "users-any", Path: "^/Users", Status: 500},
		faults.Rule{Name: "filter", Query: `userName eq "bob"`, Status: 404},
	)
	c := newChain(t, e)
	cases := []struct {
		method, pathQuery string
		status            int
		fault             string
	}{
		{"POST", "/Users", 409, "post-users"},
		{"GET", "/Users/7", 500, "users-any"},
		{"POST", "/Users/7", 500, "users-any"},
		{"GET", "/Groups?filter=userName+eq+%22bob%22", 404, "filter"},
		{"GET", `/Groups?filter=userName%20eq%20"bob"`, 404, "filter"},
		{"GET", "/Groups?filter=userName+eq+%22alice%22", 200, ""},
		{"GET", "/Groups", 200, ""},
	}
	for _, tc := range cases {
		resp, _ := c.must(t, tc.method, "acme", tc.pathQuery, "")
		if resp.StatusCode != tc.status || c.lastFault() != tc.fault {
			t.Errorf("%s %s: got %d fault %q, want %d %q", tc.method, tc.pathQuery, resp.StatusCode, c.lastFault(), tc.status, tc.fault)
		}
	}
	// Another account has no plan: nothing fires.
	if resp, _ := c.must(t, "POST", "other", "/Users", ""); resp.StatusCode != 200 {
		t.Errorf("account without plan got %d", resp.StatusCode)
	}
}

func TestTimesLimitsFiringsThenNextRuleOrPassThrough(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme",
		faults.Rule{Name: "twice-429", Status: 429, Times: 2},
		faults.Rule{Name: "once-500", Status: 500, Times: 1},
	)
	c := newChain(t, e)
	var got []int
	for range 5 {
		resp, _ := c.must(t, "GET", "acme", "/Users", "")
		got = append(got, resp.StatusCode)
	}
	want := []int{429, 429, 500, 200, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
	st := e.Plan("acme")
	if st.Rules[0].Hits != 2 || st.Rules[1].Hits != 1 {
		t.Errorf("hits = %d, %d, want 2, 1", st.Rules[0].Hits, st.Rules[1].Hits)
	}
}

func TestTimesIsExactUnderConcurrency(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Name: "ten", Status: 500, Times: 10})
	c := newChain(t, e)
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[int]int{}
	for range 40 {
		wg.Go(func() {
			resp, _ := c.must(t, "GET", "acme", "/Users", "")
			mu.Lock()
			count[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if count[500] != 10 || count[200] != 30 {
		t.Errorf("answers = %v, want 10×500 and 30×200", count)
	}
}

// firings sends n requests and returns which got the fault.
func firings(t *testing.T, seed int64, n int, p float64) []bool {
	e := faults.New(seed)
	setPlan(t, e, "acme", faults.Rule{Name: "coin", Status: 503, Probability: prob(p)})
	c := newChain(t, e)
	out := make([]bool, n)
	for i := range out {
		resp, _ := c.must(t, "GET", "acme", "/Users", "")
		out[i] = resp.StatusCode == 503
	}
	if hits := e.Plan("acme").Rules[0].Hits; hits != countTrue(out) {
		t.Errorf("hits %d, but %d requests faulted", hits, countTrue(out))
	}
	return out
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func TestProbabilityIsSeededAndDeterministic(t *testing.T) {
	a := firings(t, 42, 200, 0.3)
	b := firings(t, 42, 200, 0.3)
	other := firings(t, 7, 200, 0.3)
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different firing at request %d", i)
		}
		same = same && a[i] == other[i]
	}
	if same {
		t.Errorf("seeds 42 and 7 fire identically over 200 requests")
	}
	// 0.3 of 200 is 60; a seeded generator lands well within ±30.
	if n := countTrue(a); n < 30 || n > 90 {
		t.Errorf("fired %d of 200 at probability 0.3", n)
	}
	if n := countTrue(firings(t, 42, 50, 0)); n != 0 {
		t.Errorf("probability 0 fired %d times", n)
	}
	if n := countTrue(firings(t, 42, 50, 1)); n != 50 {
		t.Errorf("probability 1 fired %d of 50 times", n)
	}
}

func TestRuleLosingTheDrawFallsToNextRule(t *testing.T) {
	e := faults.New(3)
	setPlan(t, e, "acme",
		faults.Rule{Name: "never", Status: 500, Probability: prob(0)},
		faults.Rule{Name: "always", Status: 409},
	)
	c := newChain(t, e)
	resp, _ := c.must(t, "POST", "acme", "/Users", "")
	if resp.StatusCode != 409 || c.lastFault() != "always" {
		t.Errorf("got %d %q", resp.StatusCode, c.lastFault())
	}
}

func TestSetPlanValidation(t *testing.T) {
	cases := []struct {
		name  string
		rule  faults.Rule
		field string
	}{
		{"bad regexp", faults.Rule{Path: "^/Users(", Status: 500}, "path"},
		{"unknown action", faults.Rule{Action: "explode"}, "action"},
		{"status too high", faults.Rule{Status: 600}, "status"},
		{"status too low", faults.Rule{Status: 99}, "status"},
		{"respond without status", faults.Rule{Action: "respond"}, "status"},
		{"drop with status", faults.Rule{Action: "drop", Status: 500}, "status"},
		{"malformed non-2xx", faults.Rule{Action: "malformed", Status: 404}, "status"},
		{"negative times", faults.Rule{Status: 500, Times: -1}, "times"},
		{"negative retryAfter", faults.Rule{Status: 429, RetryAfter: -5}, "retryAfter"},
		{"probability above 1", faults.Rule{Status: 500, Probability: prob(1.5)}, "probability"},
		{"bad delay", faults.Rule{Delay: "soon"}, "delay"},
		{"negative delay", faults.Rule{Delay: "-1s"}, "delay"},
		{"does nothing", faults.Rule{Path: "^/Users"}, "action"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := faults.New(1)
			setPlan(t, e, "acme", faults.Rule{Name: "keep", Status: 500})
			err := e.SetPlan("acme", faults.Meta{}, []faults.Rule{{Name: "ok", Status: 409}, tc.rule})
			var ve *faults.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			if ve.Rule != 1 || ve.Field != tc.field {
				t.Errorf("error names rules[%d].%s, want rules[1].%s (%v)", ve.Rule, ve.Field, tc.field, err)
			}
			if st := e.Plan("acme"); len(st.Rules) != 1 || st.Rules[0].Name != "keep" {
				t.Errorf("a rejected plan changed the old one: %+v", st.Rules)
			}
		})
	}
}

func TestUnnamedRulesGetIndexNames(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "acme", faults.Rule{Method: "PUT", Status: 405}, faults.Rule{Status: 500})
	c := newChain(t, e)
	c.must(t, "GET", "acme", "/Users", "")
	if c.lastFault() != "rule-1" {
		t.Errorf("fault = %q, want rule-1", c.lastFault())
	}
}

func TestNoTenantInfoPassesThrough(t *testing.T) {
	e := faults.New(1)
	setPlan(t, e, "", faults.Rule{Status: 500})
	called := false
	h := e.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	req, _ := http.NewRequest("GET", "/healthz", nil)
	h.ServeHTTP(&recorder{header: http.Header{}}, req)
	if !called {
		t.Error("request outside a tenant route was not passed through")
	}
}
