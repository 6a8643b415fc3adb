package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// TestConcurrentRequestsKeepTheirOwnBytes: request and response bodies
// travel without copies between the journal and the handlers, and JSON is
// read and written through pooled buffers; under many concurrent creates,
// patches and filters (run with -race), every answer and every journal
// entry still belongs to its own request.
func TestConcurrentRequestsKeepTheirOwnBytes(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemStore()
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "test"); err != nil {
		t.Fatal(err)
	}
	j := journal.New(5000)
	s, err := New(Config{Store: st, Journal: j, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	base := hs.URL + TenantPrefix + "acme"

	do := func(method, path, body string) (int, map[string]any, error) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer tok-acme")
		res, err := hs.Client().Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return 0, nil, err
		}
		var m map[string]any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &m); err != nil {
				return 0, nil, fmt.Errorf("%s %s: answer is not JSON: %q", method, path, raw)
			}
		}
		return res.StatusCode, m, nil
	}

	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := func(format string, args ...any) { errs <- fmt.Errorf(format, args...) }
			for r := range rounds {
				name := fmt.Sprintf("w%d-r%d-%s@contoso.com", w, r, strings.Repeat("x", (w*7+r)%40))
				status, u, err := do("POST", "/Users", `{"userName":"`+name+`","externalId":"ext-`+name+`","displayName":"`+name+`","emails":[{"type":"work","value":"`+name+`"}]}`)
				if err != nil || status != http.StatusCreated || u["userName"] != name || u["displayName"] != name {
					fail("create %s: %d %v %v", name, status, u, err)
					return
				}
				id, _ := u["id"].(string)
				patchBody := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"mgr-` + name + `"}]}`
				status, p, err := do("PATCH", "/Users/"+id, patchBody)
				ent, _ := p["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
				mgr, _ := ent["manager"].(map[string]any)
				if err != nil || status != http.StatusOK || p["id"] != id || p["userName"] != name || mgr["value"] != "mgr-"+name {
					fail("patch %s: %d %v %v", name, status, p, err)
					return
				}
				status, l, err := do("GET", "/Users?filter="+url.QueryEscape(`userName eq "`+name+`"`), "")
				rs, _ := l["Resources"].([]any)
				if err != nil || status != http.StatusOK || len(rs) != 1 || rs[0].(map[string]any)["id"] != id {
					fail("filter %s: %d %v %v", name, status, l, err)
					return
				}
				gname := "G " + name
				status, g, err := do("POST", "/Groups", `{"displayName":"`+gname+`"}`)
				gid, _ := g["id"].(string)
				if err != nil || status != http.StatusCreated || g["displayName"] != gname {
					fail("create group %s: %d %v %v", gname, status, g, err)
					return
				}
				status, _, err = do("PATCH", "/Groups/"+gid, `{"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"`+id+`"}]}]}`)
				if err != nil || status != http.StatusNoContent {
					fail("add member to %s: %d %v", gname, status, err)
					return
				}
				status, gl, err := do("GET", "/Groups?excludedAttributes=members&filter="+url.QueryEscape(`displayName eq "`+gname+`"`), "")
				grs, _ := gl["Resources"].([]any)
				if err != nil || status != http.StatusOK || len(grs) != 1 || grs[0].(map[string]any)["id"] != gid {
					fail("filter group %s: %d %v %v", gname, status, gl, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Each journal entry's answer matches its own request.
	entries := j.Since("acme", 0)
	if len(entries) != workers*rounds*6 {
		t.Fatalf("journal has %d entries, want %d", len(entries), workers*rounds*6)
	}
	for _, e := range entries {
		var req, res map[string]any
		if e.RequestBody != "" {
			if err := json.Unmarshal([]byte(e.RequestBody), &req); err != nil {
				t.Fatalf("entry %d: request body is not JSON: %q", e.Seq, e.RequestBody)
			}
		}
		if e.ResponseBody != "" {
			if err := json.Unmarshal([]byte(e.ResponseBody), &res); err != nil {
				t.Fatalf("entry %d: response body is not JSON: %q", e.Seq, e.ResponseBody)
			}
		}
		switch {
		case e.Method == "POST" && e.Path == "/Users":
			if res["userName"] != req["userName"] {
				t.Fatalf("entry %d: created %v for a request naming %v", e.Seq, res["userName"], req["userName"])
			}
		case e.Method == "PATCH" && strings.HasPrefix(e.Path, "/Users/"):
			ent, _ := res["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
			mgr, _ := ent["manager"].(map[string]any)
			if res["id"] != strings.TrimPrefix(e.Path, "/Users/") || mgr["value"] != "mgr-"+res["userName"].(string) ||
				!strings.Contains(e.RequestBody, `"mgr-`+res["userName"].(string)+`"`) {
				t.Fatalf("entry %d: PATCH %s answered %q for %q", e.Seq, e.Path, e.ResponseBody, e.RequestBody)
			}
		case e.Method == "POST" && e.Path == "/Groups":
			if res["displayName"] != req["displayName"] {
				t.Fatalf("entry %d: created group %v for %v", e.Seq, res["displayName"], req["displayName"])
			}
		case e.Method == "GET":
			rs, _ := res["Resources"].([]any)
			q, _ := url.ParseQuery(e.Query)
			if len(rs) != 1 {
				t.Fatalf("entry %d: %d resources for %s", e.Seq, len(rs), e.Query)
			}
			r := rs[0].(map[string]any)
			name, _ := r["userName"].(string)
			if e.Path == "/Groups" {
				name, _ = r["displayName"].(string)
			}
			if !strings.Contains(q.Get("filter"), `"`+name+`"`) {
				t.Fatalf("entry %d: filter %s answered %s", e.Seq, q.Get("filter"), name)
			}
		}
	}
}
