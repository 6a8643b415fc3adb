package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
)

// TestInitialCycleSmall_ENTRA_CYCLE_01_REF_01 runs the initial cycle of the
// small fixture against the reference server: in-scope active users are
// created, disabled and soft-deleted ones are not (DEPROV-06), and every
// manager and member PATCH comes after every create.
func TestInitialCycleSmall_ENTRA_CYCLE_01_REF_01(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	s := env.cycle(eng, parseDir(t, smallYAML(t)))
	if s.Kind != KindInitial {
		t.Fatalf("kind %s", s.Kind)
	}
	if s.Counts.Created != 8 || s.Counts.Failed != 0 || s.Counts.Skipped != 2 {
		t.Fatalf("counts %+v, want 6 users + 2 groups created, u04 and u07 skipped", s.Counts)
	}
	reqs := env.requests()
	lastCreate, firstPatch := -1, len(reqs)
	for i, r := range reqs {
		if r.Method == "POST" {
			lastCreate = i
		}
		if r.Method == "PATCH" && i < firstPatch {
			firstPatch = i
		}
	}
	if lastCreate < 0 || firstPatch == len(reqs) || lastCreate > firstPatch {
		t.Fatalf("reference PATCHes must follow all creates (last POST %d, first PATCH %d): %v", lastCreate, firstPatch, methodsPaths(reqs))
	}
	var posts, patches int
	for _, r := range reqs {
		switch r.Method {
		case "POST":
			posts++
		case "PATCH":
			patches++
		}
	}
	// 5 manager PATCHes (u02,u03,u05,u06,u09) + one member add per group.
	if posts != 8 || patches != 7 {
		t.Fatalf("POST %d PATCH %d, want 8 and 7: %v", posts, patches, methodsPaths(reqs))
	}
	// Server state: u03 has u02 as manager; Sales has u02 and u03.
	u03 := env.link(state.KindUser, "u03")
	u02 := env.link(state.KindUser, "u02")
	res, code := env.getResource("Users", u03.TargetID)
	if code != 200 {
		t.Fatalf("GET u03: %d", code)
	}
	ent, _ := res["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	mgr, _ := ent["manager"].(map[string]any)
	if mgr == nil || mgr["value"] != u02.TargetID {
		t.Fatalf("u03 manager = %v, want %s", ent["manager"], u02.TargetID)
	}
	sales := env.link(state.KindGroup, "g-sales")
	g, _ := env.getResource("Groups", sales.TargetID)
	got := memberIDs(g)
	want := []string{u02.TargetID, u03.TargetID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Sales members %v, want %v", got, want)
	}
	if env.link(state.KindUser, "u04").Linked() || env.link(state.KindUser, "u07").Linked() {
		t.Fatal("disabled or soft-deleted users must not be created (ENTRA-DEPROV-06)")
	}
	// Logs: one record per object; the create carries modified properties.
	by := recordsBySource(s.Records)
	r03 := by["u03"]
	if len(r03) != 1 || r03[0].ProvisioningAction != provlog.ActionCreate || r03[0].ProvisioningStatusInfo.Status != provlog.StatusSuccess {
		t.Fatalf("u03 records %+v", r03)
	}
	if !hasModified(r03[0], "userName", "", "chloe.chen@contoso.com") || !hasModified(r03[0], "manager", "", u02.TargetID) {
		t.Fatalf("u03 modified properties %+v", r03[0].ModifiedProperties)
	}
	if !hasStep(r03[0], provlog.StepReferenceResolution) || !hasStep(r03[0], provlog.StepExport) {
		t.Fatalf("u03 steps %+v", r03[0].ProvisioningSteps)
	}
	if r := by["u04"]; len(r) != 1 || r[0].ProvisioningStatusInfo.Status != provlog.StatusSkipped {
		t.Fatalf("u04 records %+v", r)
	}
	for _, rec := range s.Records {
		if rec.CycleID != s.CycleID || rec.JobID == "" || rec.ChangeID == "" {
			t.Fatalf("record ids %+v", rec)
		}
	}

	// A second cycle without changes sends nothing and logs nothing.
	env.requests() // drop the test's own GETs
	s2 := env.cycle(eng, parseDir(t, smallYAML(t)))
	if s2.Kind != KindIncremental || len(s2.Records) != 0 || s2.Counts.Requests != 0 {
		t.Fatalf("no-change cycle: kind %s, %d records, counts %+v", s2.Kind, len(s2.Records), s2.Counts)
	}
	if reqs := env.requests(); len(reqs) != 0 {
		t.Fatalf("no-change cycle sent %v", methodsPaths(reqs))
	}
}

// TestIncrementalEdits_ENTRA_CYCLE_02 edits the small directory (attribute,
// manager, membership, soft delete, hard delete, unassign) and checks that
// the incremental cycle sends exactly the difference, in order.
func TestIncrementalEdits_ENTRA_CYCLE_02(t *testing.T) {
	for _, d := range []scim.Dialect{scim.Legacy, scim.Compliant} {
		t.Run(string(d), func(t *testing.T) { incrementalEdits(t, d) })
	}
}

func incrementalEdits(t *testing.T, dialect scim.Dialect) {
	env := newEnv(t, func(o *scim.Options) { o.Dialect = dialect })
	eng := env.engine(nil, nil)
	y := smallYAML(t)
	env.cycle(eng, parseDir(t, y))
	env.requests()
	ids := map[string]string{}
	for _, u := range []string{"u01", "u02", "u03", "u05", "u06", "u09"} {
		ids[u] = env.link(state.KindUser, u).TargetID
	}
	sales := env.link(state.KindGroup, "g-sales").TargetID

	y = edit(t, y, "users: [u01, u09]", "users: [u09]") // unassign u01
	y = edit(t, y, "    jobTitle: Account Executive\n    department: Sales\n    employeeId: \"1003\"",
		"    jobTitle: Senior Account Executive\n    department: Sales\n    employeeId: \"1003\"") // attribute
	y = edit(t, y, "    employeeId: \"1006\"\n    manager: u05", "    employeeId: \"1006\"\n    manager: u09") // manager
	y = edit(t, y, "members: [u02, u03, u04]", "members: [u03, u04, u09]")                                     // membership
	y = edit(t, y, "    employeeId: \"1005\"\n    manager: u01", "    employeeId: \"1005\"\n    manager: u01\n    deleted: soft")
	y = edit(t, y, "    employeeId: \"1002\"\n    manager: u01", "    employeeId: \"1002\"\n    manager: u01\n    deleted: hard")
	y = edit(t, y, "    employeeId: \"1003\"\n    manager: u02", "    employeeId: \"1003\"\n    manager: u01")

	s := env.cycle(eng, parseDir(t, y))
	got := methodsPaths(env.requests())
	want := []string{
		"GET /Users/" + ids["u03"], "PATCH /Users/" + ids["u03"], // attribute change
		"GET /Users", "PATCH /Users/" + ids["u03"], // u03 manager u02 -> u01 (FLOW-06 check, FLOW-08)
		"GET /Users", "PATCH /Users/" + ids["u06"], // u06 manager u05 -> u09
		"PATCH /Groups/" + sales,      // add u09 (u02 leaves with its DELETE)
		"PATCH /Users/" + ids["u01"],  // unassigned: disable
		"DELETE /Users/" + ids["u02"], // hard delete
		"PATCH /Users/" + ids["u05"],  // soft delete: disable
	}
	if !slices.Equal(got, want) {
		t.Fatalf("incremental requests\n got %v\nwant %v", got, want)
	}
	if s.Counts.Updated != 3 || s.Counts.Disabled != 2 || s.Counts.Deleted != 1 || s.Counts.Failed != 0 {
		t.Fatalf("counts %+v", s.Counts)
	}
	// Server state.
	if u, _ := env.getResource("Users", ids["u03"]); u["title"] != "Senior Account Executive" {
		t.Fatalf("u03 title %v", u["title"])
	}
	for _, u := range []string{"u01", "u05"} {
		if r, _ := env.getResource("Users", ids[u]); r["active"] != false {
			t.Fatalf("%s active %v, want false", u, r["active"])
		}
	}
	if _, code := env.getResource("Users", ids["u02"]); code != 404 {
		t.Fatalf("u02 after hard delete: %d", code)
	}
	g, _ := env.getResource("Groups", sales)
	wantMembers := []string{ids["u03"], ids["u09"]}
	slices.Sort(wantMembers)
	if m := memberIDs(g); !slices.Equal(m, wantMembers) {
		t.Fatalf("Sales members %v, want %v", m, wantMembers)
	}
	// Logs.
	by := recordsBySource(s.Records)
	check := func(src string, a provlog.Action) provlog.Record {
		t.Helper()
		rs := by[src]
		if len(rs) != 1 || rs[0].ProvisioningAction != a || rs[0].ProvisioningStatusInfo.Status != provlog.StatusSuccess {
			t.Fatalf("%s records %+v, want one successful %s", src, rs, a)
		}
		return rs[0]
	}
	if r := check("u03", provlog.ActionUpdate); !hasModified(r, "title", "Account Executive", "Senior Account Executive") {
		t.Fatalf("u03 modified %+v", r.ModifiedProperties)
	}
	if r := check("u06", provlog.ActionUpdate); !hasModified(r, "manager", ids["u05"], ids["u09"]) {
		t.Fatalf("u06 modified %+v", r.ModifiedProperties)
	}
	if r := check("g-sales", provlog.ActionUpdate); !hasModified(r, "members", "", ids["u09"]) {
		t.Fatalf("Sales modified %+v", r.ModifiedProperties)
	}
	check("u01", provlog.ActionDisable)
	check("u05", provlog.ActionDisable)
	check("u02", provlog.ActionDelete)
	if len(s.Records) != 6 {
		t.Fatalf("%d records, want 6: %+v", len(s.Records), s.Records)
	}
	if o := env.link(state.KindUser, "u01"); o.Status != state.StatusUnmanaged {
		t.Fatalf("u01 status %s, want unmanaged (ENTRA-DEPROV-05)", o.Status)
	}
	if env.link(state.KindUser, "u02") != nil {
		t.Fatal("hard-deleted user still in state")
	}
}

func memberIDs(g map[string]any) []string {
	var out []string
	ms, _ := g["members"].([]any)
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out
}

func hasModified(r provlog.Record, name, old, new string) bool {
	for _, m := range r.ModifiedProperties {
		if !strings.EqualFold(m.DisplayName, name) {
			continue
		}
		o, n := "", ""
		if m.OldValue != nil {
			o = *m.OldValue
		}
		if m.NewValue != nil {
			n = *m.NewValue
		}
		if o == old && n == new {
			return true
		}
	}
	return false
}

func hasStep(r provlog.Record, t provlog.StepType) bool {
	for _, s := range r.ProvisioningSteps {
		if s.ProvisioningStepType == t {
			return true
		}
	}
	return false
}
