package reports

import (
	"github.com/quantive/entra-scim-harness/golden"

	"path/filepath"
	"testing"
	"time"
)

// sampleReport is a deterministic report covering every outcome, both levels,
// several profiles and a per-dialect behaviour.
func sampleReport() *Report {
	r := &Report{
		Implementation: Implementation{Name: "Acme SCIM", Version: "2.3.1", Contact: "scim@acme.test", URL: "https://acme.test/scim"},
		Date:           time.Date(2026, 11, 27, 7, 30, 0, 0, time.UTC),
		TargetKind:     "url",
		Dialects:       []string{"legacy", "compliant"},
		Duration:       12500 * time.Millisecond,
		Results: []Result{
			{Requirement: Requirement{ID: "RFC-08", Title: "ETag and If-Match", Level: Should, Profile: ProfileRFC7644, Feature: "etag"}, Result: NotApplicable, Message: "not applicable: feature etag declared unsupported", Specs: 1},
			{Requirement: Requirement{ID: "ENTRA-FLOW-17", Title: "Remove group members", Level: Must, Profile: ProfileEntraCore, Feature: "groups", ErrorCode: "SystemForCrossDomainIdentityManagementServiceIncompatible", Fix: "Accept members[value eq \"id\"] paths with no value"}, Dialect: "compliant", Result: Failed, Message: "Expected status 204, got 400 <invalidPath>", Cause: "PATCH /Groups/{id} → 400 invalidPath", Artefact: "artefacts/ENTRA-FLOW-17-compliant.txt", Specs: 1},
			{Requirement: Requirement{ID: "ENTRA-PATCH-13", Title: "Operations apply in order", Level: Must, Profile: ProfileEntraCore, Feature: "groups"}, Dialect: "compliant", Result: Blocked, BlockedBy: "ENTRA-FLOW-17", Message: "blocked by ENTRA-FLOW-17: PATCH /Groups/{id} answered 400", Cause: "PATCH /Groups/{id} → 400 invalidPath", Artefact: "artefacts/ENTRA-PATCH-13-compliant.txt", Specs: 1},
			{Requirement: Requirement{ID: "ENTRA-FLOW-17", Title: "Remove group members", Level: Must, Profile: ProfileEntraCore, Feature: "groups", ErrorCode: "SystemForCrossDomainIdentityManagementServiceIncompatible", Fix: "Accept members[value eq \"id\"] paths with no value"}, Dialect: "legacy", Result: Passed, Specs: 1},
			{Requirement: Requirement{ID: "ENTRA-FLOW-04", Title: "Create a user: 201 with id", Level: Must, Profile: ProfileEntraCore, Feature: "users", ErrorCode: "SystemForCrossDomainIdentityManagementServiceIncompatible", Fix: "Answer POST /Users with 201 and the resource including id"}, Result: Passed, Specs: 2},
			{Requirement: Requirement{ID: "ENTRA-FLOW-02", Title: "GET /Schemas lists schemas", Level: Should, Profile: ProfileEntraGallery, Feature: "discovery", ErrorCode: "SchemaAttributeNotFound", ErrorCodeSource: "documented (DOC S5)", Fix: "Serve /Schemas as a ListResponse"}, Result: Failed, Message: "404 <script>alert(1)</script>", Specs: 1},
			{Requirement: Requirement{ID: "GTM-06", Title: "Teams from groups", Level: Should, Profile: ProfileGtmhub, Feature: "cycle"}, Result: Skipped, Message: "no spec checks this yet", Specs: 0},
			{Requirement: Requirement{ID: "ENTRA-FLOW-10", Title: "Re-enable a user", Level: Must, Profile: ProfileEntraCore, Feature: "users"}, Result: Passed, Specs: 1},
		},
	}
	r.ConstructedOnly = []string{"ENTRA-FLOW-10 (legacy, compliant)"}
	for i := range r.Results {
		r.Results[i].ConstructedForm = r.Results[i].ID == "ENTRA-FLOW-10"
	}
	r.Finalize([]string{"etag"}, true)
	return r
}

// golden compares got with testdata/name, rewriting it under -update.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name), got)
}
