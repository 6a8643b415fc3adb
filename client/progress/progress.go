// Package progress draws the cycle's progress bar on a terminal, like the
// portal's provisioning progress bar: objects processed of total. On
// anything but a terminal it stays quiet, so logs and pipes get only the
// summary.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar is a one-line progress bar. It is safe for concurrent use.
type Bar struct {
	mu     sync.Mutex
	w      io.Writer
	width  int
	last   time.Time
	every  time.Duration
	label  string
	drawn  bool
	now    func() time.Time
	done   int
	total  int
	enable bool
}

// New returns a bar writing to w. It draws only when enabled; use ForWriter
// to enable it exactly when w is a terminal.
func New(w io.Writer, label string, enabled bool) *Bar {
	return &Bar{w: w, width: 30, every: 100 * time.Millisecond, label: label, now: time.Now, enable: enabled}
}

// ForWriter returns a bar that draws only when w is a terminal.
func ForWriter(w io.Writer, label string) *Bar { return New(w, label, IsTerminal(w)) }

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update records progress and redraws at most every 100 ms (and always at
// completion).
func (b *Bar) Update(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done, b.total = done, total
	if !b.enable {
		return
	}
	now := b.now()
	if done < total && b.drawn && now.Sub(b.last) < b.every {
		return
	}
	b.last, b.drawn = now, true
	fmt.Fprint(b.w, "\r"+Render(b.label, done, total, b.width))
}

// Finish ends the bar's line if anything was drawn.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.enable && b.drawn {
		fmt.Fprintln(b.w)
	}
}

// Render draws a bar: "label [#####.....]  50% 5/10".
func Render(label string, done, total, width int) string {
	pct := 100
	if total > 0 {
		pct = min(100, max(0, done*100/total))
	}
	fill := pct * width / 100
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, done, total)
}
