package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func (e *env) settings(body string) resp {
	e.t.Helper()
	r := e.adminDo("PUT", "/admin/accounts/acme/settings", body)
	if r.status != http.StatusOK {
		e.t.Fatalf("settings %s: %d %s", body, r.status, r.raw)
	}
	return r
}

// GTM-06: groups can be turned off: /Groups is 404 and discovery stops
// listing Group.
func TestSettingGroupsOff_GTM06(t *testing.T) {
	e := newEnv(t)
	e.createGroup("Before")
	e.settings(`{"groups":false}`)
	expect(t, e.get("/Groups"), http.StatusNotFound)
	expect(t, e.do("POST", "/Groups", map[string]any{"displayName": "X"}), http.StatusNotFound)
	rt := e.get("/ResourceTypes")
	if rt.total() != 1 || strings.Contains(string(rt.raw), `"Group"`) {
		t.Fatalf("ResourceTypes with groups off: %s", rt.raw)
	}
	expect(t, e.get("/ResourceTypes/Group"), http.StatusNotFound)
	if s := e.get("/Schemas"); strings.Contains(string(s.raw), "core:2.0:Group") || s.total() != 2 {
		t.Fatalf("Schemas with groups off: %s", s.raw)
	}
	if r := e.do("POST", "/.search", map[string]any{"filter": `displayName eq "Before"`}); r.total() != 0 {
		t.Fatalf("root search must skip groups: %s", r.raw)
	}
	got := e.settings(`{"groups":true}`)
	if got.body["groups"] != true || got.body["deleteDeactivates"] != false {
		t.Fatalf("settings answer: %s", got.raw)
	}
	if r := e.get("/Groups"); r.total() != 1 {
		t.Fatalf("groups back on: %s", r.raw)
	}
	if rt := e.get("/ResourceTypes"); rt.total() != 2 {
		t.Fatalf("ResourceTypes with groups on: %s", rt.raw)
	}
	if r := e.adminDo("PUT", "/admin/accounts/acme/settings", `{"grups":true}`); r.status != http.StatusBadRequest {
		t.Fatalf("typo in settings must be 400: %d", r.status)
	}
	if r := e.adminDo("PUT", "/admin/accounts/acme/settings", `{"groups":false,"teamsFromDepartment":true}`); r.status != http.StatusBadRequest {
		t.Fatalf("teams without groups must be 400: %d", r.status)
	}
	if r := e.adminDo("GET", "/admin/accounts/acme/settings", nil); r.body["groups"] != true {
		t.Fatalf("GET settings: %s", r.raw)
	}
}

