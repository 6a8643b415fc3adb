package provlog

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Finish gives the record Build gives, without copying its slices, and
// leaves the builder empty.
func TestFinishEqualsBuild(t *testing.T) {
	j := &Job{JobID: "job", TenantID: "tenant", NewID: func() string { return "id" },
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	b := j.Begin("cycle", ActionCreate, Identity{ID: "s", IdentityType: IdentityUser})
	b.Step(StepImport, NameImportAdd, StatusSuccess, "Retrieved the user from Entra ID.", nil)
	b.Modified("userName", nil, Str("a@contoso.com"))
	b.Elapsed(1500 * time.Millisecond)
	built := b.Build()
	finished := b.Finish()
	if !reflect.DeepEqual(built, finished) {
		t.Fatalf("Finish %+v\nBuild %+v", finished, built)
	}
	if finished.DurationInMilliseconds != 1500 || len(finished.ProvisioningSteps) != 1 || len(finished.ModifiedProperties) != 1 {
		t.Fatalf("finished record %+v", finished)
	}
	if again := b.built(); again.ID != "" || len(again.ProvisioningSteps) != 0 {
		t.Fatalf("the builder still holds the record after Finish: %+v", again)
	}
}

// Records share the job's systems and one empty details map instead of a
// map apiece (issue 16), and still write "details": {}: beginning a
// record and adding a step without details allocates only the builder
// and the step slice.
func TestRecordsShareDetails(t *testing.T) {
	j := &Job{JobID: "job", TenantID: "tenant", NewID: func() string { return "id" },
		SourceSystem: System{ID: "s", DisplayName: "Azure Active Directory"},
		TargetSystem: System{ID: "t", DisplayName: "Gtmhub", Details: map[string]string{"ApplicationId": "a"}},
		Now:          func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	allocs := testing.AllocsPerRun(100, func() {
		j.Begin("cycle", ActionCreate, Identity{ID: "s", IdentityType: IdentityUser}).
			Step(StepImport, NameImportAdd, StatusSuccess, "Retrieved the user from Entra ID.", nil)
	})
	if allocs > 2 {
		t.Errorf("Begin + Step: %.0f allocations; want at most 2 (builder, steps)", allocs)
	}
	r := j.Begin("cycle", ActionCreate, Identity{ID: "s", IdentityType: IdentityUser}).
		Step(StepImport, NameImportAdd, StatusSuccess, "Retrieved the user from Entra ID.", nil).Finish()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"sourceIdentity":{"id":"s","displayName":"","identityType":"User","details":{}}`,
		`"targetIdentity":{"id":"","displayName":"","identityType":"User","details":{}}`,
		`"details":{"ApplicationId":"a"}`,
		`"name":"EntryImportAdd","description":"Retrieved the user from Entra ID.","details":{}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("record JSON lacks %s:\n%s", want, b)
		}
	}
}

// Grow reserves room without changing the record.
func TestGrow(t *testing.T) {
	j := &Job{NewID: func() string { return "id" }}
	b := j.Begin("cycle", ActionCreate, Identity{ID: "s"})
	for range 3 {
		b.Step(StepImport, NameImportAdd, StatusSuccess, "", nil)
	}
	b.Grow(2, 12)
	if c := cap(b.r.ProvisioningSteps); c != 5 {
		t.Errorf("steps capacity %d; want 5 (3 + 2, not doubled)", c)
	}
	if c := cap(b.r.ModifiedProperties); c != 12 {
		t.Errorf("modified properties capacity %d; want 12", c)
	}
	r := b.Finish()
	if len(r.ProvisioningSteps) != 3 || len(r.ModifiedProperties) != 0 {
		t.Errorf("Grow added entries: %+v", r)
	}
}
