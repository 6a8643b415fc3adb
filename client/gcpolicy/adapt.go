package gcpolicy

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A soft memory limit below the live heap has the collector run back to
// back, up to the half of the CPU the runtime's GC limiter allows: a cycle
// of a million users holds about 1.5 GB live, and at the fixed 768 MiB
// limit its incremental cycle took three times as long as with room to
// grow (issue 16). So the limit follows the live heap: after every
// collection it is set to the larger of MemoryLimit and Headroom times
// the live heap. Small and medium cycles never reach MemoryLimit and keep
// it; a large one pays a collection each time its heap grows by a
// quarter, which keeps its peak memory near its live heap (with a half,
// a million users' cycle peaked at 1.5 times it).

// Headroom is the limit's multiple of the live heap, as a fraction.
const headroomNum, headroomDen = 5, 4

// limitFor is the soft limit for a live heap of live bytes.
func limitFor(base, live int64) int64 {
	return max(base, live/headroomDen*headroomNum)
}

// adapter moves the soft limit after each collection (see above). It
// learns of collections from a finalizer on an object it re-creates each
// time: the runtime runs it after the collection that found the object
// unreachable, so once per cycle, with no goroutine polling.
type adapter struct {
	base    int64      // under mu
	mu      sync.Mutex // orders adjust against setBase and stop
	stopped bool
	sample  []metrics.Sample
}

// sentinel is big enough never to be a tiny allocation, whose finalizer
// may not run.
type sentinel struct{ _ [32]byte }

// startAdapter sets the limit to base and has it follow the live heap
// until stop.
func startAdapter(base int64) *adapter {
	a := &adapter{base: base, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	debug.SetMemoryLimit(base)
	a.arm()
	return a
}

func (a *adapter) arm() {
	runtime.SetFinalizer(new(sentinel), func(*sentinel) {
		if a.adjust() {
			a.arm()
		}
	})
}

// adjust sets the limit for the live heap after the last collection and
// reports whether the adapter still runs.
func (a *adapter) adjust() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return false
	}
	a.apply()
	return true
}

// setBase changes the limit's floor, at once.
func (a *adapter) setBase(base int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return
	}
	a.base = base
	a.apply()
}

// apply sets the limit for the live heap after the last collection; a.mu
// is held.
func (a *adapter) apply() {
	metrics.Read(a.sample)
	if v := a.sample[0].Value; v.Kind() == metrics.KindUint64 {
		debug.SetMemoryLimit(limitFor(a.base, int64(v.Uint64())))
	}
}

// stop ends the adapter; the limit is then the caller's to set.
func (a *adapter) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stopped = true
}
