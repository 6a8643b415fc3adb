package gcpolicy

import (
	"math"
	"runtime/debug"
	"testing"
)

// current reads the GC percent and memory limit without changing them.
func current() (int, int64) {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

func TestBatchSetsAndRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	restore := Batch()
	if p, l := current(); p != Percent || l != MemoryLimit {
		t.Fatalf("after Batch: GOGC %d, limit %d; want %d, %d", p, l, Percent, MemoryLimit)
	}
	restore()
	if p, l := current(); p != 100 || l != math.MaxInt64 {
		t.Fatalf("after restore: GOGC %d, limit %d; want 100, MaxInt64", p, l)
	}
}

// TestEnvironmentWins: a user who sets GOGC or GOMEMLIMIT keeps it.
func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "512MiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(512 << 20)
	defer debug.SetGCPercent(100)
	defer debug.SetMemoryLimit(math.MaxInt64)
	restore := Batch()
	defer restore()
	if p, l := current(); p != 150 || l != 512<<20 {
		t.Fatalf("GOGC %d, limit %d; the environment's 150 and 512 MiB must stay", p, l)
	}
}

// ForCycle moves a batch run's limit between the initial and the
// incremental cycle's; without Batch, or once restored, it does nothing.
func TestForCycle(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	ForCycle(false) // no batch run
	if _, l := current(); l != math.MaxInt64 {
		t.Fatalf("ForCycle without Batch set the limit to %d", l)
	}
	restore := Batch()
	for _, tc := range []struct {
		initial bool
		want    int64
	}{{false, IncrementalLimit}, {true, MemoryLimit}, {false, IncrementalLimit}} {
		ForCycle(tc.initial)
		if _, l := current(); l != tc.want {
			t.Fatalf("ForCycle(initial=%v): limit %d MiB, want %d MiB", tc.initial, l>>20, tc.want>>20)
		}
	}
	restore()
	ForCycle(false)
	if p, l := current(); p != 100 || l != math.MaxInt64 {
		t.Fatalf("ForCycle after restore: GOGC %d, limit %d; want 100, MaxInt64", p, l)
	}
}
