package gcpolicy

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimitFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct{ base, live, want int64 }{
		{768 * mib, 0, 768 * mib},
		{768 * mib, 200 * mib, 768 * mib},
		{768 * mib, 512 * mib, 768 * mib},
		{768 * mib, 1024 * mib, 1280 * mib},
		{768 * mib, 1500 * mib, 1875 * mib},
	} {
		if got := limitFor(tc.base, tc.live); got != tc.want {
			t.Errorf("limitFor(%d MiB, %d MiB) = %d MiB, want %d MiB", tc.base/mib, tc.live/mib, got/mib, tc.want/mib)
		}
	}
}

// waitLimit collects until the soft limit satisfies ok (the adapter runs
// in the finalizer goroutine, after a collection); it gives up after a
// few seconds, which only a broken adapter needs.
func waitLimit(t *testing.T, ok func(int64) bool) int64 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		l := debug.SetMemoryLimit(-1)
		if ok(l) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("soft limit %d MiB never reached the expected value", l>>20)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The limit follows the live heap up, back down to its base, and stops
// moving once the adapter is stopped.
func TestLimitFollowsLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(math.MaxInt64)
	const base = 8 << 20
	a := startAdapter(base)
	live := make([]byte, 64<<20)
	for i := range live {
		live[i] = byte(i)
	}
	// 1.25 × 64 MiB
	waitLimit(t, func(l int64) bool { return l >= 80<<20 })
	runtime.KeepAlive(live) // its last use: from here on it is garbage
	waitLimit(t, func(l int64) bool { return l == base })
	a.stop()
	debug.SetMemoryLimit(math.MaxInt64)
	keep := make([]byte, 64<<20)
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Fatalf("a stopped adapter moved the limit to %d MiB", l>>20)
	}
	runtime.KeepAlive(keep)
}
