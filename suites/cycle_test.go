package suites_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// The cycle specs run the provisioning engine against the target with the
// fixture directory fixtures/directories/conformance.yaml (names carry the
// run prefix) and check both what the target holds afterwards and what
// Entra's provisioning logs would say.
const cycleFixture = "conformance.yaml"

// expectMatchedBeforeCreate checks Entra's per-object sequence (ENTRA-FLOW-22):
// every create was preceded by a filter query for the object's matching value.
func expectMatchedBeforeCreate(calls []wireCall) {
	GinkgoHelper()
	for i, c := range calls {
		if c.Method != http.MethodPost {
			continue
		}
		var body map[string]any
		Expect(json.Unmarshal([]byte(c.Body), &body)).To(Succeed())
		value, _ := body["userName"].(string)
		if value == "" {
			value, _ = body["displayName"].(string)
		}
		Expect(value).NotTo(BeEmpty(), "POST %s carries neither userName nor displayName", c.Path)
		matched := false
		for _, q := range calls[:i] {
			v, err := url.ParseQuery(q.Query)
			if q.Method == http.MethodGet && err == nil && strings.Contains(v.Get("filter"), value) {
				matched = true
			}
		}
		Expect(matched).To(BeTrue(), "POST %s for %q without a filter query for it first", c.Path, value)
	}
}

func managerOf(u map[string]any) any {
	m, _ := enterprise(u)["manager"].(map[string]any)
	return m["value"]
}

