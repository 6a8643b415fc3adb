package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
)

// sendRaw sends a request with exactly the given Authorization headers
// (none, one or several) and returns the status and body.
func (e *env) sendRaw(method, url, body string, authz ...string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range authz {
		req.Header.Add("Authorization", a)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// A request with more than one Authorization header is 401 whatever the
// headers hold (which one counts would be a guess), on the SCIM and the
// admin API alike; one good header still passes.
func TestTwoAuthorizationHeadersAre401(t *testing.T) {
	e := newEnv(t)
	good, bad := "Bearer "+e.token, "Bearer wrong-token"
	adm := "Bearer " + e.admin
	cases := []struct {
		name, url string
		authz     []string
		want      int
		detail    string
	}{
		{"one good header", e.base + "/Users", []string{good}, 200, ""},
		{"the good header twice", e.base + "/Users", []string{good, good}, 401, "more than one Authorization header"},
		{"good then bad", e.base + "/Users", []string{good, bad}, 401, "more than one Authorization header"},
		{"bad then good", e.base + "/Users", []string{bad, good}, 401, "more than one Authorization header"},
		{"admin: one header", e.srv.URL + "/admin/accounts", []string{adm}, 200, ""},
		{"admin: the header twice", e.srv.URL + "/admin/accounts", []string{adm, adm}, 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.sendRaw("GET", c.url, "", c.authz...)
			if code != c.want || !strings.Contains(body, c.detail) {
				t.Fatalf("%d %s; want %d with %q", code, body, c.want, c.detail)
			}
		})
	}
}

// A token's created time is when it was issued, in the answer that shows
// the secret and in the list, for issued and seeded tokens alike.
func TestTokenCreatedIsReal(t *testing.T) {
	e := newEnv(t)
	before := time.Now().Add(-time.Second)
	tok := e.adminDo("POST", "/admin/accounts/acme/tokens", map[string]any{"name": "entra", "type": "SCIM"})
	after := time.Now().Add(time.Second)
	if tok.status != http.StatusCreated {
		t.Fatalf("issue: %d %s", tok.status, tok.raw)
	}
	list := e.adminDo("GET", "/admin/accounts/acme/tokens", nil)
	var l struct {
		Tokens []struct {
			ID, Name string
			Created  time.Time
		}
	}
	if err := json.Unmarshal(list.raw, &l); err != nil || len(l.Tokens) != 2 {
		t.Fatalf("list: %v %s", err, list.raw)
	}
	created := map[string]time.Time{"issued answer": parseTime(t, tok.str("created"))}
	for _, x := range l.Tokens {
		created["listed "+x.Name] = x.Created
	}
	for what, c := range created {
		// The seeded token ("test") was issued by newEnv just before.
		if c.Before(before.Add(-time.Minute)) || c.After(after) {
			t.Errorf("%s: created %v, want between %v and %v", what, c, before.Add(-time.Minute), after)
		}
	}
	if created["issued answer"] != created["listed entra"] {
		t.Errorf("issued answer says %v, list says %v", created["issued answer"], created["listed entra"])
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return tm
}

// The journal blanks the request's token in the recorded path, query and
// bodies, whatever escapes hide it.
func TestJournalRedactsTokenInPathAndEscapedBody(t *testing.T) {
	e := newEnv(t)
	const tok = `tok/"odd"+acme-secret`
	// A token with awkward characters, straight into the store.
	if err := auth.Seed(context.Background(), e.st, "acme", tok, "odd"); err != nil {
		t.Fatal(err)
	}
	jtok, _ := json.Marshal(tok)
	cases := []struct{ name, method, path, body string }{
		{"path", "GET", "/Users/tok%2F%22odd%22+acme-secret", ""},
		{"query, filter literal", "GET", "/Users?filter=" + url.QueryEscape(`userName eq `+string(jtok)), ""},
		{"body, escaped quotes", "POST", "/Users", `{"userName":` + string(jtok) + `}`},
		{"body, \\u escapes", "POST", "/Users", `{"userName":"x","nickName":"\u0074\u006fk\/\u0022odd\u0022+acme-secret"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _ := e.sendRaw(c.method, e.base+c.path, c.body, "Bearer "+tok)
			if code >= 500 || code == 401 {
				t.Fatalf("status %d", code)
			}
			j := e.adminDo("GET", "/admin/accounts/acme/requests", nil)
			var out struct{ Requests []map[string]any }
			if err := json.Unmarshal(j.raw, &out); err != nil || len(out.Requests) == 0 {
				t.Fatalf("journal: %v %s", err, j.raw)
			}
			last, _ := json.Marshal(out.Requests[len(out.Requests)-1])
			var decoded map[string]string
			_ = json.Unmarshal(last, &decoded) // string fields; numbers are skipped
			for k, v := range decoded {
				if strings.Contains(v, tok) || strings.Contains(v, `tok/\"odd\"`) || strings.Contains(v, "odd%22") {
					t.Fatalf("entry %s holds the token: %q", k, v)
				}
			}
			if !strings.Contains(string(last), "[REDACTED]") {
				t.Fatalf("nothing blanked in %s", last)
			}
		})
	}
}

