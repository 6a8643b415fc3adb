package provlog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// spillOps are the builder's methods, each as one call; the table below
// strings them together with spills in between.
var spillOps = map[string]func(b *Builder){
	"action":  func(b *Builder) { b.Action(ActionUpdate) },
	"action2": func(b *Builder) { b.Action(ActionDisable) },
	"target":  func(b *Builder) { b.Target(Identity{ID: "t1", DisplayName: "Alice", IdentityType: IdentityUser}) },
	"target2": func(b *Builder) {
		b.Target(Identity{ID: "t2", IdentityType: IdentityUser, Details: map[string]string{"k": "v"}})
	},
	"step": func(b *Builder) { b.Step(StepImport, NameImportAdd, StatusSuccess, "Retrieved the user.", nil) },
	"stepDet": func(b *Builder) {
		b.Step(StepExport, NameExportAdd, StatusFailure, "Failed", map[string]string{"b": "2", "a": "1"})
	},
	"modified": func(b *Builder) { b.Modified("userName", nil, Str("a@contoso.com")) },
	"modOld":   func(b *Builder) { b.Modified("manager", Str("m1"), nil) },
	"modEmpty": func(b *Builder) { b.Modified("title", Str(""), Str("")) },
	"fail": func(b *Builder) {
		b.Fail(ErrorInfo{ErrorCode: "SystemForCrossDomainIdentityManagementBadResponse", Reason: "409"})
	},
	"warn": func(b *Builder) {
		b.Warn(ErrorInfo{ErrorCode: "ReferenceCheck", Reason: "r", RecommendedAction: "fix"})
	},
	"skip":    func(b *Builder) { b.Skip() },
	"elapsed": func(b *Builder) { b.Elapsed(1234567 * time.Microsecond) },
	"grow":    func(b *Builder) { b.Grow(3, 9) },
}

// TestSpillGivesTheSameRecord: a record spilled at any points of its
// making, then brought back with Unspill, marshals to the same JSON as
// the record of a builder never spilled given the same calls.
func TestSpillGivesTheSameRecord(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  string // calls separated by spaces; "|" spills
	}{
		{"spilled at once", "| step modified target elapsed"},
		{"export then references", "step step modified modified target elapsed | step modOld action elapsed"},
		{"spilled twice", "step target | step modified | modOld action2 skip"},
		{"spilled thrice, nothing between", "step | | fail |"},
		{"set fields replaced in later deltas", "target action fail | target2 action2 | skip | warn"},
		{"a delta's field set twice", "step | fail warn target target2 action action2"},
		{"nothing after the spill", "step stepDet modified modEmpty fail target elapsed |"},
		{"status set before, kept after", "fail | step modified elapsed"},
		{"grow around spills", "grow step | grow step modified | grow"},
		{"not spilled", "step modified warn"},
		{"empty record", "|"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf, err := NewSpillFile(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer sf.Close()
			want, spilled := spillPair(t, sf, tc.ops)
			if err := spilled.Unspill(); err != nil {
				t.Fatal(err)
			}
			if spilled.Spilled() {
				t.Fatal("Unspill left the record spilled")
			}
			if got := marshal(t, spilled.Finish()); got != marshal(t, want.Finish()) {
				t.Fatalf("spilled record differs:\n got %s\nwant %s", got, marshal(t, want.Finish()))
			}
		})
	}
}

// spillPair runs ops on two builders of the same job, spilling the
// second at each "|".
func spillPair(t *testing.T, sf *SpillFile, ops string) (plain, spilled *Builder) {
	t.Helper()
	plain, spilled = spillJob().Begin("cycle", ActionCreate, Identity{ID: "s1", DisplayName: "Alice", IdentityType: IdentityUser}),
		spillJob().Begin("cycle", ActionCreate, Identity{ID: "s1", DisplayName: "Alice", IdentityType: IdentityUser})
	for _, op := range strings.Fields(ops) {
		if op == "|" {
			var err error
			if spilled, err = spilled.Spill(sf); err != nil {
				t.Fatal(err)
			}
			if !spilled.Spilled() || spilled.r != nil {
				t.Fatalf("after Spill the builder still holds %+v", spilled.r)
			}
			continue
		}
		f, ok := spillOps[op]
		if !ok {
			t.Fatalf("unknown op %q", op)
		}
		f(plain)
		f(spilled)
	}
	return plain, spilled
}

// spillJob is a job with deterministic ids, a non-UTC-named clock and
// systems with details, so that every field of a record has a value.
func spillJob() *Job {
	n := 0
	return &Job{JobID: "job", TenantID: "tenant",
		ServicePrincipal: ServicePrincipal{ID: "sp", DisplayName: "Gtmhub"},
		SourceSystem:     System{ID: "src", DisplayName: "Azure Active Directory"},
		TargetSystem:     System{ID: "tgt", DisplayName: "Gtmhub", Details: map[string]string{"ApplicationId": "a", "ServicePrincipalId": "b"}},
		InitiatedBy:      ProvisioningServiceInitiator(),
		NewID:            func() string { n++; return fmt.Sprintf("id-%d", n) },
		Now:              func() time.Time { return time.Date(2026, 3, 1, 12, 30, 15, 123456789, time.FixedZone("CET", 3600)) },
	}
}

func marshal(t *testing.T, r Record) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSpillFileRemovedAndChecked: Close removes the file; a spill file
// whose bytes were damaged makes Unspill fail rather than give a wrong
// record; Build of a spilled record panics instead of losing what was
// spilled.
func TestSpillFileRemovedAndChecked(t *testing.T) {
	dir := t.TempDir()
	sf, err := NewSpillFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, b := spillPair(t, sf, "step modified | step")
	if sf.Size() == 0 {
		t.Fatal("nothing was written to the spill file")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Build of a spilled record did not panic")
			}
		}()
		b.Build()
	}()
	if _, err := sf.get(segment{}); err != nil { // flushes the buffer
		t.Fatal(err)
	}
	if err := os.Truncate(sf.Path(), 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Unspill(); err == nil {
		t.Error("Unspill of a truncated spill file: no error")
	}
	if err := sf.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("Close left %v", left)
	}
}

// A builder once spilled keeps nothing of its record: spilled builders are
// allocated in blocks, and a block in use for one of them would otherwise
// keep the records and deltas of all the others alive. A spilled builder
// spilled again takes its new segment in place (issue 16).
func TestSpilledBuilderLetsGoOfItsRecord(t *testing.T) {
	sf, err := NewSpillFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	job := &Job{JobID: "j"}
	first := job.Begin("c", ActionCreate, Identity{ID: "u1"})
	spillOps["step"](first)
	b, err := first.Spill(sf)
	if err != nil {
		t.Fatal(err)
	}
	if b == first || *first != (Builder{}) {
		t.Fatalf("the builder spilled from still holds %+v", *first)
	}
	parked := b
	for i, op := range []func(*Builder){spillOps["step"], spillOps["modOld"]} {
		op(b)
		if b, err = b.Spill(sf); err != nil {
			t.Fatal(err)
		}
		if b != parked || b.r != nil || !b.Spilled() {
			t.Fatalf("spill %d: got builder %p holding %+v, want %p in place with no record", i, b, *b, parked)
		}
	}
	if err := b.Unspill(); err != nil {
		t.Fatal(err)
	}
	if rec := b.Finish(); len(rec.ProvisioningSteps) != 2 || len(rec.ModifiedProperties) != 1 {
		t.Fatalf("record after spills: %d steps, %d modified, want 2 and 1", len(rec.ProvisioningSteps), len(rec.ModifiedProperties))
	}
}
