package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/scope"
	"github.com/quantive/entra-scim-harness/client/state"
)

const threeUsers = `app:
  scope: assigned
  assignments: {users: [a, b, c]}
users:
  - {objectId: a, userPrincipalName: a@contoso.com, mailNickname: a, displayName: Ann, department: Sales}
  - {objectId: b, userPrincipalName: b@contoso.com, mailNickname: b, displayName: Ben, department: Sales}
  - {objectId: c, userPrincipalName: c@contoso.com, mailNickname: c, displayName: Cid, department: Sales}
`

const benLine = "  - {objectId: b, userPrincipalName: b@contoso.com, mailNickname: b, displayName: Ben, department: Sales}\n"

func benWith(extra string) func(string) string {
	return func(y string) string {
		return strings.Replace(y, benLine, strings.Replace(benLine, "}", ", "+extra+"}", 1), 1)
	}
}

func unassignBen(y string) string {
	return strings.Replace(y, "users: [a, b, c]", "users: [a, c]", 1)
}

func noActive(c *mapping.Config) {
	var keep []*mapping.Attribute
	for _, a := range c.Users.Attributes {
		if a.Target != "active" {
			keep = append(keep, a)
		}
	}
	c.Users.Attributes = keep
}

// TestDeprovisioningTriggers_ENTRA_DEPROV covers each trigger with the
// exact requests of the incremental cycle after the edit.
func TestDeprovisioningTriggers_ENTRA_DEPROV(t *testing.T) {
	salesOnly := func(c *mapping.Config) {
		cl, err := scope.NewClause("department", "EQUALS", "Sales")
		if err != nil {
			t.Fatal(err)
		}
		c.Users.Scoping = &scope.Set{Filters: []scope.Filter{{Name: "sales", Clauses: []scope.Clause{cl}}}}
	}
	cases := []struct {
		name   string
		cfg    func(*mapping.Config)
		edit   func(string) string
		want   []string // method and "b" for Ben's target path
		action provlog.Action
		status state.ObjectStatus
		gone   bool
	}{
		{"DEPROV-01a unassigned", nil, unassignBen, []string{"PATCH b"}, provlog.ActionDisable, state.StatusUnmanaged, false},
		{"DEPROV-01b scoping filter", salesOnly, func(y string) string {
			return strings.Replace(y, "displayName: Ben, department: Sales", "displayName: Ben, department: Marketing", 1)
		}, []string{"PATCH b"}, provlog.ActionDisable, state.StatusDisabled, false},
		{"DEPROV-01c soft deleted", nil, benWith("deleted: soft"), []string{"PATCH b"}, provlog.ActionDisable, state.StatusDisabled, false},
		{"DEPROV-01d blocked", nil, benWith("accountEnabled: false"), []string{"PATCH b"}, provlog.ActionDisable, state.StatusDisabled, false},
		{"DEPROV-02 hard deleted", nil, benWith("deleted: hard"), []string{"DELETE b"}, provlog.ActionDelete, "", true},
		{"DEPROV-02 gone from the directory", nil, func(y string) string {
			return unassignBen(strings.Replace(y, benLine, "", 1))
		}, []string{"DELETE b"}, provlog.ActionDelete, "", true},
		{"DEPROV-03 active not mapped: delete", noActive, benWith("deleted: soft"), []string{"DELETE b"}, provlog.ActionDelete, state.StatusNone, false},
		{"DEPROV-04 SkipOutOfScopeDeletions", func(c *mapping.Config) { c.SkipOutOfScopeDeletions = true }, unassignBen, nil, "", state.StatusActive, false},
		{"DEPROV-08 Delete action off", func(c *mapping.Config) { c.Users.Actions.Delete = false }, benWith("deleted: hard"), nil, provlog.ActionOther, state.StatusActive, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, nil)
			cfg := mapping.Gtmhub()
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			eng := env.engine(cfg, nil)
			env.cycle(eng, parseDir(t, threeUsers))
			env.requests()
			ben := env.link(state.KindUser, "b").TargetID
			s := env.cycle(eng, parseDir(t, tc.edit(threeUsers)))
			var got []string
			for _, r := range env.requests() {
				got = append(got, r.Method+" "+strings.Replace(r.Path, "/Users/"+ben, "b", 1))
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("requests %v, want %v", got, tc.want)
			}
			by := recordsBySource(s.Records)
			if tc.action == "" {
				if len(by["b"]) != 0 {
					t.Fatalf("records for b: %+v", by["b"])
				}
			} else if rs := by["b"]; len(rs) != 1 || rs[0].ProvisioningAction != tc.action {
				t.Fatalf("records for b: %+v, want one %s", rs, tc.action)
			}
			o := env.link(state.KindUser, "b")
			if tc.gone {
				if o != nil {
					t.Fatalf("b still in state: %+v", o)
				}
				return
			}
			if o == nil || o.Status != tc.status {
				t.Fatalf("b state %+v, want status %q", o, tc.status)
			}
		})
	}
}

