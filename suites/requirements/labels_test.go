package requirements

import (
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
)

func TestLabelsRoundTrip(t *testing.T) {
	ls, err := Labels("ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-RESP-09")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ENTRA-FLOW-04", "profile:entra-core", "feature:users", "level:MUST", "ENTRA-REQ-01", "ENTRA-RESP-09", "feature:faults", "needs:admin"}
	if !slices.Equal(ls, want) {
		t.Errorf("labels %v, want %v", ls, want)
	}
	p := ParseLabels(append(ls, DialectLabel(scim.Compliant), "unrelated"))
	if !slices.Equal(p.IDs, []string{"ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-RESP-09"}) || p.Dialect != scim.Compliant || !p.NeedsAdmin ||
		!slices.Equal(p.Features, []Feature{FeatureUsers, FeatureFaults}) || !slices.Equal(p.Profiles, []reports.Profile{reports.ProfileEntraCore}) {
		t.Errorf("parsed %+v", p)
	}
}

func TestLabelsRejectsUnknownIDs(t *testing.T) {
	for _, ids := range [][]string{nil, {"ENTRA-FLOW-99"}, {"ENTRA-FLOW-04", "entra-flow-05"}} {
		if _, err := Labels(ids...); err == nil {
			t.Errorf("Labels(%v) accepted", ids)
		} else if len(ids) > 0 && !strings.Contains(err.Error(), "not in the catalogue") {
			t.Errorf("Labels(%v): %v", ids, err)
		}
	}
}
