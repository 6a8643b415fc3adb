package state

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// Objects reads every object back as written across its blocks of
// objects and text (over 512 objects, over 32 KB of text, a value longer
// than a block's sixteenth), and a manager shares its object's id string
// (issue 16).
func TestObjectsReadInBlocks(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	const n = 1500
	var want []*Object
	for i := range n {
		o := &Object{Kind: KindUser, SourceID: fmt.Sprintf("u%04d", i), DisplayName: fmt.Sprintf("User %d", i),
			TargetID: fmt.Sprintf("t-%d", i), MatchedBy: "created", Status: StatusActive, Watermark: fmt.Sprintf("w%d|in", i)}
		switch {
		case i%3 == 0:
			o.Status, o.DisableReason, o.MatchedBy = StatusDisabled, "blocked", "userName"
		case i == 7:
			o.DisplayName = strings.Repeat("long name ", 300)
		}
		if i > 0 {
			o.Manager = fmt.Sprintf("u%04d", i/2)
		}
		want = append(want, o)
	}
	want = append(want, &Object{Kind: KindGroup, SourceID: "g1", DisplayName: "Sales", TargetID: "tg"})
	if err := s.Commit(ctx, Commit{Upsert: slices.Clone(want), Job: j}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d objects, want %d", len(got), len(want))
	}
	for _, w := range want {
		o := got[w.Key()]
		if o == nil {
			t.Fatalf("%v missing", w.Key())
		}
		if o.Kind != w.Kind || o.SourceID != w.SourceID || o.DisplayName != w.DisplayName || o.TargetID != w.TargetID ||
			o.MatchedBy != w.MatchedBy || o.Status != w.Status || o.DisableReason != w.DisableReason ||
			o.Watermark != w.Watermark || o.Manager != w.Manager {
			t.Fatalf("%v read as %+v, want %+v", w.Key(), *o, *w)
		}
		if m := got[Key{KindUser, o.Manager}]; m != nil && unsafe.StringData(m.SourceID) != unsafe.StringData(o.Manager) {
			t.Fatalf("%v: manager %s not shared with its object", w.Key(), o.Manager)
		}
	}
}