// Thousands of unauthenticated 64 KiB requests, of every kind, leave an
// account's journal exactly as it was: no entry added or evicted, and not
// one more byte counted. The server's heap (after GC) and the process RSS
// before and after are logged for the record (the client runs in the same
// process, so RSS is an upper bound).
func TestUnauthenticatedFloodLeavesJournalAlone(t *testing.T) {
	const n = 3000
	e := newEnv(t)
	j := e.s.Journal()
	for i := range 20 {
		e.createUser(fmt.Sprintf("keep%d@contoso.com", i))
	}
	before, stats := j.Since("acme", 0), j.Stats()
	heap0, rss0 := heapAndRSS()
	big := `{"userName":"` + strings.Repeat("x", 64<<10-16) + `"}`
	kinds := []struct {
		url   string
		authz []string
	}{
		{e.base + "/Users", nil},
		{e.base + "/Users", []string{"Bearer wrong-token"}},
		{e.base + "/Users", []string{"Bearer " + e.token, "Bearer " + e.token}},
		{e.srv.URL + TenantPrefix + "nosuch/Users", []string{"Bearer " + e.token}},
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		if code, _ := e.sendRaw("POST", k.url, big, k.authz...); code != http.StatusUnauthorized {
			t.Fatalf("request %d: %d, want 401", i, code)
		}
	}
	heap1, rss1 := heapAndRSS()
	after, stats2 := j.Since("acme", 0), j.Stats()
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("authorised entries changed: %d before, %d after", len(before), len(after))
	}
	if stats2.Bytes != stats.Bytes || stats2.Entries != stats.Entries || stats2.Accounts != stats.Accounts || stats2.Evicted != stats.Evicted {
		t.Fatalf("journal moved: %+v -> %+v", stats, stats2)
	}
	if got := stats2.Unauthenticated - stats.Unauthenticated; got != n {
		t.Fatalf("counted %d unauthenticated requests, want %d", got, n)
	}
	if got, want := j.Unauthenticated("acme"), int64(n-n/len(kinds)); got != want {
		t.Fatalf("acme counted %d, want %d (the unknown account's are not)", got, want)
	}
	t.Logf("%d unauthenticated 64 KiB requests: journal %d entries, %d bytes before and after; heap after GC %.1f -> %.1f MiB; RSS %.1f -> %.1f MiB",
		n, stats2.Entries, stats2.Bytes, mib(heap0), mib(heap1), mib(rss0), mib(rss1))
}

func heapAndRSS() (heap, rss uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, vmRSS(os.Getpid())
}

// vmRSS reads a process's resident set size from /proc (0 elsewhere).
func vmRSS(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
