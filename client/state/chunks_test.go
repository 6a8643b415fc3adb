package state

import (
	"context"
	"testing"
)

// KeepSourceChunks leaves exactly the chunks it is given: new bodies
// written, kept ones untouched, the others dropped.
func TestKeepSourceChunks(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	get := func(d string) string {
		t.Helper()
		b, err := s.SourceChunk(ctx, []byte(d))
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return "<none>"
		}
		return string(b)
	}
	if got := get("a"); got != "<none>" {
		t.Fatalf("new state holds chunk a: %q", got)
	}
	steps := []struct {
		keep map[string][]byte
		want map[string]string
	}{
		{map[string][]byte{"a": []byte("A1"), "b": []byte("B1")}, map[string]string{"a": "A1", "b": "B1", "c": "<none>"}},
		{map[string][]byte{"a": nil, "c": []byte("C1")}, map[string]string{"a": "A1", "b": "<none>", "c": "C1"}},
		{map[string][]byte{"c": []byte("C2")}, map[string]string{"a": "<none>", "b": "<none>", "c": "C2"}},
		{map[string][]byte{}, map[string]string{"a": "<none>", "b": "<none>", "c": "<none>"}},
	}
	for i, st := range steps {
		if err := s.KeepSourceChunks(ctx, st.keep); err != nil {
			t.Fatal(err)
		}
		for d, want := range st.want {
			if got := get(d); got != want {
				t.Errorf("step %d: chunk %s = %q, want %q", i, d, got, want)
			}
		}
	}
}
