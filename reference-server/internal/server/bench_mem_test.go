package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// memEnv is a server on the memory-only store, as the embedded server of
// the engine benchmarks runs, called in-process: the figures are the
// server's own cost (journal, faults, auth, SCIM, store) without net/http's
// connection handling.
func memEnv(b *testing.B) http.Handler {
	ctx := context.Background()
	st := store.NewMemStore()
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "bench"); err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler()
}

// entraUserBody is a POST /Users body shaped as the engine sends it
// (ENTRA-FLOW-04) for the i-th user.
func entraUserBody(i int) string {
	return fmt.Sprintf(`{"active":true,"displayName":"User %d","emails":[{"primary":true,"type":"work","value":"u%d@contoso.com"}],"externalId":"ext%d","name":{"familyName":"F%d","givenName":"G%d"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept%d","employeeNumber":"%d"},"userName":"u%d@contoso.com"}`, i, i, i, i, i, i%20, i, i)
}

// entraGroupBody is a POST /Groups body as the engine sends it (FLOW-13).
func entraGroupBody(i int) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"externalId":"gext%d","displayName":"Group %d","meta":{"resourceType":"Group"}}`, i, i)
}

func filterPath(endpoint, extra, attr, value string) string {
	return "/" + endpoint + "?" + extra + "filter=" + url.QueryEscape(fmt.Sprintf(`%s eq "%s"`, attr, value))
}

// BenchmarkMemRequests measures, per request, each request kind of the
// engine's initial cycle (ENTRA-FLOW-03..16) on the memory-only store:
// allocs/op and B/op are the steadiest figures of the server's own cost.
func BenchmarkMemRequests(b *testing.B) {
	const users, groups = 2000, 100
	// setup creates users and groups through the handler and returns the
	// ids, in order.
	setup := func(b *testing.B, h http.Handler) (uids, gids []string) {
		for i := range users {
			uids = append(uids, idOf(serveOne(b, h, "POST", "/Users", entraUserBody(i), http.StatusCreated)))
		}
		for i := range groups {
			gids = append(gids, idOf(serveOne(b, h, "POST", "/Groups", entraGroupBody(i), http.StatusCreated)))
		}
		return uids, gids
	}
	b.Run("create-user", func(b *testing.B) {
		h := memEnv(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			serveOne(b, h, "POST", "/Users", entraUserBody(i), http.StatusCreated)
		}
	})
	b.Run("create-group", func(b *testing.B) {
		h := memEnv(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			serveOne(b, h, "POST", "/Groups", entraGroupBody(i), http.StatusCreated)
		}
	})
	b.Run("patch-manager", func(b *testing.B) {
		h := memEnv(b)
		uids, _ := setup(b, h)
		bodies := make([]string, len(uids))
		for i := range uids {
			bodies[i] = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"` + uids[(i+1)%len(uids)] + `"}]}`
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			serveOne(b, h, "PATCH", "/Users/"+uids[i%len(uids)], bodies[i%len(bodies)], http.StatusOK)
		}
	})
	b.Run("patch-members-20", func(b *testing.B) {
		// Each PATCH adds 20 new users to a new group, all created just
		// before (timer stopped), as the engine does once per group
		// (ENTRA-FLOW-16): every user is in one group, as in the cycle.
		h := memEnv(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			gid := idOf(serveOne(b, h, "POST", "/Groups", entraGroupBody(i), http.StatusCreated))
			vals := make([]string, 20)
			for j := range vals {
				uid := idOf(serveOne(b, h, "POST", "/Users", entraUserBody(i*20+j), http.StatusCreated))
				vals[j] = `{"$ref":null,"value":"` + uid + `"}`
			}
			body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[` + strings.Join(vals, ",") + `]}]}`
			b.StartTimer()
			serveOne(b, h, "PATCH", "/Groups/"+gid, body, http.StatusNoContent)
		}
	})
	b.Run("user-sequence", func(b *testing.B) {
		// One user of the initial cycle, as the engine sends it: the two
		// match queries (no match), the create, the manager check and
		// the manager PATCH (ENTRA-FLOW-03, 04, 06, 08); per op = per user.
		h := memEnv(b)
		mgr := idOf(serveOne(b, h, "POST", "/Users", entraUserBody(-1), http.StatusCreated))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			serveOne(b, h, "GET", filterPath("Users", "", "userName", fmt.Sprintf("u%d@contoso.com", i)), "", http.StatusOK)
			serveOne(b, h, "GET", filterPath("Users", "", "externalId", fmt.Sprintf("ext%d", i)), "", http.StatusOK)
			id := idOf(serveOne(b, h, "POST", "/Users", entraUserBody(i), http.StatusCreated))
			f := fmt.Sprintf(`id eq "%s" and manager eq "%s"`, id, mgr)
			serveOne(b, h, "GET", "/Users?filter="+url.QueryEscape(f)+"&attributes=id", "", http.StatusOK)
			serveOne(b, h, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+mgr+`"}]}`, http.StatusOK)
		}
	})
	filters := []struct {
		name string
		path func(i int, uids, gids []string) string
	}{
		{"filter-userName", func(i int, _, _ []string) string {
			return filterPath("Users", "", "userName", fmt.Sprintf("u%d@contoso.com", i%users))
		}},
		{"filter-userName-miss", func(i int, _, _ []string) string {
			return filterPath("Users", "", "userName", fmt.Sprintf("new%d@contoso.com", i))
		}},
		{"filter-externalId", func(i int, _, _ []string) string {
			return filterPath("Users", "", "externalId", fmt.Sprintf("ext%d", i%users))
		}},
		{"filter-manager-check", func(i int, uids, _ []string) string {
			f := fmt.Sprintf(`id eq "%s" and manager eq "%s"`, uids[i%users], uids[(i+1)%users])
			return "/Users?filter=" + url.QueryEscape(f) + "&attributes=id"
		}},
		{"filter-displayName", func(i int, _, _ []string) string {
			return filterPath("Groups", "excludedAttributes=members&", "displayName", fmt.Sprintf("Group %d", i%groups))
		}},
	}
	for _, f := range filters {
		b.Run(f.name, func(b *testing.B) {
			h := memEnv(b)
			uids, gids := setup(b, h)
			paths := make([]string, 1000)
			for i := range paths {
				paths[i] = f.path(i, uids, gids)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				serveOne(b, h, "GET", paths[i%len(paths)], "", http.StatusOK)
			}
		})
	}
}