var _ = Describe("Provisioning cycles", func() {
	f := framework.New()

	framework.ForEachDialect(func(dialect scim.Dialect) {
		framework.Spec(framework.Req("ENTRA-CYCLE-01", "ENTRA-FLOW-22", "ENTRA-REF-01"),
			"an initial cycle creates every in-scope user and group, then sets managers and members (ENTRA-FLOW-22, ENTRA-REF-01)", func() {
				r := newCycleRun(f, cycleFixture, nil)
				s := r.cycle()
				calls := r.wire.take()
				f.Check("ENTRA-CYCLE-01", func() {
					Expect(s.Kind).To(Equal("initial"))
					r.clean(s)
					Expect(only(calls, http.MethodPost)).To(HaveLen(4+r.ifGroups(1)), "4 assigned users and (when the target has groups) 1 group are created")
					for _, u := range []string{"u1", "u2", "u3", "u4"} {
						r.expectRecord(s, u, provlog.ActionCreate, provlog.StatusSuccess)
					}
					if r.groups {
						r.expectRecord(s, "g1", provlog.ActionCreate, provlog.StatusSuccess)
					}
					Expect(r.recordsOf(s, "u5")).To(BeEmpty(), "an unassigned user is not provisioned")
					Expect(r.object(state.KindUser, "u5").Linked()).To(BeFalse())
					u := readUser(f, r.link(state.KindUser, "u3"))
					Expect(u["userName"]).To(Equal(r.pfx+"-cid@conformance.example.test"), "userName of the created user")
					Expect(u["externalId"]).To(Equal(r.pfx+"-cid"), "externalId of the created user")
					Expect(u["active"]).To(BeTrue(), "active of the created user")
				})
				f.Check("ENTRA-FLOW-22", func() { expectMatchedBeforeCreate(calls) })
				f.Check("ENTRA-REF-01", func() {
					lastPost, firstPatch := -1, len(calls)
					for i, c := range calls {
						if c.Method == http.MethodPost {
							lastPost = i
						}
						if c.Method == http.MethodPatch && i < firstPatch {
							firstPatch = i
						}
					}
					Expect(firstPatch).To(BeNumerically("<", len(calls)), "managers and members are PATCHed")
					Expect(lastPost).To(BeNumerically("<", firstPatch), "references are written after every create")
					ann, ben, cid := r.link(state.KindUser, "u1"), r.link(state.KindUser, "u2"), r.link(state.KindUser, "u3")
					Expect(managerOf(readUser(f, cid))).To(Equal(ben), "manager of Cid")
					Expect(managerOf(readUser(f, ben))).To(Equal(ann), "manager of Ben")
					if r.groups {
						ids, _ := memberIDs(readGroup(f, r.link(state.KindGroup, "g1")))
						Expect(ids).To(ConsistOf(ben, cid), "members of the team")
					}
				})
				f.Check("ENTRA-CYCLE-01", func() {
					By("a second cycle without changes sends nothing and logs nothing")
					s2 := r.cycle()
					Expect(s2.Kind).To(Equal("incremental"))
					Expect(s2.Records).To(BeEmpty(), "records of a cycle without changes")
					Expect(r.wire.take()).To(BeEmpty(), "requests of a cycle without changes")
				})
			})

		framework.Spec(framework.Req("ENTRA-CYCLE-02"),
			"an attribute edit sends exactly one PATCH with the difference", func() {
				r := newCycleRun(f, cycleFixture, nil)
				r.initialCycle()
				ben := r.link(state.KindUser, "u2")
				r.edit("jobTitle: Engineer\n    department: Sales\n    employeeId: \"1002\"", "jobTitle: Staff Engineer\n    department: Sales\n    employeeId: \"1002\"")
				s := r.cycle()
				r.clean(s)
				calls := r.wire.take()
				patches := only(calls, http.MethodPatch)
				Expect(patches).To(HaveLen(1), "requests of the incremental cycle: %v", calls)
				Expect(only(calls, http.MethodPost)).To(BeEmpty())
				Expect(only(calls, http.MethodDelete)).To(BeEmpty())
				Expect(patches[0].Path).To(HaveSuffix("/Users/" + ben))
				Expect(patches[0].Body).To(ContainSubstring("Staff Engineer"))
				Expect(patches[0].Body).NotTo(ContainSubstring("userName"), "only the difference is sent")
				Expect(patches[0].Body).NotTo(ContainSubstring("Berg"), "only the difference is sent")
				rec := r.expectRecord(s, "u2", provlog.ActionUpdate, provlog.StatusSuccess)
				Expect(rec.ModifiedProperties).To(ContainElement(HaveField("DisplayName", "title")))
				Expect(s.Records).To(HaveLen(1), "only the edited user is logged")
				Expect(readUser(f, ben)["title"]).To(Equal("Staff Engineer"))
			})

		framework.Spec(framework.Req("ENTRA-REF-01", "ENTRA-FLOW-08"),
			"a manager change in the directory PATCHes the manager in a later cycle (ENTRA-FLOW-08)", func() {
				r := newCycleRun(f, cycleFixture, nil)
				r.initialCycle()
				ann, cid := r.link(state.KindUser, "u1"), r.link(state.KindUser, "u3")
				r.edit("employeeId: \"1003\"\n    manager: PFX-u2", "employeeId: \"1003\"\n    manager: PFX-u1")
				s := r.cycle()
				r.clean(s)
				patches := only(r.wire.take(), http.MethodPatch)
				Expect(patches).To(HaveLen(1))
				Expect(patches[0].Path).To(HaveSuffix("/Users/" + cid))
				Expect(patches[0].Body).To(ContainSubstring(ann))
				r.expectRecord(s, "u3", provlog.ActionUpdate, provlog.StatusSuccess)
				Expect(managerOf(readUser(f, cid))).To(Equal(ann))
			})

		framework.Spec(framework.Req("ENTRA-FLOW-16", "ENTRA-FLOW-17", "ENTRA-FLOW-15", "ENTRA-CYCLE-02"),
			"team membership changes are member adds and removes, and a rename replaces displayName (ENTRA-FLOW-17, ENTRA-FLOW-15)", func() {
				r := newCycleRun(f, cycleFixture, nil)
				r.initialCycle()
				g, cid, dee := r.link(state.KindGroup, "g1"), r.link(state.KindUser, "u3"), r.link(state.KindUser, "u4")
				r.edit("displayName: PFX Team\n    members: [PFX-u2, PFX-u3]", "displayName: PFX Team Renamed\n    members: [PFX-u3, PFX-u4]")
				s := r.cycle()
				calls := r.wire.take()
				body := ""
				for _, c := range only(calls, http.MethodPatch) {
					body += c.Body
				}
				grp := readGroup(f, g)
				ids, _ := memberIDs(grp)
				body = strings.ToLower(body)
				f.Check("ENTRA-FLOW-15", func() {
					Expect(body).To(ContainSubstring("renamed"), "the rename is PATCHed")
					Expect(grp["displayName"]).To(Equal(r.pfx+" Team Renamed"), "displayName after the rename")
				})
				f.Check("ENTRA-FLOW-16", func() {
					Expect(body).To(ContainSubstring(`"add"`), "the new member is added")
					Expect(ids).To(ContainElement(dee), "the new member is in the team")
				})
				f.Check("ENTRA-FLOW-17", func() {
					Expect(body).To(ContainSubstring(`"remove"`), "the old member is removed")
					Expect(ids).To(ConsistOf(cid, dee), "members after the change")
				})
				f.Check("ENTRA-CYCLE-02", func() {
					r.clean(s)
					Expect(only(calls, http.MethodPut)).To(BeEmpty(), "members are never replaced as a whole")
					for _, c := range only(calls, http.MethodPatch) {
						Expect(c.Path).To(HaveSuffix("/Groups/"+g), "only the group changes: %v", calls)
					}
					r.expectRecord(s, "g1", provlog.ActionUpdate, provlog.StatusSuccess)
				})
			})

		framework.Spec(framework.Req("ENTRA-DEPROV-01"),
			"unassigned, soft-deleted and blocked users are disabled with active=false and kept", func() {
				r := newCycleRun(f, cycleFixture, nil)
				r.initialCycle()
				ben, cid, dee := r.link(state.KindUser, "u2"), r.link(state.KindUser, "u3"), r.link(state.KindUser, "u4")
				r.edit("users: [PFX-u1, PFX-u2, PFX-u3, PFX-u4]", "users: [PFX-u1, PFX-u2, PFX-u3]") // Dee unassigned
				r.edit("employeeId: \"1003\"", "employeeId: \"1003\"\n    deleted: soft")            // Cid soft-deleted
				r.edit("employeeId: \"1002\"", "employeeId: \"1002\"\n    accountEnabled: false")    // Ben blocked
				s := r.cycle()
				r.clean(s)
				Expect(only(r.wire.take(), http.MethodDelete)).To(BeEmpty(), "disabling never deletes")
				for short, id := range map[string]string{"u2": ben, "u3": cid, "u4": dee} {
					r.expectRecord(s, short, provlog.ActionDisable, provlog.StatusSuccess)
					Expect(readUser(f, id)["active"]).To(BeFalse(), "active of %s", short)
				}
			})

		framework.Spec(framework.Req("ENTRA-DEPROV-07"),
			"a restored user is re-activated and keeps its memberships", func() {
				r := newCycleRun(f, cycleFixture, nil)
				r.initialCycle()
				ben, cid := r.link(state.KindUser, "u2"), r.link(state.KindUser, "u3")
				r.edit("employeeId: \"1003\"", "employeeId: \"1003\"\n    deleted: soft")
				s := r.cycle()
				r.clean(s)
				r.expectRecord(s, "u3", provlog.ActionDisable, provlog.StatusSuccess)
				Expect(readUser(f, cid)["active"]).To(BeFalse())

				r.edit("employeeId: \"1003\"\n    deleted: soft", "employeeId: \"1003\"")
				s = r.cycle()
				r.clean(s)
				r.expectRecord(s, "u3", provlog.ActionUpdate, provlog.StatusSuccess)
				Expect(readUser(f, cid)["active"]).To(BeTrue())
				if r.groups {
					ids, _ := memberIDs(readGroup(f, r.link(state.KindGroup, "g1")))
					Expect(ids).To(ConsistOf(ben, cid), "memberships survive disable and restore")
				}
			})
	})

	framework.Spec(framework.Req("ENTRA-DEPROV-02"),
		"a hard-deleted source user is deleted in the target", func() {
			r := newCycleRun(f, cycleFixture, nil)
			r.initialCycle()
			dee := r.link(state.KindUser, "u4")
			r.edit("employeeId: \"1004\"", "employeeId: \"1004\"\n    deleted: hard")
			s := r.cycle()
			r.clean(s)
			deletes := only(r.wire.take(), http.MethodDelete)
			Expect(deletes).To(HaveLen(1))
			Expect(deletes[0].Path).To(HaveSuffix("/Users/" + dee))
			r.expectRecord(s, "u4", provlog.ActionDelete, provlog.StatusSuccess)
			Expect(f.Send(f.Entra().GetUser(dee))).To(matchers.HaveStatus(http.StatusNotFound))
		})

	framework.Spec(framework.Req("ENTRA-MATCH-01", "ENTRA-MATCH-04"),
		"users already in the target are matched by userName and by externalId, not duplicated (ENTRA-MATCH-04)", func() {
			r := newCycleRun(f, cycleFixture, nil)
			byName := f.UserAttributes("pre-ann")
			byName["userName"] = r.pfx + "-ann@conformance.example.test"
			preAnn := f.CreateUser(byName)
			byExt := f.UserAttributes("pre-ben")
			byExt["externalId"] = r.pfx + "-ben"
			preBen := f.CreateUser(byExt)

			s := r.cycle()
			r.clean(s)
			Expect(only(r.wire.take(), http.MethodPost)).To(HaveLen(2+r.ifGroups(1)), "only Cid, Dee (and the team) are created")
			Expect(r.link(state.KindUser, "u1")).To(Equal(preAnn))
			Expect(r.link(state.KindUser, "u2")).To(Equal(preBen))
			Expect(r.object(state.KindUser, "u1").MatchedBy).To(Equal("userName"))
			Expect(r.object(state.KindUser, "u2").MatchedBy).To(Equal("externalId"))
			for _, short := range []string{"u1", "u2"} {
				rec := r.expectRecord(s, short, provlog.ActionUpdate, provlog.StatusSuccess)
				Expect(rec.ProvisioningAction).NotTo(Equal(provlog.ActionCreate))
			}

			Expect(readUser(f, preBen)["userName"]).To(Equal(r.pfx+"-ben@conformance.example.test"), "the matched user's userName is updated to the source's")

			f.Check("ENTRA-MATCH-04", func() {
				By("each matching attribute filters to exactly the one user")
				Expect(f.Send(f.Entra().MatchUser("userName", r.pfx+"-ann@conformance.example.test"))).To(matchers.BeListResponseWith(1))
				Expect(f.Send(f.Entra().MatchUser("externalId", r.pfx+"-ben"))).To(matchers.BeListResponseWith(1))
				Expect(f.Send(f.Entra().MatchUser("userName", r.pfx+"-ben@conformance.example.test"))).To(matchers.BeListResponseWith(1),
					"the matched user's userName was updated to the source's, without a duplicate")
			})
		})
})
