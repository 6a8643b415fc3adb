package journal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
)

// sendHeaders is send with any Authorization headers (none, one, several).
func sendHeaders(t *testing.T, srv interface {
	Client() *http.Client
}, url, body string, auth ...string) int {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range auth {
		req.Header.Add("Authorization", a)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Requests without a live token record nothing: the authorised entries of
// the account stay as they were, the journal's memory does not move, and
// the account's counter (known accounts only) says how many there were.
func TestUnauthenticatedRequestsAreOnlyCounted(t *testing.T) {
	big := `{"userName":"` + strings.Repeat("x", 64<<10) + `"}`
	cases := []struct {
		name, account string
		auth          []string
		counted       bool // in the account's counter
	}{
		{"no Authorization header", "acme", nil, true},
		{"wrong token", "acme", []string{"Bearer wrong-token"}, true},
		{"not a bearer token", "acme", []string{"Basic dG9rOg=="}, true},
		{"two Authorization headers", "acme", []string{"Bearer " + token, "Bearer " + token}, true},
		{"unknown account", "nosuch", []string{"Bearer " + token}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := journal.New(10)
			srv := server(t, j, faults.New(1))
			for i := range 3 {
				if _, err := send(t, srv, token, "POST", "acme", fmt.Sprintf("/Users/%d", i), `{"n":1}`); err != nil {
					t.Fatal(err)
				}
			}
			before, stats := entries(t, srv, "acme", 0), j.Stats()
			const n = 50
			for range n {
				if code := sendHeaders(t, srv, srv.URL+"/api/v1/scim/azure/"+c.account+"/Users", big, c.auth...); code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", code)
				}
			}
			after, stats2 := entries(t, srv, "acme", 0), j.Stats()
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("entries changed:\n before %+v\n after  %+v", before, after)
			}
			if stats2.Bytes != stats.Bytes || stats2.Entries != stats.Entries || stats2.Accounts != stats.Accounts {
				t.Fatalf("journal grew: %+v -> %+v", stats, stats2)
			}
			if stats2.Unauthenticated-stats.Unauthenticated != n {
				t.Fatalf("total unauthenticated %d -> %d, want +%d", stats.Unauthenticated, stats2.Unauthenticated, n)
			}
			want := int64(0)
			if c.counted {
				want = n
			}
			if got := j.Unauthenticated(c.account); got != want {
				t.Fatalf("account %s counted %d, want %d", c.account, got, want)
			}
			if code, b := requests(t, srv, "acme", ""); code != 200 || !strings.Contains(string(b), fmt.Sprintf(`"unauthenticated":%d`, j.Unauthenticated("acme"))) {
				t.Fatalf("admin answer: %d %s", code, b)
			}
		})
	}
}

// Past MaxBytes the oldest entries across all accounts go first: what is
// left is always the newest entries overall, whichever account they
// belong to, and the count stays under the bound.
func TestMaxBytesEvictsOldestAcrossAccounts(t *testing.T) {
	cases := []struct {
		name     string
		maxBytes int64
		body     int
		requests int
	}{
		{"small bodies", 64 << 10, 100, 600},
		{"large bodies", 256 << 10, 20 << 10, 100},
		{"one entry fits", 100 << 10, 30 << 10, 10}, // ~60 KiB each: body and echo
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := journal.New(1000)
			j.SetMaxBytes(c.maxBytes)
			srv := server(t, j, faults.New(1))
			accounts := []string{"a1", "a2", "a3"}
			body := `{"v":"` + strings.Repeat("y", c.body) + `"}`
			for i := range c.requests {
				acct := accounts[i%len(accounts)]
				if _, err := send(t, srv, token, "POST", acct, fmt.Sprintf("/Users/%d", i), body); err != nil {
					t.Fatal(err)
				}
				if st := j.Stats(); st.Bytes > c.maxBytes {
					t.Fatalf("after %d requests the journal counts %d bytes, over its bound %d", i+1, st.Bytes, c.maxBytes)
				}
			}
			st := j.Stats()
			if st.Evicted == 0 || st.Entries == 0 || int64(st.Entries)+st.Evicted != int64(c.requests) {
				t.Fatalf("stats %+v after %d requests", st, c.requests)
			}
			// The kept entries are exactly the newest st.Entries requests.
			kept := map[string]bool{}
			for _, acct := range accounts {
				for _, e := range j.Since(acct, 0) {
					kept[e.Path] = true
				}
			}
			for i := range c.requests {
				want := i >= c.requests-st.Entries
				if got := kept[fmt.Sprintf("/Users/%d", i)]; got != want {
					t.Fatalf("request %d kept=%v, want %v (%d kept of %d)", i, got, want, st.Entries, c.requests)
				}
			}
		})
	}
}

// Clearing and the per-account capacity give memory back: the count falls
// to what the remaining rings cost.
func TestClearGivesMemoryBack(t *testing.T) {
	j := journal.New(5)
	srv := server(t, j, faults.New(1))
	empty := j.Stats().Bytes
	body := `{"v":"` + strings.Repeat("z", 4096) + `"}`
	for i := range 20 {
		send(t, srv, token, "POST", "acme", fmt.Sprintf("/Users/%d", i), body)
	}
	full := j.Stats()
	if full.Entries != 5 || full.Bytes < 5*4096 || full.Bytes > 5*4096*3 {
		t.Fatalf("at capacity: %+v", full)
	}
	req, _ := http.NewRequest("DELETE", srv.URL+"/admin/accounts/acme/requests", nil)
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	cleared := j.Stats()
	if cleared.Entries != 0 || cleared.Bytes-empty > 1024 {
		t.Fatalf("after Clear: %+v (empty journal %d bytes)", cleared, empty)
	}
}

// Forget (a deleted account) gives back everything the account held, its
// ring included, so that deleted accounts never use up MaxAccounts.
func TestForgetDropsTheRing(t *testing.T) {
	j := journal.New(10)
	srv := server(t, j, faults.New(1))
	empty := j.Stats()
	for i := range 3 {
		send(t, srv, token, "POST", "gone", fmt.Sprintf("/Users/%d", i), `{"a":1}`)
	}
	sendHeaders(t, srv, srv.URL+"/api/v1/scim/azure/gone/Users", "{}")
	if st := j.Stats(); st.Accounts != 1 || st.Entries != 3 || j.Unauthenticated("gone") != 1 {
		t.Fatalf("before Forget: %+v", st)
	}
	j.Forget("gone")
	if st := j.Stats(); st.Accounts != 0 || st.Entries != 0 || st.Bytes != empty.Bytes || j.Unauthenticated("gone") != 0 {
		t.Fatalf("after Forget: %+v (empty journal: %+v)", st, empty)
	}
	send(t, srv, token, "GET", "gone", "/Users", "")
	if es := j.Since("gone", 0); len(es) != 1 || es[0].Seq != 1 {
		t.Fatalf("an account of the same id starts again: %+v", es)
	}
}
