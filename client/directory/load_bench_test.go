package directory_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// BenchmarkLoadRealistic100k loads a generated realistic directory of 100k
// users (about 45 MB) from a file, and reports, besides time and
// allocations, the peak live heap seen by the collector during the load
// (peak-live-MB), the peak of heap memory in objects, garbage included
// (peak-heap-MB), and the heap the loaded directory retains (retained-MB).
// Load reads the file in chunks; whole reads and parses it as one
// document, as Load did before.
func BenchmarkLoadRealistic100k(b *testing.B) {
	benchmarkLoadFile(b, 100000, 5000)
}

// BenchmarkLoadRealistic1M is the same at 1M users (a 450 MB file); it
// runs only with DIRECTORY_BENCH_1M=1.
func BenchmarkLoadRealistic1M(b *testing.B) {
	if os.Getenv("DIRECTORY_BENCH_1M") == "" {
		b.Skip("set DIRECTORY_BENCH_1M=1 to load 1M users")
	}
	benchmarkLoadFile(b, 1000000, 50000)
}

// BenchmarkLoadCached100k loads the same 100k directory through a chunk
// cache (LoadCached), after the jobTitle of its first 1,000 enabled,
// existing users was rewritten in place as scripts/bench-scale.sh does:
// cold with an empty cache (every chunk parsed and encoded), warm with
// the cache of the file before the edit. cache-MB is the encoded size of
// the file's chunks.
func BenchmarkLoadCached100k(b *testing.B) {
	benchmarkLoadCached(b, 100000, 5000)
}

// BenchmarkLoadCached1M is the same at 1M users; it runs only with
// DIRECTORY_BENCH_1M=1.
func BenchmarkLoadCached1M(b *testing.B) {
	if os.Getenv("DIRECTORY_BENCH_1M") == "" {
		b.Skip("set DIRECTORY_BENCH_1M=1 to load 1M users")
	}
	benchmarkLoadCached(b, 1000000, 50000)
}

func benchmarkLoadCached(b *testing.B, users, groups int) {
	dir := b.TempDir()
	path, edited := filepath.Join(dir, "dir.yaml"), filepath.Join(dir, "edited.yaml")
	data := fixtures.GenerateRealisticDirectoryScopeAll(users, groups, 1)
	size := int64(len(data))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	changed, n := rewriteJobTitles(data, 1000)
	if n != 1000 {
		b.Fatalf("%d jobTitles rewritten", n)
	}
	if err := os.WriteFile(edited, changed, 0o600); err != nil {
		b.Fatal(err)
	}
	store := benchChunks{}
	cache := directory.NewChunkCache(store)
	if _, err := directory.LoadCached(path, cache); err != nil {
		b.Fatal(err)
	}
	bytes := 0
	for sum, body := range cache.Chunks() {
		store[sum] = body
		bytes += len(body)
	}
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(size)
		measureLoads(b, func() (*directory.Directory, error) {
			return directory.LoadCached(edited, directory.NewChunkCache(nil))
		})
		b.ReportMetric(float64(bytes)/(1<<20), "cache-MB")
	})
	b.Run("warm", func(b *testing.B) {
		b.SetBytes(size)
		c := directory.NewChunkCache(store)
		measureLoads(b, func() (*directory.Directory, error) { return directory.LoadCached(edited, c) })
		hits, parsed := c.Stats()
		b.ReportMetric(float64(hits), "hits")
		b.ReportMetric(float64(parsed), "parsed")
	})
}

// benchChunks is a ChunkStore in memory.
type benchChunks map[directory.ChunkSum][]byte

func (m benchChunks) Chunk(sum directory.ChunkSum) ([]byte, error) { return m[sum], nil }

// rewriteJobTitles rewrites the jobTitle of the first n enabled, existing
// users with one, as scripts/bench-scale.sh does, and returns how many it
// rewrote.
func rewriteJobTitles(data []byte, n int) ([]byte, int) {
	lines := strings.SplitAfter(string(data), "\n")
	var out strings.Builder
	done := 0
	var block []string
	flush := func() {
		jt, off := -1, false
		for i, l := range block {
			if strings.HasPrefix(l, "    jobTitle:") {
				jt = i
			}
			if strings.HasPrefix(l, "    accountEnabled: false") || strings.HasPrefix(l, "    deleted:") {
				off = true
			}
		}
		if done < n && jt >= 0 && !off {
			done++
			block[jt] = fmt.Sprintf("    jobTitle: \"Bench Changed Title %d\"\n", done)
		}
		for _, l := range block {
			out.WriteString(l)
		}
		block = block[:0]
	}
	inUsers := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "users:"):
			flush()
			inUsers = true
			out.WriteString(l)
			continue
		case l != "" && l[0] >= 'a' && l[0] <= 'z':
			flush()
			inUsers = false
		case inUsers && strings.HasPrefix(l, "  - "):
			flush()
		}
		if inUsers {
			block = append(block, l)
			continue
		}
		out.WriteString(l)
	}
	flush()
	return []byte(out.String()), done
}

// BenchmarkLoadRealistic10k is the same at 10k users.
func BenchmarkLoadRealistic10k(b *testing.B) {
	benchmarkLoadFile(b, 10000, 500)
}

func benchmarkLoadFile(b *testing.B, users, groups int) {
	path := filepath.Join(b.TempDir(), "dir.yaml")
	size := writeRealistic(b, path, users, groups)
	b.Run("Load", func(b *testing.B) {
		b.SetBytes(size)
		measureLoads(b, func() (*directory.Directory, error) { return directory.Load(path) })
	})
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(size)
		measureLoads(b, func() (*directory.Directory, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return directory.ParseWhole(path, data)
		})
	})
}

// writeRealistic writes a generated directory to path, returning its size
// (the bytes are garbage once it returns).
func writeRealistic(b *testing.B, path string, users, groups int) int64 {
	data := fixtures.GenerateRealisticDirectory(users, groups, 1)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return int64(len(data))
}

func measureLoads(b *testing.B, load func() (*directory.Directory, error)) {
	var peakLive, peakHeap, retained float64
	var cpu time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		base := heapAlloc()
		h := startHeapSampler()
		cpu0 := processCPU()
		b.StartTimer()
		d, err := load()
		b.StopTimer()
		cpu += processCPU() - cpu0
		live, heap := h.stop()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		peakLive = max(peakLive, mb(live, base))
		peakHeap = max(peakHeap, mb(heap, base))
		retained = max(retained, mb(heapAlloc(), base))
		runtime.KeepAlive(d)
		b.StartTimer()
	}
	b.ReportMetric(peakLive, "peak-live-MB")
	b.ReportMetric(peakHeap, "peak-heap-MB")
	b.ReportMetric(retained, "retained-MB")
	// CPU time of the process (collector included), steadier than wall
	// time on a busy machine.
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mb(v, base uint64) float64 {
	if v < base {
		return 0
	}
	return float64(v-base) / (1 << 20)
}

func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapSampler polls runtime/metrics (which does not stop the world) and
// keeps the highest live heap marked by a collection and the highest heap
// in objects.
type heapSampler struct {
	quit       chan struct{}
	wg         sync.WaitGroup
	live, heap uint64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{quit: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			h.live = max(h.live, s[0].Value.Uint64())
			h.heap = max(h.heap, s[1].Value.Uint64())
			select {
			case <-h.quit:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() (live, heap uint64) {
	close(h.quit)
	h.wg.Wait()
	return h.live, h.heap
}
