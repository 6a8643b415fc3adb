package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// testEnv is an embedded reference server, a client for it and a state
// file in a temp dir.
type testEnv struct {
	t      testing.TB
	srv    *embedded.Server
	client *scim.Client
	store  *state.Store
	since  int64
}

func newEnv(t testing.TB, adjust func(*scim.Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	o := scim.Options{TenantURL: srv.TenantURL(), Token: srv.Token}
	if adjust != nil {
		adjust(&o)
	}
	c, err := scim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &testEnv{t: t, srv: srv, client: c, store: st}
}

func (e *testEnv) engine(cfg *mapping.Config, mod func(*Options)) *Engine {
	e.t.Helper()
	o := Options{Client: e.client, Store: e.store, Config: cfg, KeepRecords: true}
	if mod != nil {
		mod(&o)
	}
	eng, err := New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return eng
}

func (e *testEnv) cycle(eng *Engine, d *directory.Directory) *Summary {
	e.t.Helper()
	s, err := eng.Cycle(context.Background(), d)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

type journalEntry struct {
	Seq         int64  `json:"seq"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Query       string `json:"query"`
	RequestBody string `json:"requestBody"`
	Status      int    `json:"status"`
}

func (j journalEntry) String() string { return j.Method + " " + j.Path }

// requests returns the requests the server saw since the last call.
func (e *testEnv) requests() []journalEntry {
	e.t.Helper()
	url := fmt.Sprintf("%s/admin/accounts/%s/requests?since=%d", e.srv.BaseURL, e.srv.AccountID, e.since)
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+e.srv.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Requests []journalEntry `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		e.t.Fatal(err)
	}
	if n := len(body.Requests); n > 0 {
		e.since = body.Requests[n-1].Seq
	}
	return body.Requests
}

// getResource reads /Users/{id} or /Groups/{id} from the server.
func (e *testEnv) getResource(kind, id string) (map[string]any, int) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.client.BaseURL()+"/"+kind+"/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+e.srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m, resp.StatusCode
}

// link returns the target id of a source object.
func (e *testEnv) link(kind state.Kind, id string) *state.Object {
	e.t.Helper()
	objs, err := e.store.Objects(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return objs[state.Key{Kind: kind, SourceID: id}]
}

func smallYAML(t testing.TB) string {
	t.Helper()
	b, err := fixtures.Directory("small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parseDir(t testing.TB, y string) *directory.Directory {
	t.Helper()
	d, err := directory.Parse("test.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// edit replaces exactly one occurrence of old in y.
func edit(t testing.TB, y, old, new string) string {
	t.Helper()
	if n := strings.Count(y, old); n != 1 {
		t.Fatalf("edit: %q occurs %d times", old, n)
	}
	return strings.Replace(y, old, new, 1)
}

func methodsPaths(es []journalEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.String()
	}
	return out
}

func recordsBySource(rs []provlog.Record) map[string][]provlog.Record {
	m := map[string][]provlog.Record{}
	for _, r := range rs {
		m[r.SourceIdentity.ID] = append(m[r.SourceIdentity.ID], r)
	}
	return m
}
