package engine

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

const teamDir = `app:
  scope: assigned
  assignments: {users: [a, b, c], groups: [t1]}
users:
  - {objectId: a, userPrincipalName: a@contoso.com, mailNickname: a, displayName: Ann}
  - {objectId: b, userPrincipalName: b@contoso.com, mailNickname: b, displayName: Ben}
  - {objectId: c, userPrincipalName: c@contoso.com, mailNickname: c, displayName: Cid}
groups:
  - {objectId: t1, displayName: Team One, members: [a, b, c]}
`

// TestTeamChanges_ENTRA_REF_01: renames, member removes and group deletes
// are sent as PATCH rename, PATCH member remove (never a full replace) and
// DELETE.
func TestTeamChanges_ENTRA_REF_01(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, nil)
	env.cycle(eng, parseDir(t, teamDir))
	env.requests()
	team := env.link(state.KindGroup, "t1").TargetID
	cID := env.link(state.KindUser, "c").TargetID

	// Rename and remove c.
	y := strings.Replace(teamDir, "{objectId: t1, displayName: Team One, members: [a, b, c]}", "{objectId: t1, displayName: Team 1, members: [a, b]}", 1)
	s := env.cycle(eng, parseDir(t, y))
	reqs := env.requests()
	got := methodsPaths(reqs)
	want := []string{"GET /Groups/" + team, "PATCH /Groups/" + team, "PATCH /Groups/" + team}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sent %v, want %v", got, want)
	}
	if !strings.Contains(reqs[1].RequestBody, "Team 1") || !strings.Contains(strings.ToLower(reqs[2].RequestBody), `"remove"`) ||
		!strings.Contains(reqs[2].RequestBody, cID) {
		t.Fatalf("bodies %q %q", reqs[1].RequestBody, reqs[2].RequestBody)
	}
	for _, r := range reqs {
		if r.Method == "PATCH" && strings.Contains(strings.ToLower(r.RequestBody), `"replace"`) && strings.Contains(r.RequestBody, "members") {
			t.Fatalf("members replaced: %s", r.RequestBody)
		}
	}
	rs := recordsBySource(s.Records)["t1"]
	if len(rs) != 1 || !hasModified(rs[0], "displayName", "Team One", "Team 1") || !hasModified(rs[0], "members", cID, "") {
		t.Fatalf("records %+v", rs)
	}
	g, _ := env.getResource("Groups", team)
	if g["displayName"] != "Team 1" || len(memberIDs(g)) != 2 {
		t.Fatalf("group %v", g)
	}

	// Unassign the group: it is deleted (counted as a delete).
	y = strings.Replace(y, "groups: [t1]", "groups: []", 1)
	env.requests()
	s = env.cycle(eng, parseDir(t, y))
	if got := methodsPaths(env.requests()); len(got) != 1 || got[0] != "DELETE /Groups/"+team {
		t.Fatalf("sent %v", got)
	}
	if s.Counts.Deleted != 1 || env.link(state.KindGroup, "t1").Linked() {
		t.Fatalf("counts %+v", s.Counts)
	}
}

// recorder is an Observer that keeps what it is told.
type recorder struct {
	events    []Event
	summaries []*Summary
}

func (r *recorder) Exported(_ context.Context, e Event) { r.events = append(r.events, e) }
func (r *recorder) CycleDone(_ context.Context, s *Summary) {
	r.summaries = append(r.summaries, s)
}

// TestFailedExportLoggedAndRetried_LOG_04: a failed create is logged with
// the error code and the endpoint's answer, reported once to the Observer,
// and retried by the next cycle.
func TestFailedExportLoggedAndRetried_LOG_04(t *testing.T) {
	env := newEnv(t, nil)
	plan := `{"rules":[{"name":"conflict","method":"POST","path":"^/Users$","status":409,"times":1}]}`
	url := fmt.Sprintf("%s/admin/accounts/%s/faults", env.srv.BaseURL, env.srv.AccountID)
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewBufferString(plan))
	req.Header.Set("Authorization", "Bearer "+env.srv.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("fault plan: %v %v", err, resp)
	}
	resp.Body.Close()
	obs := &recorder{}
	eng := env.engine(nil, func(o *Options) { o.Observer = obs })
	s := env.cycle(eng, parseDir(t, threeUsers))
	if s.Counts.Failed != 1 || s.Counts.Created != 2 {
		t.Fatalf("counts %+v", s.Counts)
	}
	var failed *provlog.Record
	for i := range s.Records {
		if s.Records[i].ProvisioningStatusInfo.Status == provlog.StatusFailure {
			failed = &s.Records[i]
		}
	}
	ei := failed.ProvisioningStatusInfo.ErrorInformation
	if failed.SourceIdentity.ID != "a" || ei == nil || ei.ErrorCode != outcome.CodeEntryConflict || ei.AdditionalDetails == "" {
		t.Fatalf("failed record %+v", failed)
	}
	if len(obs.events) != 3 || len(obs.summaries) != 1 || obs.summaries[0].Counts.Failed != 1 {
		t.Fatalf("observer: %d events, %d summaries", len(obs.events), len(obs.summaries))
	}
	for _, e := range obs.events {
		if (e.Key.SourceID == "a") == e.Outcome.Success || (e.Key.SourceID == "a" && e.Outcome.ErrorCode != outcome.CodeEntryConflict) {
			t.Fatalf("event %+v", e)
		}
	}
	// The next cycle retries a (its watermark did not move) and nothing else.
	env.requests()
	s = env.cycle(eng, parseDir(t, threeUsers))
	if s.Counts.Created != 1 || len(s.Records) != 1 || s.Records[0].SourceIdentity.ID != "a" {
		t.Fatalf("retry cycle %+v", s.Counts)
	}
}

// TestConcurrencyKeepsReferenceOrder: with several workers, every create
// still precedes every reference PATCH, and the outcome equals the
// sequential run's.
func TestConcurrencyKeepsReferenceOrder_ENTRA_REF_01(t *testing.T) {
	env := newEnv(t, nil)
	eng := env.engine(nil, func(o *Options) { o.Concurrency = 8 })
	var done, total int
	eng.opt.Progress = func(d, tot int) { done, total = d, tot }
	s := env.cycle(eng, parseDir(t, smallYAML(t)))
	if s.Counts.Created != 8 || s.Counts.Skipped != 2 || s.Counts.Failed != 0 {
		t.Fatalf("counts %+v", s.Counts)
	}
	if done != total || total != 10 {
		t.Fatalf("progress %d of %d", done, total)
	}
	reqs := env.requests()
	seenPatch := false
	for _, r := range reqs {
		if r.Method == "PATCH" {
			seenPatch = true
		}
		if r.Method == "POST" && seenPatch {
			t.Fatalf("POST after a reference PATCH: %v", methodsPaths(reqs))
		}
	}
}
