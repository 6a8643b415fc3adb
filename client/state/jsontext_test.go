package state

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonText gives json.Marshal's text and does not keep the buffer of a
// huge value for the rest of a commit (issue 16).
func TestJSONTextDropsAHugeBuffer(t *testing.T) {
	jt := newJSONText()
	members := make([]string, 100_000)
	for i := range members {
		members[i] = "00000000-0000-0000-0000-000000000000"
	}
	for _, v := range []any{map[string]any{"a": "<b>", "n": 1}, members, []string{"x"}} {
		got, err := jt.text(v)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		if got != string(want) {
			t.Fatalf("text %.40q…, want %.40q…", got, want)
		}
		if c := jt.buf.Cap(); c > jsonTextKept {
			t.Fatalf("a buffer of %d bytes kept after %d bytes of text", c, len(got))
		}
	}
	if _, err := jt.text(map[string]any{"f": func() {}}); err == nil || !strings.Contains(err.Error(), "func") {
		t.Errorf("an unencodable value: %v", err)
	}
}