// TestUnmanagedAfterUnassign_ENTRA_DEPROV_05: a user disabled because it
// was unassigned is no longer managed: a later soft delete sends nothing.
func TestUnmanagedAfterUnassign_ENTRA_DEPROV_05(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	env.cycle(eng, parseDir(t, threeUsers))
	y := unassignBen(threeUsers)
	env.cycle(eng, parseDir(t, y))
	env.requests()
	s := env.cycle(eng, parseDir(t, benWith("deleted: soft")(y)))
	if reqs := env.requests(); len(reqs) != 0 {
		t.Fatalf("sent %v", methodsPaths(reqs))
	}
	if len(s.Records) != 0 {
		t.Fatalf("records %+v", s.Records)
	}
}

// TestRestoreReenables_ENTRA_DEPROV_07: a soft-deleted user restored in
// the source is re-enabled with a PATCH active=true.
func TestRestoreReenables_ENTRA_DEPROV_07(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	env.cycle(eng, parseDir(t, threeUsers))
	env.cycle(eng, parseDir(t, benWith("deleted: soft")(threeUsers)))
	env.requests()
	ben := env.link(state.KindUser, "b").TargetID
	s := env.cycle(eng, parseDir(t, threeUsers))
	reqs := env.requests()
	if len(reqs) != 2 || reqs[0].String() != "GET /Users/"+ben || reqs[1].String() != "PATCH /Users/"+ben ||
		!strings.Contains(reqs[1].RequestBody, "active") {
		t.Fatalf("sent %v", reqs)
	}
	if r, _ := env.getResource("Users", ben); r["active"] != true {
		t.Fatalf("active %v", r["active"])
	}
	if rs := recordsBySource(s.Records)["b"]; len(rs) != 1 || rs[0].ProvisioningAction != provlog.ActionUpdate {
		t.Fatalf("records %+v", rs)
	}
	if o := env.link(state.KindUser, "b"); o.Status != state.StatusActive {
		t.Fatalf("status %s", o.Status)
	}
}

// TestBlockedThenEnabledIsCreated_ENTRA_DEPROV_06: a user blocked at the
// first cycle is not created; once enabled it is.
func TestBlockedThenEnabledIsCreated_ENTRA_DEPROV_06(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	s := env.cycle(eng, parseDir(t, benWith("accountEnabled: false")(threeUsers)))
	if s.Counts.Created != 2 || env.link(state.KindUser, "b").Linked() {
		t.Fatalf("counts %+v", s.Counts)
	}
	env.requests()
	s = env.cycle(eng, parseDir(t, threeUsers))
	reqs := env.requests()
	if len(reqs) != 3 || reqs[0].String() != "GET /Users" || reqs[1].String() != "GET /Users" || reqs[2].String() != "POST /Users" {
		t.Fatalf("sent %v (want match by userName, then externalId, then create)", methodsPaths(reqs))
	}
	if s.Counts.Created != 1 {
		t.Fatalf("counts %+v", s.Counts)
	}
}

