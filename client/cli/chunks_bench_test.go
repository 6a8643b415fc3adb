package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// BenchmarkSourceChunks100k loads a generated directory of 100k users
// (scope all, 45 MB) as cycle does, through the state file's chunk
// cache, after the jobTitle of 1,000 users was rewritten in place: cold
// (the cache empty, then filled: the initial cycle's load) and warm (the
// cache of the file before the edit: the incremental cycle's). It
// reports CPU time and the size of the state file's cache.
func BenchmarkSourceChunks100k(b *testing.B) {
	ctx := context.Background()
	tmp := b.TempDir()
	path, edited := filepath.Join(tmp, "dir.yaml"), filepath.Join(tmp, "edited.yaml")
	data := string(fixtures.GenerateRealisticDirectoryScopeAll(100000, 5000, 1))
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		b.Fatal(err)
	}
	// The first 1,000 jobTitles, in place.
	var out strings.Builder
	n := 0
	for _, l := range strings.SplitAfter(data, "\n") {
		if strings.HasPrefix(l, "    jobTitle: ") && n < 1000 {
			n++
			l = "    jobTitle: \"Bench Changed Title\"\n"
		}
		out.WriteString(l)
	}
	if err := os.WriteFile(edited, []byte(out.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	out.Reset()
	for _, c := range []struct {
		name  string
		first string // loaded before the measured load (warm)
	}{{"cold", ""}, {"warm", path}} {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			var size int64
			for b.Loop() {
				b.StopTimer()
				stPath := filepath.Join(b.TempDir(), "state.db")
				st, err := state.Open(ctx, stPath)
				if err != nil {
					b.Fatal(err)
				}
				if c.first != "" {
					sc := &sourceChunks{read: true}
					sc.open(ctx, st)
					if _, err := sc.load(c.first); err != nil {
						b.Fatal(err)
					}
				}
				sc := &sourceChunks{read: true}
				sc.open(ctx, st)
				cpu0 := benchCPU()
				b.StartTimer()
				if _, err := sc.load(edited); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += benchCPU() - cpu0
				size = cacheBytes(b, stPath)
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size)/(1<<20), "cache-MB")
		})
	}
}

func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cacheBytes is the size of the cached chunks in a state file.
func cacheBytes(b *testing.B, path string) int64 {
	ctx := context.Background()
	st, err := state.OpenReadOnly(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	n, err := st.SourceChunkBytes(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
