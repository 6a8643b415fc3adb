// Package gcpolicy sets the Go garbage collector for batch runs of the
// harness: provisioning cycles and conformance suites.
//
// A cycle allocates ~100 KB per object (HTTP on both sides, JSON, log
// records) and keeps little of it; at Go's default GOGC=100 a quarter of
// an initial cycle's CPU is garbage collection. Batch runs trade memory
// for that CPU, as the Go GC guide suggests for batch work: GOGC=400 with
// a soft memory limit, so that a very large directory makes the collector
// work harder instead of growing the heap without bound. The limit is
// what a cycle of the largest tenants may use (issue 16: entrasim's peak
// RSS within 1 GiB at a million users), less room for what the runtime
// does not count (SQLite's page cache, the binary); below it GOGC=400
// rules, so small and medium cycles keep the CPU saving. A cycle whose
// live heap outgrows it gets a limit a quarter above its live heap (adapt.go)
// rather than a collector running without pause. GOGC and GOMEMLIMIT in
// the environment always win.
package gcpolicy

import (
	"os"
	"runtime/debug"
	"sync"
)

// Batch settings (see the package comment for why).
const (
	// Percent is the GOGC value of a batch run.
	Percent = 400
	// MemoryLimit is the soft memory limit of a batch run (768 MiB).
	MemoryLimit int64 = 768 << 20
	// IncrementalLimit is the soft memory limit of an incremental cycle
	// (896 MiB, ForCycle). The 1 GiB is the same; what it must leave
	// beyond the Go heap is not: an initial cycle's commit writes every
	// object and record in one transaction (SQLite's memory) and, with
	// its live heap small by then, lets the records' garbage grow up to
	// the limit, where an incremental cycle's commit writes its changes.
	// And a large incremental cycle reads the state and plans with most
	// of 768 MiB live, where its collector ran back to back (issue 16).
	IncrementalLimit int64 = 896 << 20
)

// running is the adapter Batch started, for ForCycle.
var running struct {
	sync.Mutex
	a *adapter
}

// ForCycle sets the batch soft limit for the cycle about to run:
// MemoryLimit for an initial cycle, IncrementalLimit for an incremental
// one. It does nothing unless Batch set the limit (GOMEMLIMIT unset).
func ForCycle(initial bool) {
	running.Lock()
	defer running.Unlock()
	if running.a == nil {
		return
	}
	base := IncrementalLimit
	if initial {
		base = MemoryLimit
	}
	running.a.setBase(base)
}

// Batch saves a batch run about a fifth of its CPU (BenchmarkInitialCycleBatchGC against BenchmarkInitialCycle).
//
// Batch applies the batch settings that the environment does not set and
// returns a function that restores the previous ones (for tests and
// benchmarks; commands just keep them).
func Batch() (restore func()) {
	prevPercent, prevLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(Percent)
	}
	var a *adapter
	if os.Getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(-1)
		a = startAdapter(MemoryLimit)
		running.Lock()
		running.a = a
		running.Unlock()
	}
	return func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if a != nil {
			running.Lock()
			running.a = nil
			running.Unlock()
			a.stop()
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
