package state

import (
	"context"
	"reflect"
	"testing"
)

// A commit writes the source mark it carries and clears it when it carries
// none; restart clears it.
func TestSourceMarkFollowsCommits(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	read := func() *SourceMark {
		t.Helper()
		m, err := s.SourceMark(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := read(); m != nil {
		t.Fatalf("new state has a mark: %+v", m)
	}
	j, _ := s.Job(ctx)
	want := &SourceMark{Digest: "abc", CycleID: "c1", Cycles: 1, Objects: 7}
	if err := s.Commit(ctx, Commit{Job: j, Source: want}); err != nil {
		t.Fatal(err)
	}
	if m := read(); !reflect.DeepEqual(m, want) {
		t.Fatalf("mark %+v, want %+v", m, want)
	}
	if err := s.Commit(ctx, Commit{Job: j}); err != nil {
		t.Fatal(err)
	}
	if m := read(); m != nil {
		t.Fatalf("a commit without a mark kept %+v", m)
	}
	if err := s.Commit(ctx, Commit{Job: j, Source: want}); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(ctx, false); err != nil {
		t.Fatal(err)
	}
	if m := read(); m != nil {
		t.Fatalf("restart kept %+v", m)
	}
}
