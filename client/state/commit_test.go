package state

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestCommitWritesEveryRowInOrder commits a few hundred rows and checks
// every row's JSON columns and the log order.
func TestCommitWritesEveryRowInOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	const n = 327
	c := initialCommit(j, n)
	c.Upsert[3].Members = []string{"m1", "m2"}
	if err := s.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	objs, err := s.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range c.Upsert {
		got := objs[Key{KindUser, want.SourceID}]
		if got == nil {
			t.Fatalf("object %d (%s) not written", i, want.SourceID)
		}
		if err := got.Decode(ctx); err != nil {
			t.Fatal(err)
		}
		if got.Exported["userName"] != want.Exported["userName"] || len(got.Members) != len(want.Members) {
			t.Fatalf("object %d: got %+v, want %+v", i, got, want)
		}
	}
	recs, err := s.Records(ctx, LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.ID != c.Records[i].ID || len(r.ProvisioningSteps) != 6 {
			t.Fatalf("record %d: id %s, want %s", i, r.ID, c.Records[i].ID)
		}
	}
}

// TestCommitUnencodableRowWritesNothing: a value JSON cannot encode,
// found mid-way, fails the commit with the object named, and
// nothing of the commit is in the file (no half-applied write).
func TestCommitUnencodableRowWritesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	c := initialCommit(j, 192)
	bad := c.Upsert[133]
	bad.Exported["broken"] = math.NaN()
	err := s.Commit(ctx, c)
	if err == nil || !strings.Contains(err.Error(), bad.SourceID) {
		t.Fatalf("err = %v, want one naming %s", err, bad.SourceID)
	}
	var ute *json.UnsupportedValueError
	if !errors.As(err, &ute) {
		t.Fatalf("err = %v, want the JSON error wrapped", err)
	}
	objs, _ := s.Objects(ctx)
	recs, _ := s.Records(ctx, LogFilter{})
	if len(objs) != 0 || len(recs) != 0 {
		t.Fatalf("failed commit left %d objects and %d records", len(objs), len(recs))
	}
}
