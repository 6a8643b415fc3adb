package engine

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/gcpolicy"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// largeDir is the generated directory with scope "all", so that every
// user and group is in scope (10k users and 500 groups for the large one).
func largeDir(b *testing.B, users, groups int) *directory.Directory {
	b.Helper()
	d, err := directory.Parse("generated.yaml", fixtures.GenerateDirectory(users, groups))
	if err != nil {
		b.Fatal(err)
	}
	app := d.App
	app.Scope = directory.ScopeAll
	d, err = directory.New(app, d.Users, d.Groups)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkInitialCycle measures an initial cycle of the large directory
// (10k users, 500 groups, scope all) against the embedded reference
// server at Go's default GC setting; objects/s counts source users and
// groups.
func BenchmarkInitialCycle(b *testing.B) {
	for _, conc := range []int{1, 4, 5, 8, 16} {
		b.Run(fmt.Sprintf("users=%d/groups=%d/concurrency=%d", fixtures.LargeUsers, fixtures.LargeGroups, conc), func(b *testing.B) {
			benchInitialCycle(b, conc)
		})
	}
}

// BenchmarkInitialCycleBatchGC is BenchmarkInitialCycle with the GC
// settings entrasim and the suites run with (package gcpolicy).
func BenchmarkInitialCycleBatchGC(b *testing.B) {
	defer gcpolicy.Batch()()
	for _, conc := range []int{1, 4, 5} {
		b.Run(fmt.Sprintf("users=%d/groups=%d/concurrency=%d", fixtures.LargeUsers, fixtures.LargeGroups, conc), func(b *testing.B) {
			benchInitialCycle(b, conc)
		})
	}
}

func benchInitialCycle(b *testing.B, conc int) {
	d := largeDir(b, fixtures.LargeUsers, fixtures.LargeGroups)
	objects := len(d.Users) + len(d.Groups)
	// Loading the directory file is not part of the cycle
	// (BenchmarkLoadLarge in client/directory measures it).
	b.ResetTimer()
	var reqs int
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := newEnv(b, nil)
		eng := env.engine(nil, func(o *Options) { o.Concurrency = conc })
		b.StartTimer()
		c0 := cpuTime()
		s, err := eng.Cycle(context.Background(), d)
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatal(err)
		}
		if s.Counts.Failed != 0 {
			b.Fatalf("failures: %+v", s.Counts)
		}
		reqs = s.Counts.Requests
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(float64(reqs), "requests/cycle")
	// Objects per CPU-second of the whole process (client and
	// server), a figure the machine's other load does not skew.
	b.ReportMetric(float64(objects*b.N)/cpu.Seconds(), "objects/cpu-s")
}

// BenchmarkIncrementalNoChange measures an incremental cycle with no
// change after an initial one: 0 requests, and local cost only.
func BenchmarkIncrementalNoChange(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			d := largeDir(b, n, n/20)
			env := newEnv(b, nil)
			eng := env.engine(nil, func(o *Options) { o.Concurrency = 8 })
			if _, err := eng.Cycle(context.Background(), d); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := eng.Cycle(context.Background(), d)
				if err != nil {
					b.Fatal(err)
				}
				if s.Counts.Requests != 0 || len(s.Records) != 0 {
					b.Fatalf("no-change cycle: %+v", s.Counts)
				}
			}
			b.ReportMetric(0, "requests/cycle")
		})
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIncrementalChanges measures incremental cycles on 10k users
// where k users change each cycle (their job title flips between two
// values): requests and time follow k, not the 10k users.
func BenchmarkIncrementalChanges(b *testing.B) {
	for _, k := range []int{0, 10, 100} {
		b.Run(fmt.Sprintf("users=10000/changes=%d", k), func(b *testing.B) {
			d0 := largeDir(b, 10000, 500)
			d1 := largeDir(b, 10000, 500)
			changed := 0
			for _, u := range d1.Users {
				if changed == k {
					break
				}
				if u.AccountEnabled && u.Deleted == directory.NotDeleted {
					u.JobTitle += " II"
					changed++
				}
			}
			d1, err := directory.New(d1.App, d1.Users, d1.Groups)
			if err != nil {
				b.Fatal(err)
			}
			env := newEnv(b, nil)
			eng := env.engine(nil, func(o *Options) { o.Concurrency = 4 })
			if _, err := eng.Cycle(context.Background(), d0); err != nil {
				b.Fatal(err)
			}
			reqs := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := d1
				if i%2 == 1 {
					d = d0
				}
				s, err := eng.Cycle(context.Background(), d)
				if err != nil {
					b.Fatal(err)
				}
				if s.Counts.Updated != k {
					b.Fatalf("updated %d, want %d", s.Counts.Updated, k)
				}
				reqs = s.Counts.Requests
			}
			b.ReportMetric(float64(reqs), "requests/cycle")
		})
	}
}
