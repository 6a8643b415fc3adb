package state

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// initialCommit is what an initial cycle of n users writes: one linked
// object and one create record (six steps, eight modified properties)
// per user, as the engine builds them.
func initialCommit(j Job, n int) Commit {
	c := Commit{Job: j, Cycle: &Cycle{ID: "c1", Kind: "initial", Counts: Counts{Created: n}}}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("u%05d", i)
		c.Upsert = append(c.Upsert, &Object{Kind: KindUser, SourceID: id, DisplayName: "Given Sur " + id,
			TargetID: fmt.Sprintf("%032x", i), MatchedBy: "created", Status: StatusActive, Watermark: "w" + id,
			Exported: map[string]any{"userName": id + "@contoso.com", "active": "True", "displayName": "Given Sur",
				"title": "Engineer", "emails[type eq \"work\"].value": id + "@contoso.com",
				"name.givenName": "Given", "name.familyName": "Sur", "externalId": id},
			Manager: "u00000"})
		rec := provlog.Record{ID: "r" + id, CycleID: "c1", ChangeID: "ch" + id, ProvisioningAction: provlog.ActionCreate,
			ProvisioningStatusInfo: provlog.StatusInfo{Status: provlog.StatusSuccess},
			SourceIdentity:         provlog.Identity{ID: id, DisplayName: "Given Sur", IdentityType: provlog.IdentityUser, Details: map[string]string{}},
			TargetIdentity:         provlog.Identity{ID: fmt.Sprintf("%032x", i), IdentityType: provlog.IdentityTargetUser, Details: map[string]string{}}}
		for s := 0; s < 6; s++ {
			rec.ProvisioningSteps = append(rec.ProvisioningSteps, provlog.Step{Name: provlog.NameMatching,
				Description: "Matched the user by userName with the value " + id + "@contoso.com",
				Details:     map[string]string{"MatchingAttribute": "userName", "SourceValue": id, "Step": fmt.Sprint(s)},
				Status:      provlog.StatusSuccess})
		}
		for p := 0; p < 8; p++ {
			rec.ModifiedProperties = append(rec.ModifiedProperties, provlog.ModifiedProperty{
				DisplayName: fmt.Sprintf("attribute%d", p), NewValue: provlog.Str("value " + id)})
		}
		c.Records = append(c.Records, rec)
	}
	return c
}

// BenchmarkCommitInitial measures the commit at the end of an initial
// cycle of 10k users: 10k objects and 10k log records in one transaction.
func BenchmarkCommitInitial(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "s.db"))
		if err != nil {
			b.Fatal(err)
		}
		j, _ := s.Job(ctx)
		c := initialCommit(j, 10000)
		b.StartTimer()
		if err := s.Commit(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
	}
}

// BenchmarkObjects measures reading the objects of a state after an
// initial cycle of 100k users, as every incremental cycle that reads the
// directory does; heap-B/object is what the objects and their map hold
// once read (issue 16).
func BenchmarkObjects(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	j, _ := s.Job(ctx)
	const n = 100_000
	c := initialCommit(j, n)
	c.Records = nil
	if err := s.Commit(ctx, c); err != nil {
		b.Fatal(err)
	}
	c = Commit{}
	b.ReportAllocs()
	b.ResetTimer()
	var heap uint64
	for i := 0; i < b.N; i++ {
		before := liveHeap()
		objs, err := s.Objects(ctx)
		if err != nil || len(objs) != n {
			b.Fatalf("%d objects, %v", len(objs), err)
		}
		heap = liveHeap() - before
		runtime.KeepAlive(objs)
	}
	b.ReportMetric(float64(heap)/n, "heap-B/object")
}

// liveHeap is the live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