// GTM-08: DELETE may be a deactivation.
func TestSettingDeleteDeactivates_GTM08(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("d@contoso.com")
	e.settings(`{"deleteDeactivates":true}`)
	if r := e.do("DELETE", "/Users/"+id, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	g := e.get("/Users/" + id)
	expect(t, g, http.StatusOK)
	if g.body["active"] != false {
		t.Fatalf("DELETE must deactivate: %s", g.raw)
	}
	e.settings(`{"deleteDeactivates":false}`)
	e.do("DELETE", "/Users/"+id, nil)
	expect(t, e.get("/Users/"+id), http.StatusNotFound)
}

// GTM-06: teams derived from department; read-only /Groups; membership
// follows the department; an empty team gets " (deactivated)".
func TestSettingTeamsFromDepartment_GTM06(t *testing.T) {
	e := newEnv(t)
	ent := "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	a := e.createUser("a@contoso.com", ent, map[string]any{"department": "Sales"})
	e.createGroup("A SCIM group")
	e.settings(`{"teamsFromDepartment":true}`) // existing users are sorted into teams
	teams := func() map[string][]string {
		r := e.get("/Groups")
		out := map[string][]string{}
		for _, g := range r.resources() {
			var ms []string
			for _, m := range g["members"].([]any) {
				ms = append(ms, m.(map[string]any)["value"].(string))
			}
			out[g["displayName"].(string)] = ms
		}
		return out
	}
	if got := teams(); len(got) != 1 || len(got["Sales"]) != 1 || got["Sales"][0] != a {
		t.Fatalf("teams after switching on: %v", got)
	}
	b := e.createUser("b@contoso.com", ent, map[string]any{"department": "Finance"})
	c := e.createUser("c@contoso.com", ent, map[string]any{"department": "sales"})
	if got := teams(); len(got) != 2 || len(got["Sales"]) != 2 || len(got["Finance"]) != 1 {
		t.Fatalf("teams after creates: %v", got)
	}
	// Moving b out of Finance leaves it empty: deactivated.
	e.do("PATCH", "/Users/"+b, patchBody(op("replace", ent+":department", "Sales")))
	got := teams()
	if fin, ok := got["Finance (deactivated)"]; !ok || len(fin) != 0 || len(got["Sales"]) != 3 || len(got) != 2 {
		t.Fatalf("empty team not deactivated: %v", got)
	}
	// Coming back reactivates it, under its own name.
	e.do("PATCH", "/Users/"+c, patchBody(op("replace", ent+":department", "Finance")))
	if got = teams(); len(got["Finance"]) != 1 || got["Finance"][0] != c {
		t.Fatalf("team not reactivated: %v", got)
	}
	// The user sees its team; /Groups is read-only.
	if u := e.get("/Users/" + c); !strings.Contains(string(u.raw), `"display":"Finance"`) {
		t.Fatalf("user groups: %s", u.raw)
	}
	teamID := e.get("/Groups?filter=" + url.QueryEscape(`displayName eq "finance"`)).resources()[0]["id"].(string)
	expect(t, e.do("POST", "/Groups", map[string]any{"displayName": "X"}), http.StatusMethodNotAllowed)
	expect(t, e.do("PATCH", "/Groups/"+teamID, patchBody(op("replace", "displayName", "Y"))), http.StatusMethodNotAllowed)
	expect(t, e.do("DELETE", "/Groups/"+teamID, nil), http.StatusMethodNotAllowed)
	// Deleting the last member deactivates the team.
	e.do("DELETE", "/Users/"+c, nil)
	if got = teams(); len(got) != 2 || len(got["Sales"]) != 2 {
		t.Fatalf("teams after deleting the last member: %v", got)
	} else if fin, ok := got["Finance (deactivated)"]; !ok || len(fin) != 0 {
		t.Fatalf("team of a deleted last member not deactivated: %v", got)
	}
	// Switching off shows the SCIM groups again.
	e.settings(`{"teamsFromDepartment":false}`)
	if r := e.get("/Groups"); r.total() != 1 || r.resources()[0]["displayName"] != "A SCIM group" {
		t.Fatalf("SCIM groups after switching off: %s", r.raw)
	}
}

// Concurrency (run with -race): many clients add and remove members of one
// group and patch one user at the same time; no update is lost.
func TestConcurrentPatchesLoseNoUpdate(t *testing.T) {
	e := newEnv(t)
	gid := e.createGroup("Busy")
	target := e.createUser("target@contoso.com")
	const workers, perWorker = 8, 6
	users := make([][]string, workers)
	for w := range workers {
		for i := range perWorker {
			users[w] = append(users[w], e.createUser(fmt.Sprintf("w%d-%d@contoso.com", w, i)))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker*4)
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i, uid := range users[w] {
				// Add every user; remove the odd ones again right after.
				if r := e.do("PATCH", "/Groups/"+gid, patchBody(op("Add", "members", []any{map[string]any{"value": uid}}))); r.status != http.StatusNoContent {
					errs <- fmt.Sprintf("add %s: %d %s", uid, r.status, r.raw)
				}
				if i%2 == 1 {
					if r := e.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+uid+`"]`, nil))); r.status != http.StatusNoContent {
						errs <- fmt.Sprintf("remove %s: %d", uid, r.status)
					}
				}
				// Each worker owns one attribute of the shared user.
				attr := fmt.Sprintf("urn:ietf:params:scim:schemas:extension:custom:2.0:User:w%d", w)
				if r := e.do("PATCH", "/Users/"+target, patchBody(op("replace", attr, fmt.Sprint(i)))); r.status != http.StatusOK {
					errs <- fmt.Sprintf("patch user: %d %s", r.status, r.raw)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := map[string]bool{}
	for w := range workers {
		for i, uid := range users[w] {
			if i%2 == 0 {
				want[uid] = true
			}
		}
	}
	got := memberValues(e.get("/Groups/" + gid))
	if len(got) != len(want) {
		t.Fatalf("members: got %d, want %d", len(got), len(want))
	}
	for _, id := range got {
		if !want[id] {
			t.Fatalf("unexpected member %s", id)
		}
	}
	u := e.get("/Users/" + target)
	for w := range workers {
		attr := fmt.Sprintf("urn:ietf:params:scim:schemas:extension:custom:2.0:User:w%d", w)
		if !strings.Contains(string(u.raw), fmt.Sprintf(`%q:"%d"`, attr, perWorker-1)) && !strings.Contains(string(u.raw), fmt.Sprintf(`"w%d":"%d"`, w, perWorker-1)) {
			t.Fatalf("lost update of worker %d: %s", w, u.raw)
		}
	}
	if v := u.body["meta"].(map[string]any)["version"]; v != fmt.Sprintf(`W/"%d"`, 1+workers*perWorker) {
		t.Fatalf("user version %v, want %d writes", v, 1+workers*perWorker)
	}
}