// TestMatchingPrecedence_ENTRA_MATCH_01: attributes are tried in
// precedence order and the first match ends the search; a user matched by
// the second attribute is updated, not created.
func TestMatchingPrecedence_ENTRA_MATCH_01(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	// Ben exists in the target under an old userName but his externalId.
	pre, err := env.client.CreateUser(ctx, scim.Attributes{"userName": "ben.old@contoso.com", "externalId": "b", "active": true})
	if err != nil || !pre.Outcome.Success {
		t.Fatalf("seed: %v %+v", err, pre)
	}
	// Ann exists under her userName and a different externalId.
	preA, _ := env.client.CreateUser(ctx, scim.Attributes{"userName": "a@contoso.com", "externalId": "zzz", "active": true})
	env.requests()
	eng := env.engine(nil, nil)
	s := env.cycle(eng, parseDir(t, threeUsers))
	reqs := env.requests()
	var filters []string
	posts := 0
	for _, r := range reqs {
		if r.Method == "GET" && r.Path == "/Users" && strings.Contains(r.Query, "filter") {
			filters = append(filters, r.Query)
		}
		if r.Method == "POST" {
			posts++
		}
	}
	// a: userName matches (1 query); b: userName misses, externalId matches
	// (2); c: both miss (2) and is created.
	if len(filters) != 5 || posts != 1 {
		t.Fatalf("filters %v, posts %d", filters, posts)
	}
	if !strings.Contains(filters[0], "userName") || !strings.Contains(filters[1], "userName") || !strings.Contains(filters[2], "externalId") {
		t.Fatalf("precedence order wrong: %v", filters)
	}
	a, b := env.link(state.KindUser, "a"), env.link(state.KindUser, "b")
	if a.TargetID != preA.ID() || a.MatchedBy != "userName" {
		t.Fatalf("a %+v", a)
	}
	if b.TargetID != pre.ID() || b.MatchedBy != "externalId" {
		t.Fatalf("b %+v", b)
	}
	if r, _ := env.getResource("Users", pre.ID()); r["userName"] != "b@contoso.com" {
		t.Fatalf("matched user not updated: %v", r["userName"])
	}
	if s.Counts.Created != 1 || s.Counts.Updated != 2 {
		t.Fatalf("counts %+v", s.Counts)
	}
}

// TestMissingMatchingValue_ENTRA_MATCH_02 and duplicates (MATCH-05).
func TestMatchingValueProblems_ENTRA_MATCH_02_05(t *testing.T) {
	env := newEnv(t, nil)
	cfg := mapping.Gtmhub()
	// Match on an extra attribute only some users have.
	for _, a := range cfg.Users.Attributes {
		a.Matching = 0
	}
	cfg.Users.Attributes = append(cfg.Users.Attributes, &mapping.Attribute{Target: "nickName", Type: mapping.Direct,
		Source: "nick", Apply: mapping.Always, Matching: 1})
	eng := env.engine(cfg, nil)
	y := benWith("attributes: {nick: same}")(threeUsers)
	y = strings.Replace(y, "displayName: Cid, department: Sales}", "displayName: Cid, department: Sales, attributes: {nick: same}}", 1)
	s := env.cycle(eng, parseDir(t, y))
	by := recordsBySource(s.Records)
	if rs := by["a"]; len(rs) != 1 || rs[0].ProvisioningStatusInfo.Status != provlog.StatusSkipped || rs[0].ProvisioningSteps[len(rs[0].ProvisioningSteps)-1].Name != provlog.NameImportSkipped {
		t.Fatalf("a (no matching value) %+v", rs)
	}
	if rs := by["b"]; len(rs) != 1 || rs[0].ProvisioningAction != provlog.ActionCreate {
		t.Fatalf("b %+v", rs)
	}
	rs := by["c"]
	if len(rs) != 1 || rs[0].ProvisioningStatusInfo.ErrorInformation == nil ||
		rs[0].ProvisioningStatusInfo.ErrorInformation.ErrorCode != "DuplicateSourceEntries" {
		t.Fatalf("c (duplicate) %+v", rs)
	}
}

// TestTargetObjectActions_ENTRA_DEPROV_08: with Create off nothing is
// created; with Update off changes and disables are not sent.
func TestTargetObjectActions_ENTRA_DEPROV_08(t *testing.T) {
	t.Run("create off", func(t *testing.T) {
		env := newEnv(t, nil)
		cfg := mapping.Gtmhub()
		cfg.Users.Actions.Create = false
		s := env.cycle(env.engine(cfg, nil), parseDir(t, threeUsers))
		for _, r := range env.requests() {
			if r.Method != "GET" {
				t.Fatalf("sent %s with Create off", r)
			}
		}
		if s.Counts.Created != 0 || s.Counts.Skipped != 3 {
			t.Fatalf("counts %+v", s.Counts)
		}
	})
	t.Run("update off", func(t *testing.T) {
		env := newEnv(t, nil)
		cfg := mapping.Gtmhub()
		cfg.Users.Actions.Update = false
		eng := env.engine(cfg, nil)
		env.cycle(eng, parseDir(t, threeUsers))
		env.requests()
		y := strings.Replace(benWith("deleted: soft")(threeUsers), "displayName: Ann", "displayName: Anna", 1)
		s := env.cycle(eng, parseDir(t, y))
		if reqs := env.requests(); len(reqs) != 0 {
			t.Fatalf("sent %v with Update off", methodsPaths(reqs))
		}
		if s.Counts.Skipped != 2 || s.Counts.Updated != 0 || s.Counts.Disabled != 0 {
			t.Fatalf("counts %+v", s.Counts)
		}
	})
}
