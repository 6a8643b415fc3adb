package provlog

import (
	"reflect"
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
