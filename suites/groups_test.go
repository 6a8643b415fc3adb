package suites_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// readGroup reads a group with all attributes (members included when the
// target returns them). A spec that does not check reading groups
// (ENTRA-FLOW-14) is blocked when the read fails.
func readGroup(f *framework.Framework, id string) map[string]any {
	GinkgoHelper()
	x := f.Get("/Groups/"+id, nil)
	f.Require("ENTRA-FLOW-14", x, matchers.HaveStatus(http.StatusOK), "read the group back")
	var g map[string]any
	Expect(json.Unmarshal(x.Body, &g)).To(Succeed())
	return g
}

var _ = Describe("Groups", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-FLOW-13", "ENTRA-REQ-18"), "creating a group with the ADSCIM schema URI answers 201 with an id", func() {
		name := f.Name("team")
		x := f.Send(f.Entra().CreateGroup(name, name))
		Expect(x).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID(), matchers.BeAcceptedByEntra(outcome.CreateGroup)))
		Expect(x).To(matchers.HaveAttribute("displayName", name))
	})

	framework.Spec(framework.Req("ENTRA-REQ-17"), "a second group with the same displayName answers 409", func() {
		name := f.Name("dupteam")
		f.CreateGroup(name)
		Expect(f.Send(f.Entra().CreateGroup(name+"-ext", name))).To(matchers.BeSCIMError(http.StatusConflict, ""),
			"a second group with an existing displayName must be refused with 409")
	})

	framework.Spec(framework.Req("ENTRA-FLOW-12", "ENTRA-REQ-06"), "matching a group by displayName returns it without members", func() {
		name := f.Name("match")
		g := f.CreateGroup(name)
		u := f.CreateUser(f.UserAttributes("member"))
		addMembers(f, g, u)
		x := f.Send(f.Entra().MatchGroup(name))
		f.Check("ENTRA-FLOW-12", func() { Expect(x).To(matchers.BeListResponseWith(1)) })
		f.Check("ENTRA-REQ-06", func() { Expect(x).To(matchers.BeAcceptedByEntra(outcome.QueryGroups)) })
	})

	framework.Spec(framework.Req("ENTRA-FLOW-14", "ENTRA-REQ-06"), "GET /Groups/{id}?excludedAttributes=members leaves members out", func() {
		g := f.CreateGroup(f.Name("get"))
		u := f.CreateUser(f.UserAttributes("member"))
		addMembers(f, g, u)
		x := f.Send(f.Entra().GetGroup(g))
		Expect(x).To(SatisfyAll(matchers.HaveStatus(http.StatusOK), matchers.BeAcceptedByEntra(outcome.GetGroup)))
		var got map[string]any
		Expect(json.Unmarshal(x.Body, &got)).To(Succeed())
		Expect(got).NotTo(HaveKey("members"))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-18"), "DELETE /Groups/{id} answers 204 and the group is gone", func() {
		g := f.CreateGroup(f.Name("del"))
		Expect(f.Send(f.Entra().DeleteGroup(g))).To(matchers.HaveStatus(http.StatusNoContent))
		Expect(f.Send(f.Entra().GetGroup(g))).To(matchers.HaveStatus(http.StatusNotFound))
	})

	framework.ForEachDialect(func(dialect scim.Dialect) {
		framework.Spec(framework.Req("ENTRA-FLOW-15"), "replacing displayName renames the group", func() {
			g := f.CreateGroup(f.Name("old"))
			renamed := f.Name("new")
			expectPatched(f.Send(f.Entra().RenameGroup(g, renamed)), outcome.PatchGroup)
			Expect(f.Send(f.Entra().MatchGroup(renamed))).To(matchers.BeListResponseWith(1))
		})

		framework.Spec(framework.Req("ENTRA-FLOW-16", "ENTRA-PATCH-09"), "several members are added in one PATCH and re-adding is idempotent", func() {
			g := f.CreateGroup(f.Name("add"))
			u1 := f.CreateUser(f.UserAttributes("m1"))
			u2 := f.CreateUser(f.UserAttributes("m2"))
			reqs := f.Entra().AddMembers(g, []string{u1, u2})
			Expect(reqs).To(HaveLen(1), "both members travel in one PATCH")
			f.Check("ENTRA-PATCH-09", func() {
				By("the add carries the members with \"$ref\": null in the dialect's form")
				expectPatched(f.Send(reqs[0]), outcome.PatchGroup)
			})
			f.Check("ENTRA-FLOW-16", func() {
				for _, r := range f.Entra().AddMembers(g, []string{u1}) {
					expectPatched(f.Send(r), outcome.PatchGroup)
				}
				if ids, ok := memberIDs(readGroup(f, g)); ok {
					framework.Ensure(sameMembers(ids, u1, u2), "after adding two members and re-adding one, the group lists %d members %v, want each of the two once", len(ids), ids)
				}
			})
		})

		framework.Spec(framework.Req("ENTRA-FLOW-17", "ENTRA-PATCH-05"), "members are removed in the dialect's form and removing a non-member does not fail", func() {
			g := f.CreateGroup(f.Name("rm"))
			u1 := f.CreateUser(f.UserAttributes("m1"))
			u2 := f.CreateUser(f.UserAttributes("m2"))
			u3 := f.CreateUser(f.UserAttributes("m3"))
			addMembers(f, g, u1, u2, u3)
			f.Check("ENTRA-PATCH-05", func() {
				for _, r := range f.Entra().RemoveMembers(g, []string{u1}) {
					expectPatched(f.Send(r), outcome.PatchGroup)
				}
				if dialect == scim.Legacy {
					// Microsoft's pages disagree on the legacy removal: the
					// compatibility page (DOC S2) sends {"value": id}, the
					// tutorial (DOC S1, "Remove members") adds "$ref": null.
					// Send both, so a server accepting only one is caught.
					By("the tutorial's removal form, with \"$ref\": null")
					x := f.Do(framework.Request{Method: http.MethodPatch, Path: "/Groups/" + g, Body: patchBody(map[string]any{
						"op": "Remove", "path": "members", "value": []map[string]any{{"$ref": nil, "value": u3}}})})
					Expect(x).To(patched(outcome.PatchGroup), "the tutorial's member removal with \"$ref\": null")
				} else {
					for _, r := range f.Entra().RemoveMembers(g, []string{u3}) {
						expectPatched(f.Send(r), outcome.PatchGroup)
					}
				}
				if ids, ok := memberIDs(readGroup(f, g)); ok {
					framework.Ensure(sameMembers(ids, u2), "after removing two of three members the group lists %v, want only the third", ids)
				}
			})
			f.Check("ENTRA-FLOW-17", func() {
				By("removing the same member again")
				for _, r := range f.Entra().RemoveMembers(g, []string{u1}) {
					Expect(f.Send(r)).To(patched(outcome.PatchGroup), "removing a user who is no longer a member must not fail")
				}
			})
		})
	})
})

var _ = Describe("Group creation", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-REQ-18"), "a group created without members has no members", func() {
		g := f.CreateGroup(f.Name("empty"))
		ids, _ := memberIDs(readGroup(f, g))
		Expect(ids).To(BeEmpty())
	})
})
