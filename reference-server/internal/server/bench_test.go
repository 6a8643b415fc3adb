package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// benchServer is a refserver on a SQLite file with n users in account
// "acme", listening on loopback.
func benchServer(b *testing.B, n int) (base string, names []string, st store.Store) {
	b.Helper()
	ctx := context.Background()
	st, err := store.OpenCached(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "bench"); err != nil {
		b.Fatal(err)
	}
	names = seedUsers(b, st, n, func(i int, name string) string {
		return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
			"userName":%q,"externalId":"ext%d","active":true,"displayName":"User %d",
			"name":{"givenName":"G%d","familyName":"F","formatted":"G F"},
			"emails":[{"primary":true,"type":"work","value":%q}],
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept%d","employeeNumber":"%d"}}`,
			name, i, i, i, name, i%20, i)
	})
	s, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return serve(b, s.Handler()) + TenantPrefix + "acme", names, st
}

// seedUsers stores n users user%06d@contoso.com with ids id-%06d in account
// "acme" directly through the store (5,000 per transaction), their bodies
// given by body, and returns their userNames in order.
func seedUsers(b *testing.B, st store.Store, n int, body func(i int, name string) string) []string {
	b.Helper()
	ctx := context.Background()
	names := make([]string, 0, n)
	for start := 0; start < n; start += 5000 {
		err := st.Update(ctx, func(tx store.Tx) error {
			for i := start; i < min(n, start+5000); i++ {
				name := fmt.Sprintf("user%06d@contoso.com", i)
				res, err := resource.Normalize(schema.User(), []byte(body(i, name)))
				if err != nil {
					return err
				}
				u, err := userRecord(fmt.Sprintf("id-%06d", i), res)
				if err != nil {
					return err
				}
				if err := tx.PutUser(ctx, "acme", u); err != nil {
					return err
				}
				names = append(names, name)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return names
}

// serve runs h on a loopback port for the benchmark's lifetime.
func serve(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	b.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// loadgen sends b.N GET requests from conc goroutines over keep-alive
// connections and reports requests per second. urlFor picks the URL of the
// i-th request.
func loadgen(b *testing.B, conc int, token string, urlFor func(i int) string) {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	var m0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				req, _ := http.NewRequest("GET", urlFor(i), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
	// CPU per request (server and load generator, user+system) does not
	// depend on what else runs on the machine, unlike req/s.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
	// Live heap after the load minus before it: stays flat (bounded caches
	// and journal) however many requests are sent.
	var m1 runtime.MemStats
	tr.CloseIdleConnections()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/1024, "heap-growth-KiB")
}

// cpuPerOp reports the process's CPU time per operation since c0 (taken
// just before the timed loop), which the machine's other load does not
// skew, unlike ns/op; with a file database ns/op also includes fsync waits.
func cpuPerOp(b *testing.B, c0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportAllocs()
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkServerFilterUserName is the throughput target: filter by
// userName (ENTRA-FLOW-03) with 10k users in the SQLite store, through the
// whole server (journal, faults, auth, SCIM), against a bare net/http
// handler answering a canned one-user ListResponse with the same load
// generator. Target: refserver >= canned/2.
func BenchmarkServerFilterUserName(b *testing.B) {
	const users, conc = 10000, 16
	b.Run("canned", func(b *testing.B) {
		body := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"id-000001","userName":"user000001@contoso.com","active":true,"meta":{"resourceType":"User"}}]}`)
		base := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ContentType)
			_, _ = w.Write(body)
		}))
		loadgen(b, conc, "x", func(i int) string {
			return base + "/Users?filter=" + url.QueryEscape(fmt.Sprintf(`userName eq "user%06d@contoso.com"`, i%users))
		})
	})
	b.Run("refserver", func(b *testing.B) {
		base, names, _ := benchServer(b, users)
		urls := make([]string, len(names))
		for i, n := range names {
			urls[i] = base + "/Users?filter=" + url.QueryEscape(fmt.Sprintf(`userName eq "%s"`, n))
		}
		loadgen(b, conc, "tok-acme", func(i int) string { return urls[i%len(urls)] })
	})
}

// handlerEnv is a server on a durable SQLite file (with the mirror), called
// in-process so that only the server's own cost is measured.
func handlerEnv(b *testing.B) (http.Handler, store.Store) {
	ctx := context.Background()
	st, err := store.OpenCached(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "bench"); err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler(), st
}

func serveOne(b *testing.B, h http.Handler, method, path, body string, want int) string {
	req := httptest.NewRequest(method, "http://bench"+TenantPrefix+"acme"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok-acme")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// BenchmarkCreateUser is POST /Users (ENTRA-FLOW-04) through the handler,
// each create a durable SQLite transaction on a file in WAL mode.
func BenchmarkCreateUser(b *testing.B) {
	h, _ := handlerEnv(b)
	c0 := cpuTime()
	defer func() { cpuPerOp(b, c0) }()
	for i := 0; b.Loop(); i++ {
		serveOne(b, h, "POST", "/Users", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"c%d@contoso.com","externalId":"x%d","active":true,"emails":[{"primary":true,"type":"work","value":"c%d@contoso.com"}],"name":{"givenName":"G","familyName":"F"}}`, i, i, i), http.StatusCreated)
	}
}

// BenchmarkPatchManager is PATCH /Users/{id} setting the enterprise
// manager (ENTRA-FLOW-06), Entra's most frequent write in an initial
// cycle: one per user, 200 with the user in the answer.
func BenchmarkPatchManager(b *testing.B) {
	h, _ := handlerEnv(b)
	var ids []string
	for i := range 100 {
		body := serveOne(b, h, "POST", "/Users", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"p%d@contoso.com","externalId":"x%d","active":true,"displayName":"P %d","emails":[{"primary":true,"type":"work","value":"p%d@contoso.com"}],"name":{"givenName":"G","familyName":"F"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","employeeNumber":"%d"}}`, i, i, i, i, i), http.StatusCreated)
		ids = append(ids, idOf(body))
	}
	bodies := make([]string, len(ids))
	for i := range ids {
		bodies[i] = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"` + ids[(i+1)%len(ids)] + `"}]}`
	}
	c0 := cpuTime()
	defer func() { cpuPerOp(b, c0) }()
	for i := 0; b.Loop(); i++ {
		serveOne(b, h, "PATCH", "/Users/"+ids[i%len(ids)], bodies[i%len(bodies)], http.StatusOK)
	}
}

// BenchmarkPatchGroupMembers is PATCH /Groups/{id} adding one member
// (ENTRA-FLOW-16) to a group that already has `size` members, then removing
// it again (FLOW-17), so the group size stays fixed.
func BenchmarkPatchGroupMembers(b *testing.B) {
	for _, size := range []int{10, 1000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			h, _ := handlerEnv(b)
			var ids []string
			for i := range size + 1 {
				body := serveOne(b, h, "POST", "/Users", fmt.Sprintf(`{"userName":"m%d@contoso.com"}`, i), http.StatusCreated)
				ids = append(ids, idOf(body))
			}
			gid := idOf(serveOne(b, h, "POST", "/Groups", `{"displayName":"Big"}`, http.StatusCreated))
			var vals []string
			for _, id := range ids[:size] {
				vals = append(vals, fmt.Sprintf(`{"value":%q}`, id))
			}
			serveOne(b, h, "PATCH", "/Groups/"+gid, `{"Operations":[{"op":"Add","path":"members","value":[`+strings.Join(vals, ",")+`]}]}`, http.StatusNoContent)
			extra := ids[size]
			add := `{"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"` + extra + `"}]}]}`
			rm := `{"Operations":[{"op":"remove","path":"members[value eq \"` + extra + `\"]"}]}`
			c0 := cpuTime()
			defer func() { cpuPerOp(b, c0) }()
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					serveOne(b, h, "PATCH", "/Groups/"+gid, add, http.StatusNoContent)
				} else {
					serveOne(b, h, "PATCH", "/Groups/"+gid, rm, http.StatusNoContent)
				}
			}
		})
	}
}

func idOf(body string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	s, _ := m["id"].(string)
	return s
}

// BenchmarkHandlerFilterUserName is the server's own CPU cost of a userName
// filter with 10k users (no network): what the refserver adds on top of
// the bare net/http cost measured by BenchmarkServerFilterUserName/canned.
func BenchmarkHandlerFilterUserName(b *testing.B) {
	h, st := handlerEnv(b)
	const n = 10000
	seedUsers(b, st, n, func(_ int, name string) string {
		return fmt.Sprintf(`{"userName":%q,"active":true,"displayName":"U","name":{"givenName":"G","familyName":"F"},"emails":[{"primary":true,"type":"work","value":%q}]}`, name, name)
	})
	paths := make([]string, n)
	for i := range paths {
		paths[i] = "/Users?filter=" + url.QueryEscape(fmt.Sprintf(`userName eq "user%06d@contoso.com"`, i))
	}
	c0 := cpuTime()
	defer func() { cpuPerOp(b, c0) }()
	for i := 0; b.Loop(); i++ {
		serveOne(b, h, "GET", paths[i%n], "", http.StatusOK)
	}
}
