package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

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
		if got := Render("c", tc.done, tc.total, 10); got != tc.want {
			t.Errorf("Render(%d,%d) = %q, want %q", tc.done, tc.total, got, tc.want)
		}
	}
}

func TestBarQuietWhenDisabled(t *testing.T) {
	var buf bytes.Buffer
	b := ForWriter(&buf, "cycle") // a buffer is not a terminal
	b.Update(1, 2)
	b.Update(2, 2)
	b.Finish()
	if buf.Len() != 0 {
		t.Fatalf("wrote %q", buf.String())
	}
}

func TestBarThrottlesAndCompletes(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "cycle", true)
	now := time.Unix(0, 0)
	b.now = func() time.Time { return now }
	b.Update(1, 100)
	b.Update(2, 100) // within 100 ms: not drawn
	now = now.Add(time.Second)
	b.Update(3, 100)
	b.Update(100, 100) // completion is always drawn
	b.Finish()
	out := buf.String()
	if n := strings.Count(out, "\r"); n != 3 {
		t.Fatalf("%d draws in %q, want 3", n, out)
	}
	if !strings.HasSuffix(out, "100/100\n") {
		t.Fatalf("output %q", out)
	}
}
