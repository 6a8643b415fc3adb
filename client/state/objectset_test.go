package state

import (
	"context"
	"fmt"
	"testing"
	"unsafe"
)

// An ObjectSet finds each object by key, a user and a group of the same
// id apart, and nothing for other keys; a nil set is empty.
func TestObjectSetFind(t *testing.T) {
	var objs []*Object
	for i := 99; i >= 0; i-- { // out of order: the set sorts
		objs = append(objs, &Object{Kind: KindUser, SourceID: fmt.Sprintf("id%02d", i)})
		if i%10 == 0 {
			objs = append(objs, &Object{Kind: KindGroup, SourceID: fmt.Sprintf("id%02d", i)})
		}
	}
	set := NewObjectSet(objs)
	if set.Len() != 110 {
		t.Fatalf("Len = %d, want 110", set.Len())
	}
	for i := 1; i < set.Len(); i++ {
		if set.At(i-1).Key().Compare(set.At(i).Key()) >= 0 {
			t.Fatalf("positions %d and %d out of order: %v, %v", i-1, i, set.At(i-1).Key(), set.At(i).Key())
		}
	}
	for _, tc := range []struct {
		key  Key
		want bool
	}{
		{Key{KindUser, "id00"}, true},
		{Key{KindGroup, "id00"}, true},
		{Key{KindUser, "id99"}, true},
		{Key{KindGroup, "id99"}, false},
		{Key{KindUser, "id100"}, false},
		{Key{KindUser, ""}, false},
		{Key{KindGroup, "zz"}, false},
	} {
		i, ok := set.Find(tc.key)
		o := set.Get(tc.key)
		if ok != tc.want || (o != nil) != tc.want || (ok && (set.At(i) != o || o.Key() != tc.key)) {
			t.Errorf("Find(%v) = %d, %v; Get = %v; want found %v", tc.key, i, ok, o, tc.want)
		}
	}
	var empty *ObjectSet
	if _, ok := empty.Find(Key{KindUser, "id00"}); ok || empty.Len() != 0 || empty.Get(Key{KindUser, "id00"}) != nil {
		t.Fatal("a nil set is not empty")
	}
}

// Store.ObjectSet reads the objects Objects reads, sorted, with managers
// sharing their object's source id.
func TestStoreObjectSet(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	c := initialCommit(j, 500)
	c.Records = nil
	c.Upsert = append(c.Upsert, &Object{Kind: KindGroup, SourceID: "u00007", DisplayName: "group with a user's id"})
	if err := s.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	set, err := s.ObjectSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byKey, err := s.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 501 || len(byKey) != 501 {
		t.Fatalf("set of %d, map of %d objects, want 501", set.Len(), len(byKey))
	}
	ceo := set.Get(Key{KindUser, "u00000"})
	for i := range set.Len() {
		o := set.At(i)
		if i > 0 && set.At(i-1).Key().Compare(o.Key()) >= 0 {
			t.Fatalf("position %d out of order", i)
		}
		if m := byKey[o.Key()]; m == nil || m.DisplayName != o.DisplayName || m.Watermark != o.Watermark {
			t.Fatalf("%v: set has %+v, map %+v", o.Key(), o, m)
		}
		if o.Manager != "" && (o.Manager != ceo.SourceID || unsafe.StringData(o.Manager) != unsafe.StringData(ceo.SourceID)) {
			t.Fatalf("%v: manager %q does not share its object's id", o.Key(), o.Manager)
		}
	}
}
