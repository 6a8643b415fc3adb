package requirements

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reports"
)

func TestCatalogueEntriesAreComplete(t *testing.T) {
	all := All()
	if len(all) < 80 {
		t.Fatalf("catalogue has %d entries; the spec's request-level behaviours alone are more", len(all))
	}
	for _, r := range all {
		if !IsID(r.ID) {
			t.Errorf("%q is not a spec ID", r.ID)
		}
		if strings.TrimSpace(r.Title) == "" {
			t.Errorf("%s has no title", r.ID)
		}
		if r.Level != reports.Must && r.Level != reports.Should {
			t.Errorf("%s: level %q", r.ID, r.Level)
		}
		if !slices.Contains(reports.ProfileOrder, r.Profile) {
			t.Errorf("%s: unknown profile %q", r.ID, r.Profile)
		}
		if !slices.Contains(Features, Feature(r.Feature)) {
			t.Errorf("%s: unknown feature %q", r.ID, r.Feature)
		}
		if r.ErrorCode != "" {
			if _, ok := ErrorCodes[r.ErrorCode]; !ok {
				t.Errorf("%s: error code %q is not in the spec's ERR table or quarantine reasons", r.ID, r.ErrorCode)
			}
		}
		if r.Fix == "" && !r.NeedsAdmin {
			t.Errorf("%s: an endpoint behaviour needs a one-line fix", r.ID)
		}
		if strings.Contains(r.Fix, "\n") || strings.Contains(r.Title, "\n") {
			t.Errorf("%s: title and fix must be one line", r.ID)
		}
	}
}

func TestCatalogueCoversSpecFamilies(t *testing.T) {
	// Every ID of these families in the spec that an endpoint can be tested on.
	want := []string{"ENTRA-FLOW-01", "ENTRA-FLOW-02", "ENTRA-FLOW-04", "ENTRA-FLOW-17", "ENTRA-FLOW-21",
		"ENTRA-PATCH-01", "ENTRA-PATCH-13", "ENTRA-REQ-01", "ENTRA-REQ-09", "ENTRA-REQ-24",
		"ENTRA-RESP-09", "GTM-05", "RFC-01", "RFC-09", "VAL-04", "ENTRA-CYCLE-01", "ENTRA-QUAR-03"}
	for _, id := range want {
		if _, ok := Lookup(id); !ok {
			t.Errorf("catalogue lacks %s", id)
		}
	}
	for i := 1; i <= 24; i++ {
		id := fmt.Sprintf("ENTRA-REQ-%02d", i)
		if _, ok := Lookup(id); !ok {
			t.Errorf("catalogue lacks %s (section 4 is a checklist; every row is testable)", id)
		}
	}
}

func TestLookupAndDescribe(t *testing.T) {
	r, ok := Lookup("ENTRA-FLOW-17")
	if !ok || !r.PerDialect || r.Feature != string(FeatureGroups) || r.Profile != reports.ProfileEntraCore {
		t.Errorf("ENTRA-FLOW-17 = %+v, %v", r, ok)
	}
	d, ok := Describe("ENTRA-FLOW-12")
	if !ok || d.ErrorCode != "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse" {
		t.Errorf("Describe(ENTRA-FLOW-12) = %+v", d)
	}
	if _, ok := Lookup("ENTRA-FLOW-99"); ok {
		t.Error("unknown ID found")
	}
}

func TestIsID(t *testing.T) {
	for s, want := range map[string]bool{
		"ENTRA-FLOW-04": true, "GTM-06": true, "RFC-01": true, "VAL-04": true, "ENTRA-QUAR-03": true,
		"ENTRA-FLOW-4": false, "profile:entra-core": false, "flow-04": false, "ERR-01x": false,
	} {
		if IsID(s) != want {
			t.Errorf("IsID(%q) = %v", s, !want)
		}
	}
}
