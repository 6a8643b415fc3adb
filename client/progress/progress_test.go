package progress_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quantive/entra-scim-harness/client/progress"
)

// The tests run in a synctest bubble: time.Now is a fake clock that moves
// only when every goroutine waits (time.Sleep here), so no assertion
// depends on real durations.

// lockedBuffer is a bytes.Buffer safe for the heartbeat's writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		want        string
	}{
		{0, 10, "c [..........]   0% 0/10"},
		{5, 10, "c [#####.....]  50% 5/10"},
		{10, 10, "c [##########] 100% 10/10"},
		{0, 0, "c [##########] 100% 0/0"},
		{12, 10, "c [##########] 100% 12/10"},
	} {
		if got := progress.Render("c", tc.done, tc.total, 10); got != tc.want {
			t.Errorf("Render(%d,%d) = %q, want %q", tc.done, tc.total, got, tc.want)
		}
	}
}

// step is one Update after a pause.
type step struct {
	after       time.Duration
	done, total int
}

// even returns updates of total objects, one every dt.
func even(total int, dt time.Duration) []step {
	var s []step
	for i := 0; i <= total; i++ {
		d := dt
		if i == 0 {
			d = 0
		}
		s = append(s, step{d, i, total})
	}
	return s
}

func TestLines(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
		wait  time.Duration // after the last update, before Finish
		want  []string
	}{
		{
			// 1000 objects in 5 s: a line at the start and per 10 %.
			name:  "long quick cycle",
			steps: even(1000, 5*time.Millisecond),
			want: []string{"cycle: 0/1000 (0%), 0s", "cycle: 100/1000 (10%), 1s", "cycle: 200/1000 (20%), 1s",
				"cycle: 300/1000 (30%), 2s", "cycle: 400/1000 (40%), 2s", "cycle: 500/1000 (50%), 3s",
				"cycle: 600/1000 (60%), 3s", "cycle: 700/1000 (70%), 4s", "cycle: 800/1000 (80%), 4s",
				"cycle: 900/1000 (90%), 5s", "cycle: 1000/1000 (100%), 5s"},
		},
		{
			// Jumps over several steps print one line each time.
			name:  "long cycle in jumps",
			steps: []step{{0, 0, 200}, {time.Second, 70, 200}, {time.Second, 199, 200}, {time.Second, 200, 200}},
			want:  []string{"cycle: 0/200 (0%), 0s", "cycle: 70/200 (35%), 1s", "cycle: 199/200 (99%), 2s", "cycle: 200/200 (100%), 3s"},
		},
		{
			// 10 objects in a second: nothing.
			name:  "short quick cycle",
			steps: even(10, 100*time.Millisecond),
		},
		{
			// 10 objects, 4.5 s each: a line every 10 s, and the end.
			name:  "short slow cycle",
			steps: even(10, 4500*time.Millisecond),
			want: []string{"cycle: 2/10 (20%), 10s", "cycle: 4/10 (40%), 20s", "cycle: 6/10 (60%), 30s",
				"cycle: 8/10 (80%), 40s", "cycle: 10/10 (100%), 45s"},
		},
		{
			// A stall between 10 % and the end: the heartbeat shows it.
			name:  "stalled long cycle",
			steps: []step{{0, 0, 100}, {time.Second, 10, 100}, {25 * time.Second, 100, 100}},
			want: []string{"cycle: 0/100 (0%), 0s", "cycle: 10/100 (10%), 1s", "cycle: 10/100 (10%), 11s",
				"cycle: 10/100 (10%), 21s", "cycle: 100/100 (100%), 26s"},
		},
		{
			// Done before Finish: no heartbeat after the end line.
			name:  "quiet after the end",
			steps: []step{{0, 0, 100}, {time.Second, 100, 100}},
			wait:  time.Minute,
			want:  []string{"cycle: 0/100 (0%), 0s", "cycle: 100/100 (100%), 1s"},
		},
		{
			name:  "nothing to do",
			steps: []step{{0, 0, 0}},
			wait:  time.Minute,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var buf lockedBuffer
				b := progress.ForWriter(&buf, "cycle") // a buffer is no terminal: lines
				for _, s := range c.steps {
					time.Sleep(s.after)
					b.Update(s.done, s.total)
				}
				time.Sleep(c.wait)
				b.Finish()
				got := lines(buf.String())
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
			})
		})
	}
}

// A bar serves cycle after cycle (run --cycles): Finish stops the
// heartbeat (synctest.Test fails if a goroutine is left) and writes
// nothing more; the next cycle starts its clock and steps afresh.
func TestLinesCycleAfterCycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf lockedBuffer
		b := progress.NewMode(&buf, "cycle", progress.Lines)
		for cycle := range 2 {
			b.Update(0, 100)
			time.Sleep(15 * time.Second)
			b.Finish()
			time.Sleep(time.Minute) // between cycles: quiet
			if got := len(lines(buf.String())); got != 2*(cycle+1) {
				t.Fatalf("after cycle %d: %d lines\n%s", cycle, got, buf.String())
			}
		}
		want := "cycle: 0/100 (0%), 0s\ncycle: 0/100 (0%), 10s\n"
		if buf.String() != want+want {
			t.Errorf("got\n%s", buf.String())
		}
		// A new total without Finish is a new cycle too.
		b.Update(0, 300)
		b.Update(300, 300)
		b.Update(0, 200)
		b.Finish()
		if !strings.HasSuffix(buf.String(), "cycle: 0/300 (0%), 0s\ncycle: 300/300 (100%), 0s\ncycle: 0/200 (0%), 0s\n") {
			t.Errorf("got\n%s", buf.String())
		}
	})
}

// Updates from several goroutines (the engine's concurrency) with the
// heartbeat running: no race, every step once.
func TestLinesConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf lockedBuffer
		b := progress.NewMode(&buf, "cycle", progress.Lines)
		b.Update(0, 1000)
		var mu sync.Mutex
		done := 0
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 250 {
					time.Sleep(50 * time.Millisecond)
					mu.Lock()
					done++
					b.Update(done, 1000)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		b.Finish()
		out := buf.String()
		for pct := 0; pct <= 100; pct += 10 {
			if n := strings.Count(out, fmt.Sprintf("(%d%%)", pct)); n != 1 {
				t.Errorf("%d lines for %d%%\n%s", n, pct, out)
			}
		}
	})
}

func TestTerminal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf lockedBuffer
		b := progress.New(&buf, "cycle", true)
		b.Update(1, 100)
		b.Update(2, 100) // within 100 ms: not drawn
		time.Sleep(time.Second)
		b.Update(3, 100)
		b.Update(100, 100) // completion is always drawn
		time.Sleep(time.Minute)
		b.Finish()
		out := buf.String()
		if n := strings.Count(out, "\r"); n != 3 {
			t.Fatalf("%d draws in %q, want 3", n, out)
		}
		if !strings.HasSuffix(out, "100/100\n") || strings.Contains(out, "(") {
			t.Fatalf("output %q", out)
		}
		// The next cycle draws at once.
		b.Update(1, 10)
		b.Finish()
		if !strings.HasSuffix(buf.String(), "\r"+progress.Render("cycle", 1, 10, 30)+"\n") {
			t.Fatalf("second cycle: %q", buf.String())
		}
	})
}

func TestOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf lockedBuffer
		b := progress.New(&buf, "cycle", false)
		b.Update(0, 1000)
		time.Sleep(time.Minute)
		b.Update(1000, 1000)
		b.Finish()
		if buf.String() != "" {
			t.Fatalf("wrote %q", buf.String())
		}
	})
}
