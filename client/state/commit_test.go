package state

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/quantive/entra-scim-harness/client/provlog"
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
	upserts := slices.Clone(c.Upsert) // Commit drops its own
	if err := s.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	objs, err := s.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range upserts {
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

// TestCommitRecordStream: records from RecordStream are written after
// Records, in order, with the same bodies as from the slice; a stream that
// fails part-way leaves nothing of the commit in the file.
func TestCommitRecordStream(t *testing.T) {
	ctx := context.Background()
	streamed := func(c Commit, split int, fail error) Commit {
		rest := c.Records[split:]
		c.Records = c.Records[:split]
		c.RecordStream = func(put func(*provlog.Record) error) error {
			for i := range rest {
				if fail != nil && i == len(rest)/2 {
					return fail
				}
				if err := put(&rest[i]); err != nil {
					return err
				}
			}
			return nil
		}
		return c
	}
	bodies := func(s *Store) []string {
		rows, err := s.db.QueryContext(ctx, `SELECT body FROM logs ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	ref, _ := open(t)
	j, _ := ref.Job(ctx)
	if err := ref.Commit(ctx, initialCommit(j, 40)); err != nil {
		t.Fatal(err)
	}
	want := bodies(ref)
	for _, tc := range []struct {
		name  string
		split int
		fail  error
	}{
		{"all streamed", 0, nil},
		{"slice then stream", 13, nil},
		{"stream fails", 5, errors.New("spill file unreadable")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := open(t)
			j, _ := s.Job(ctx)
			err := s.Commit(ctx, streamed(initialCommit(j, 40), tc.split, tc.fail))
			got := bodies(s)
			if tc.fail != nil {
				objs, _ := s.Objects(ctx)
				if !errors.Is(err, tc.fail) || len(got) != 0 || len(objs) != 0 {
					t.Fatalf("err %v, %d records and %d objects written; want the stream's error and nothing", err, len(got), len(objs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("streamed records differ from the slice's:\n%d records\n%d wanted", len(got), len(want))
			}
		})
	}
}

// Commit drops each object of Upsert once written, so that objects the
// caller holds nowhere else are collected before the records are
// written (issue 16), and all of them are still written.
func TestCommitDropsWrittenObjectsBeforeRecords_Issue16(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	const n = 300
	c := initialCommit(j, n)
	records := c.Records
	c.Records = nil
	weaks := make([]weak.Pointer[Object], n)
	for i, o := range c.Upsert {
		weaks[i] = weak.Make(o)
	}
	upsert := c.Upsert
	live, dropped := -1, 0
	c.RecordStream = func(put func(*provlog.Record) error) error {
		for range 3 { // weak pointers clear in the collection that frees their object
			runtime.GC()
		}
		live = 0
		for _, w := range weaks {
			if w.Value() != nil {
				live++
			}
		}
		for _, o := range upsert {
			if o == nil {
				dropped++
			}
		}
		for i := range records {
			if err := put(&records[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	if dropped != n || live != 0 {
		t.Fatalf("as the records were written: %d of %d Upsert entries dropped, %d objects still live; want all dropped, none live",
			dropped, n, live)
	}
	objs, err := s.Objects(ctx)
	if err != nil || len(objs) != n {
		t.Fatalf("%d objects written (%v), want %d", len(objs), err, n)
	}
}
