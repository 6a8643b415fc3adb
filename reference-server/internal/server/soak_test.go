package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSoak is the memory target: an Entra-like mixed load
// (ENTRA-FLOW-22: match, create, match, set manager, disable, delete) on a
// server holding 10k users, run long enough to see whether memory stays
// flat. Each op is one whole user lifecycle (6 requests), so the number of
// stored users returns to 10k after every op and the live heap should not
// grow with the number of ops. Run for ten minutes with
//
//	go test -run XXX -bench BenchmarkSoak -benchtime 600s ./reference-server/internal/server/
//
// It reports the live heap (after GC) at the start, at each quarter of the
// run and at the end, and the peak in-use heap sampled every second.
func BenchmarkSoak(b *testing.B) {
	const users, conc = 10000, 4
	base, names, _ := benchServer(b, users)
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()

	do := func(method, path, body string, want int) ([]byte, error) {
		req, err := http.NewRequest(method, base+path, bytes.NewBufferString(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer tok-acme")
		if body != "" {
			req.Header.Set("Content-Type", "application/scim+json")
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		out, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != want {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		return out, nil
	}
	filter := func(userName string) string {
		return "/Users?filter=" + url.QueryEscape(fmt.Sprintf("userName eq %q", userName))
	}
	lifecycle := func(i int) error {
		name := fmt.Sprintf("soak%09d@contoso.com", i)
		if _, err := do("GET", filter(name), "", 200); err != nil {
			return err
		}
		body, err := do("POST", "/Users", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"soak%d","userName":%q,"active":true,"displayName":"Soak %d","emails":[{"primary":true,"type":"work","value":%q}],"meta":{"resourceType":"User"},"name":{"formatted":"S K","familyName":"K","givenName":"S"},"roles":[]}`, i, name, i, name), 201)
		if err != nil {
			return err
		}
		var created struct{ ID string }
		if err := json.Unmarshal(body, &created); err != nil || created.ID == "" {
			return fmt.Errorf("create answer without id: %s", body)
		}
		if _, err := do("GET", filter(name), "", 200); err != nil {
			return err
		}
		manager := fmt.Sprintf("id-%06d", i%users)
		if _, err := do("PATCH", "/Users/"+created.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+manager+`"}]}`, 200); err != nil {
			return err
		}
		if _, err := do("PATCH", "/Users/"+created.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`, 200); err != nil {
			return err
		}
		_, err = do("DELETE", "/Users/"+created.ID, "", 204)
		return err
	}
	_ = names

	liveHeap := func() float64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	start := liveHeap()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()

	var next, done atomic.Int64
	var failure atomic.Value
	quarters := make([]float64, 0, 3)
	var qmu sync.Mutex
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N || failure.Load() != nil {
					return
				}
				if err := lifecycle(i); err != nil {
					failure.Store(err)
					return
				}
				if n := done.Add(1); b.N >= 400 && n%int64(b.N/4) == 0 && n < int64(b.N) {
					// ReadMemStats without GC: a GC here would stall the load.
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					qmu.Lock()
					quarters = append(quarters, float64(m.HeapAlloc)/(1<<20))
					qmu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(stop)
	sampler.Wait()
	// One last sample, so that runs shorter than the tick report a peak too.
	var last runtime.MemStats
	runtime.ReadMemStats(&last)
	if last.HeapInuse > peak.Load() {
		peak.Store(last.HeapInuse)
	}
	if err, _ := failure.Load().(error); err != nil {
		b.Fatal(err)
	}
	tr.CloseIdleConnections()
	end := liveHeap()
	b.ReportMetric(start, "live-heap-start-MiB")
	b.ReportMetric(end, "live-heap-end-MiB")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-inuse-MiB")
	b.ReportMetric(float64(b.N*6)/b.Elapsed().Seconds(), "req/s")
	if len(quarters) > 0 {
		b.Logf("heap (no GC) at each quarter of the run: %.1f MiB", quarters)
	}
}
