package state

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

func TestNewStateIsNotRunAndNeedsInitial(t *testing.T) {
	s, _ := open(t)
	j, err := s.Job(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if j.Code() != CodeNotRun || !j.NeedsInitial || j.Interval != DefaultInterval || !j.Clock.Equal(Epoch) {
		t.Fatalf("job %+v", j)
	}
	if _, _, _, err := provlog.ParseJobID(j.JobID); err != nil {
		t.Fatalf("job id %q: %v (LOG-09)", j.JobID, err)
	}
}

func TestCommitRoundTripAndReopen(t *testing.T) {
	ctx := context.Background()
	s, p := open(t)
	j, _ := s.Job(ctx)
	j.Status.Status.Code, j.NeedsInitial, j.Cycles = quarantine.CodeActive, false, 1
	u := &Object{Kind: KindUser, SourceID: "u1", DisplayName: "Ann", TargetID: "t1", MatchedBy: "userName",
		Status: StatusActive, Watermark: "w1", Exported: map[string]any{"userName": "a@x", "active": "True"}, Manager: "u2"}
	g := &Object{Kind: KindGroup, SourceID: "g1", TargetID: "tg", Members: []string{"u1"}, Exported: map[string]any{}}
	gone := &Object{Kind: KindUser, SourceID: "old", TargetID: "t0"}
	rec := provlog.Record{ID: "r1", CycleID: "c1", ChangeID: "ch1", ProvisioningAction: provlog.ActionCreate,
		SourceIdentity: provlog.Identity{ID: "u1"}, ProvisioningStatusInfo: provlog.StatusInfo{Status: provlog.StatusSuccess}}
	if err := s.Commit(ctx, Commit{Upsert: []*Object{u, g, gone}, Records: []provlog.Record{rec},
		Cycle: &Cycle{ID: "c1", Kind: "initial", Counts: Counts{Created: 1}}, Job: j}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, Commit{Forget: []Key{{KindUser, "old"}}, Job: j}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	objs, err := s2.Objects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := o.Decode(ctx); err != nil {
			t.Fatal(err)
		}
		o.store = nil // compare values only
	}
	if len(objs) != 2 || !reflect.DeepEqual(objs[Key{KindUser, "u1"}], u) || !reflect.DeepEqual(objs[Key{KindGroup, "g1"}].Members, []string{"u1"}) {
		t.Fatalf("objects %+v", objs)
	}
	j2, _ := s2.Job(ctx)
	if j2.JobID != j.JobID || j2.Code() != CodeActive || j2.NeedsInitial {
		t.Fatalf("job %+v", j2)
	}
	recs, _ := s2.Records(ctx, LogFilter{})
	if len(recs) != 1 || recs[0].ID != "r1" {
		t.Fatalf("records %+v", recs)
	}
	if recs, _ := s2.Records(ctx, LogFilter{CycleID: "other"}); len(recs) != 0 {
		t.Fatalf("filter: %+v", recs)
	}
	cs, _ := s2.Cycles(ctx)
	if len(cs) != 1 || cs[0].Counts.Created != 1 {
		t.Fatalf("cycles %+v", cs)
	}
}

// TestRestart_ENTRA_CYCLE_05: watermarks, escrows and quarantine cleared;
// links kept, or dropped with resetScope Full.
func TestRestart_ENTRA_CYCLE_05(t *testing.T) {
	ctx := context.Background()
	for _, full := range []bool{false, true} {
		s, _ := open(t)
		j, _ := s.Job(ctx)
		j.NeedsInitial = false
		if _, err := j.Status.Impose(j.Clock, quarantine.ReasonTooManyDeletes, "too many"); err != nil {
			t.Fatal(err)
		}
		u := &Object{Kind: KindUser, SourceID: "u1", TargetID: "t1", Watermark: "w"}
		if err := s.Commit(ctx, Commit{Upsert: []*Object{u}, Job: j}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutEscrow(ctx, Escrow{Key: u.Key(), ErrorCode: "InternalServerError", FirstFailure: time.Now(), Attempts: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.Restart(ctx, full); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Job(ctx)
		objs, _ := s.Objects(ctx)
		esc, _ := s.Escrows(ctx)
		if j.Code() != CodeActive || j.Quarantine() != nil || !j.NeedsInitial || len(esc) != 0 {
			t.Fatalf("full=%v job %+v escrows %d", full, j, len(esc))
		}
		o := objs[Key{KindUser, "u1"}]
		switch {
		case full && o != nil:
			t.Fatalf("resetScope Full kept the link: %+v", o)
		case !full && (o == nil || o.TargetID != "t1" || o.Watermark != ""):
			t.Fatalf("restart: %+v", o)
		}
	}
}

func TestEscrows(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := Escrow{Key: Key{KindUser, "u1"}, ErrorCode: "Timeout", Reference: true, FirstFailure: first, Attempts: 2, NextAttempt: first.Add(6 * time.Hour)}
	if err := s.PutEscrow(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Escrows(ctx)
	if len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Fatalf("escrows %+v", got)
	}
	if err := s.DeleteEscrow(ctx, e.Key); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Escrows(ctx); len(got) != 0 {
		t.Fatalf("escrows %+v", got)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	_ = os.WriteFile(junk, []byte("this is a text file, not a database"), 0o644)
	if _, err := Open(ctx, junk); !errors.Is(err, ErrNotStateFile) {
		t.Fatalf("junk: %v", err)
	}
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("dir: %v", err)
	}
	if _, err := Open(ctx, " "); err == nil {
		t.Fatal("empty path accepted")
	}
	if _, err := Open(ctx, filepath.Join(dir, "missing", "s.db")); err == nil {
		t.Fatal("missing parent accepted")
	}
	// A state file of another schema version is refused, not misread.
	p := filepath.Join(dir, "v.db")
	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, _ := sql.Open("sqlite", p)
	if _, err := db.Exec(`UPDATE meta SET value='99' WHERE key='schema'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, p); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("version: %v", err)
	}
}

// TestUndecodedObjectKeepsValues: committing an object whose values were
// never read changes its columns but keeps exported values and members.
func TestUndecodedObjectKeepsValues(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	g := &Object{Kind: KindGroup, SourceID: "g", TargetID: "t", Watermark: "w1",
		Exported: map[string]any{"displayName": "G"}, Members: []string{"a", "b"}}
	if err := s.Commit(ctx, Commit{Upsert: []*Object{g}, Job: j}); err != nil {
		t.Fatal(err)
	}
	objs, _ := s.Objects(ctx)
	o := objs[g.Key()]
	if o.Exported != nil || o.Members != nil {
		t.Fatalf("values read before Decode: %+v", o)
	}
	o.Watermark = "w2"
	if err := s.Commit(ctx, Commit{Upsert: []*Object{o}, Job: j}); err != nil {
		t.Fatal(err)
	}
	objs, _ = s.Objects(ctx)
	o = objs[g.Key()]
	if err := o.Decode(ctx); err != nil {
		t.Fatal(err)
	}
	if o.Watermark != "w2" || o.Exported["displayName"] != "G" || !reflect.DeepEqual(o.Members, []string{"a", "b"}) {
		t.Fatalf("after commit: %+v", o)
	}
}

// A sealed object (values held as JSON text, issue 16) commits the same
// row as an unsealed one, Decode gives its map back, and values that
// cannot be encoded stay a map for Commit to report.
func TestSealedObject(t *testing.T) {
	ctx := context.Background()
	values := func() map[string]any {
		return map[string]any{"userName": "a@contoso.com", "active": true, "emails[type eq \"work\"].value": "a<b>@contoso.com"}
	}
	spill := func(t *testing.T) *provlog.SpillFile {
		f, err := provlog.NewSpillFile(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Close() })
		return f
	}
	for _, tc := range []struct {
		name string
		seal func(t *testing.T, o *Object)
	}{
		{"in memory", func(_ *testing.T, o *Object) { o.Seal() }},
		{"in a spill file", func(t *testing.T, o *Object) { o.SealTo(spill(t)) }},
		{"nil spill file", func(_ *testing.T, o *Object) { o.SealTo(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := open(t)
			j, _ := s.Job(ctx)
			plain := &Object{Kind: KindUser, SourceID: "plain", TargetID: "t1", Exported: values()}
			sealed := &Object{Kind: KindUser, SourceID: "sealed", TargetID: "t2", Exported: values()}
			tc.seal(t, sealed)
			if sealed.Exported != nil {
				t.Fatalf("sealed object still holds its map: %+v", sealed.Exported)
			}
			if inFile := sealed.cold != nil; inFile != (sealed.exportedText == "") {
				t.Fatalf("text both or neither in memory (%d bytes) and in a file (%v)", len(sealed.exportedText), inFile)
			}
			if want := tc.name == "in a spill file"; (sealed.cold != nil) != want {
				t.Fatalf("text kept in a spill file: %v, want %v", sealed.cold != nil, want)
			}
			if err := s.Commit(ctx, Commit{Upsert: []*Object{plain, sealed}, Job: j}); err != nil {
				t.Fatal(err)
			}
			var a, b string
			if err := s.db.QueryRowContext(ctx, `SELECT exported FROM objects WHERE source_id='plain'`).Scan(&a); err != nil {
				t.Fatal(err)
			}
			if err := s.db.QueryRowContext(ctx, `SELECT exported FROM objects WHERE source_id='sealed'`).Scan(&b); err != nil {
				t.Fatal(err)
			}
			if a != b {
				t.Fatalf("stored values differ: plain %s, sealed %s", a, b)
			}
			if err := sealed.Decode(ctx); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sealed.Exported, values()) {
				t.Fatalf("after Decode: %+v", sealed.Exported)
			}
			bad := &Object{Kind: KindUser, SourceID: "bad", Exported: map[string]any{"x": math.Inf(1)}}
			tc.seal(t, bad)
			if bad.Exported == nil {
				t.Fatal("a value JSON cannot encode was sealed")
			}
			if err := s.Commit(ctx, Commit{Upsert: []*Object{bad}, Job: j}); err == nil || !strings.Contains(err.Error(), "commit object user bad") {
				t.Fatalf("commit of an unencodable value: %v", err)
			}
		})
	}
}

// A spill file lost before the commit fails the commit, which writes
// nothing, rather than storing empty values.
func TestSealedObjectSpillFileLost(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	j, _ := s.Job(ctx)
	f, err := provlog.NewSpillFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := &Object{Kind: KindUser, SourceID: "lost", TargetID: "t1", Exported: map[string]any{"userName": "a@contoso.com"}}
	o.SealTo(f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.Commit(ctx, Commit{Upsert: []*Object{o}, Job: j})
	if err == nil || !strings.Contains(err.Error(), "object user lost: exported values") {
		t.Fatalf("commit with the spill file gone: %v", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM objects`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("objects written by a failed commit: %d (%v)", n, err)
	}
	if err := o.Decode(ctx); err == nil {
		t.Fatal("Decode with the spill file gone: no error")
	}
}
