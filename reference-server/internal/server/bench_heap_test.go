package server

import (
	"net/http"
	"runtime"
	"testing"
)

// BenchmarkCachedHeapPerUser measures what the durable server (SQLite
// behind the Cached mirror) keeps in its heap per user after an initial
// cycle's writes: each user created as the engine sends it (ENTRA-FLOW-04),
// then its manager set (FLOW-08), and one group membership per user
// (FLOW-16). heap-B/user is HeapInuse after a GC, minus the same before
// the load, per user: what decides the server's peak RSS at 1M users
// (issue 16). One iteration is the whole load, so run it with -benchtime=1x.
func BenchmarkCachedHeapPerUser(b *testing.B) {
	const users, groups = 20000, 200
	for b.Loop() {
		b.StopTimer()
		h, st := handlerEnv(b)
		runtime.GC()
		var m0 runtime.MemStats
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		uids := make([]string, users)
		for i := range users {
			uids[i] = idOf(serveOne(b, h, "POST", "/Users", entraUserBody(i), http.StatusCreated))
		}
		for i, id := range uids {
			if i == 0 {
				continue
			}
			mgr := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"` + uids[(i-1)/10] + `"}]}`
			serveOne(b, h, "PATCH", "/Users/"+id, mgr, http.StatusOK)
		}
		gids := make([]string, groups)
		for i := range groups {
			gids[i] = idOf(serveOne(b, h, "POST", "/Groups", entraGroupBody(i), http.StatusCreated))
		}
		for i, id := range uids {
			add := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"` + id + `"}]}]}`
			serveOne(b, h, "PATCH", "/Groups/"+gids[i%groups], add, http.StatusNoContent)
		}
		b.StopTimer()
		runtime.GC()
		var m1 runtime.MemStats
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/users, "heap-B/user")
		b.ReportMetric(float64(int64(m1.HeapObjects)-int64(m0.HeapObjects))/users, "objects/user")
		runtime.KeepAlive(st)
		runtime.KeepAlive(h)
		b.StartTimer()
	}
}
