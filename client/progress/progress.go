// Package progress shows a cycle's progress: objects processed of total.
// On a terminal it draws a one-line bar redrawn in place, like the
// portal's provisioning progress bar. Anywhere else (CI logs, pipes,
// files) it prints plain lines instead, so a long cycle shows movement in
// a log: one every LineStep percent for cycles of at least LineMinObjects
// objects, and one whenever LineEvery has passed without a line, however
// small the cycle. A short, quick cycle prints nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// The line mode's cadence.
const (
	// LineStep is the percentage of the cycle between two lines.
	LineStep = 10
	// LineEvery is the longest time without a line while a cycle runs.
	LineEvery = 10 * time.Second
	// LineMinObjects is the smallest cycle that gets the LineStep lines;
	// smaller ones print only when they take longer than LineEvery.
	LineMinObjects = 100
)

// Mode is how a Bar shows progress.
type Mode int

const (
	// Off shows nothing.
	Off Mode = iota
	// Terminal redraws one bar line in place (at most every 100 ms).
	Terminal
	// Lines prints a line per LineStep percent (cycles of LineMinObjects
	// objects or more) and at least every LineEvery, each on its own line.
	Lines
)

// Bar shows one cycle's progress at a time: Update as objects are
// processed, Finish when the cycle ends (then the next Update starts the
// next cycle). It is safe for concurrent use.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	mode  Mode
	label string
	width int
	every time.Duration // terminal redraw interval

	// the current cycle
	active      bool
	start, last time.Time // cycle start, last line or draw
	drawn       bool      // something was written for this cycle
	step        int       // Lines: the last LineStep step written
	ended       bool      // Lines: the completion line was written
	done, total int
	stop        chan struct{} // Lines: stops the heartbeat
	stopped     chan struct{} // closed when the heartbeat has returned
}

// NewMode returns a bar writing to w in the given mode.
func NewMode(w io.Writer, label string, mode Mode) *Bar {
	return &Bar{w: w, mode: mode, label: label, width: 30, every: 100 * time.Millisecond}
}

// New returns a bar drawing on w as on a terminal when enabled, else
// showing nothing.
func New(w io.Writer, label string, enabled bool) *Bar {
	if enabled {
		return NewMode(w, label, Terminal)
	}
	return NewMode(w, label, Off)
}

// ForWriter returns a bar drawn in place when w is a terminal and printing
// progress lines otherwise.
func ForWriter(w io.Writer, label string) *Bar {
	if IsTerminal(w) {
		return NewMode(w, label, Terminal)
	}
	return NewMode(w, label, Lines)
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update records that done of total objects are processed.
func (b *Bar) Update(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.active && total != b.total {
		// Another cycle without Finish in between: stop the old heartbeat
		// without waiting for it, as it may be waiting for b.mu.
		if stop, _ := b.reset(); stop != nil {
			close(stop)
		}
	}
	b.done, b.total = done, total
	switch b.mode {
	case Terminal:
		b.updateTerminal()
	case Lines:
		b.updateLines()
	}
}

func (b *Bar) updateTerminal() {
	now := time.Now()
	b.active = true
	if b.done < b.total && b.drawn && now.Sub(b.last) < b.every {
		return
	}
	b.last, b.drawn = now, true
	fmt.Fprint(b.w, "\r"+Render(b.label, b.done, b.total, b.width))
}

func (b *Bar) updateLines() {
	now := time.Now()
	long := b.total >= LineMinObjects
	step := percent(b.done, b.total) / LineStep
	if !b.active {
		b.active, b.start, b.last, b.step = true, now, now, step
		if b.done >= b.total {
			b.ended = true // nothing to do: nothing to show
			return
		}
		b.stop, b.stopped = make(chan struct{}), make(chan struct{})
		go b.heartbeat(b.stop, b.stopped)
		if long {
			b.line(now) // the start, with the cycle's size
		}
		return
	}
	switch {
	case b.ended:
	case b.done >= b.total && b.drawn:
		b.line(now) // the end of a cycle that printed anything
	case long && step > b.step:
		b.line(now)
	}
	b.step = max(b.step, step)
}

// line prints the current progress; b.mu is held.
func (b *Bar) line(now time.Time) {
	b.last, b.drawn = now, true
	if b.done >= b.total {
		b.ended = true
	}
	fmt.Fprintf(b.w, "%s: %d/%d (%d%%), %s\n", b.label, b.done, b.total, percent(b.done, b.total),
		now.Sub(b.start).Round(time.Second))
}

// heartbeat prints a line when LineEvery passes without one, so a log shows
// a stalled cycle is alive.
func (b *Bar) heartbeat(stop, stopped chan struct{}) {
	defer close(stopped)
	t := time.NewTimer(LineEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		b.mu.Lock()
		now := time.Now()
		wait := LineEvery - now.Sub(b.last)
		if wait <= 0 {
			if b.active && !b.ended {
				b.line(now)
			}
			wait = LineEvery
		}
		b.mu.Unlock()
		t.Reset(wait)
	}
}

// Finish ends the cycle: the terminal bar's line is ended, the line mode's
// heartbeat stopped. Nothing is written after Finish returns.
func (b *Bar) Finish() {
	b.mu.Lock()
	if b.mode == Terminal && b.drawn {
		fmt.Fprintln(b.w)
	}
	stop, stopped := b.reset()
	b.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
}

// reset forgets the current cycle and returns its heartbeat's channels
// (nil without one); b.mu is held.
func (b *Bar) reset() (stop, stopped chan struct{}) {
	stop, stopped = b.stop, b.stopped
	b.active, b.drawn, b.ended, b.step = false, false, false, 0
	b.stop, b.stopped = nil, nil
	return stop, stopped
}

func percent(done, total int) int {
	if total <= 0 {
		return 100
	}
	return min(100, max(0, done*100/total))
}

// Render draws a bar: "label [#####.....]  50% 5/10".
func Render(label string, done, total, width int) string {
	pct := percent(done, total)
	fill := pct * width / 100
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, done, total)
}
