package suites_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

var _ = Describe("Users", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-REQ-11"), "creating a user answers 201 with the full resource and an id", func() {
		attrs := f.UserAttributes("create")
		x := f.Send(f.Entra().CreateUser(attrs))
		// Entra's reading first, so a failure names what Entra would log.
		Expect(x).To(SatisfyAll(matchers.BeAcceptedByEntra(outcome.CreateUser), matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
		Expect(x).To(matchers.HaveAttribute("userName", attrs["userName"]))
	})

	framework.Spec(framework.Req("ENTRA-REQ-16"), "user answers use application/scim+json", func() {
		Expect(f.Send(f.Entra().CreateUser(f.UserAttributes("ctype")))).To(matchers.HaveSCIMContentType())
	})

	framework.Spec(framework.Req("ENTRA-REQ-24"), "a second user with the same userName in another case answers 409 uniqueness", func() {
		attrs := f.UserAttributes("dup")
		f.CreateUser(attrs)
		again := f.UserAttributes("dup2")
		again["userName"] = strings.ToUpper(attrs["userName"].(string))
		Expect(f.Send(f.Entra().CreateUser(again))).To(matchers.BeSCIMError(http.StatusConflict, "uniqueness"))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-05", "ENTRA-REQ-03"), "GET /Users/{id} returns the user Entra created", func() {
		attrs := f.UserAttributes("get")
		id := f.CreateUser(attrs)
		u := readUser(f, id)
		Expect(u).To(HaveKeyWithValue("id", id))
		Expect(u).To(HaveKeyWithValue("userName", attrs["userName"]))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-05", "RFC-01"), "GET of an unknown id answers 404 with a SCIM Error", func() {
		Expect(f.Send(f.Entra().GetUser("no-such-" + randomGUID()))).To(matchers.BeSCIMError(http.StatusNotFound, ""))
	})

	framework.Spec(framework.Req("ENTRA-REQ-04", "ENTRA-REQ-20"), "users can be matched by externalId", func() {
		attrs := f.UserAttributes("ext")
		f.CreateUser(attrs)
		Expect(f.Send(f.Entra().MatchUser("externalId", attrs["externalId"].(string)))).
			To(SatisfyAll(matchers.BeListResponseWith(1), matchers.BeAcceptedByEntra(outcome.QueryUsers)))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-11", "RFC-07"), "DELETE answers 204, then GET answers 404 and filters find nothing", func() {
		attrs := f.UserAttributes("delete")
		id := f.CreateUser(attrs)
		Expect(f.Send(f.Entra().DeleteUser(id))).To(matchers.HaveStatus(http.StatusNoContent))
		Expect(f.Send(f.Entra().GetUser(id))).To(matchers.HaveStatus(http.StatusNotFound))
		Expect(f.Send(f.Entra().MatchUser("userName", attrs["userName"].(string)))).To(matchers.BeListResponseWith(0))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-06"), "the manager reference check finds a user with that manager", func() {
		manager := f.CreateUser(f.UserAttributes("mgr"))
		user := f.CreateUser(f.UserAttributes("report"))
		requirePatched(f, "ENTRA-FLOW-08", f.Send(f.Entra().SetManager(user, manager)), outcome.PatchUser, "set the manager as Entra does")
		Expect(f.Send(f.Entra().CheckManager(user, manager))).To(SatisfyAll(matchers.BeListResponseWith(1), matchers.BeAcceptedByEntra(outcome.QueryUsers)))
		Expect(f.Send(f.Entra().CheckManager(user, user))).To(matchers.BeListResponseWith(0))
	})

	framework.ForEachDialect(func(dialect scim.Dialect) {
		framework.Spec(framework.Req("ENTRA-FLOW-07", "ENTRA-PATCH-04", "ENTRA-REQ-02"), "changed attributes are applied and read back", func() {
			attrs := f.UserAttributes("update")
			id := f.CreateUser(attrs)
			newMail := "new-" + attrs[`emails[type eq "work"].value`].(string)
			changes := []scim.Change{
				{Path: "displayName", New: "Changed Display", HadOld: true},
				{Path: "name.familyName", New: "Changed", HadOld: true},
				{Path: `emails[type eq "work"].value`, New: newMail, HadOld: true},
				{Path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", New: "Changed Dept", HadOld: true},
			}
			expectPatched(f.Send(f.Entra().UpdateUser(id, changes)), outcome.PatchUser)
			u := readUser(f, id)
			Expect(u).To(HaveKeyWithValue("displayName", "Changed Display"))
			Expect(u).To(HaveKeyWithValue("name", HaveKeyWithValue("familyName", "Changed")))
			Expect(workEmail(u)).To(Equal(newMail))
			Expect(enterprise(u)).To(HaveKeyWithValue("department", "Changed Dept"))
		})

		framework.Spec(framework.Req("ENTRA-PATCH-07"), "setting a work email on a user without one creates it", func() {
			attrs := f.UserAttributes("upsert")
			delete(attrs, `emails[type eq "work"].value`)
			id := f.CreateUser(attrs)
			mail := "upsert-" + attrs["userName"].(string)
			expectPatched(f.Send(f.Entra().UpdateUser(id, []scim.Change{{Path: `emails[type eq "work"].value`, New: mail}})), outcome.PatchUser)
			Expect(workEmail(readUser(f, id))).To(Equal(mail), "the work email after the PATCH")
		})

		framework.Spec(framework.Req("ENTRA-PATCH-08"), "Replace on an attribute the user does not have sets it", func() {
			id := f.CreateUser(f.UserAttributes("replaceabsent"))
			expectPatched(patchUser(f, id, map[string]any{"op": opName(dialect, "replace"), "path": "title", "value": "Absent Before"}), outcome.PatchUser)
			Expect(readUser(f, id)).To(HaveKeyWithValue("title", "Absent Before"), "title after a replace on a user without one")
		})

		framework.Spec(framework.Req("ENTRA-FLOW-10", "GTM-05"), "a disabled user is re-enabled with active true", func() {
			id := f.CreateUser(f.UserAttributes("reenable"))
			requirePatched(f, activeBehaviour(dialect), f.Send(f.Entra().DisableUser(id)), outcome.PatchUser, "disable the user as Entra does")
			Expect(readUser(f, id)).To(HaveKeyWithValue("active", false), "active after the disable")
			expectPatched(f.Send(f.Entra().EnableUser(id)), outcome.PatchUser)
			Expect(readUser(f, id)).To(HaveKeyWithValue("active", true), "active after the re-enable")
		})

		framework.SpecTable(framework.Req("ENTRA-FLOW-08", "ENTRA-REQ-21"),
			"the manager is accepted in every shape, returned as manager.value and cleared by an empty value",
			func(shape scim.ManagerShape) {
				manager := f.CreateUser(f.UserAttributes("mgr"))
				user := f.CreateUser(f.UserAttributes("emp"))
				b := f.Entra()
				b.ManagerShape = shape
				f.Check("ENTRA-FLOW-08", func() {
					expectPatched(f.Send(b.SetManager(user, manager)), outcome.PatchUser)
				})
				f.Check("ENTRA-REQ-21", func() {
					Expect(enterprise(readUser(f, user))).To(HaveKeyWithValue("manager", HaveKeyWithValue("value", manager)),
						"the manager must come back in complex form; a bare string makes Entra fail with ServiceIncompatible")
				})
				f.Check("ENTRA-FLOW-08", func() {
					expectPatched(f.Send(b.ClearManager(user)), outcome.PatchUser)
					if m, ok := enterprise(readUser(f, user))["manager"]; ok {
						Expect(m).To(Or(BeNil(), HaveKeyWithValue("value", BeEmpty())), "an empty manager value means removal")
					}
				})
			},
			Entry("bare string (observed)", scim.ManagerString),
			Entry("{value} object", scim.ManagerObject),
			Entry("[{value,$ref}] array (documented)", scim.ManagerArrayRef),
		)
	})
})

var _ = Describe("Stored values", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-REQ-12"), "values come back exactly as sent (no reformatting)", func() {
		attrs := f.UserAttributes("verbatim")
		attrs[`phoneNumbers[type eq "work"].value`] = "+1 (555) 010-0199 ext. 7"
		attrs["title"] = "Directrice Générale — R&D"
		id := f.CreateUser(attrs)
		u := readUser(f, id)
		Expect(u).To(HaveKeyWithValue("title", attrs["title"]))
		phones, _ := u["phoneNumbers"].([]any)
		Expect(phones).To(ContainElement(HaveKeyWithValue("value", "+1 (555) 010-0199 ext. 7")))
	})

	framework.Spec(framework.Req("ENTRA-REQ-15"), "setting the work email again keeps a single work email", func() {
		attrs := f.UserAttributes("onework")
		id := f.CreateUser(attrs)
		expectPatched(f.Send(f.Entra().UpdateUser(id, []scim.Change{{Path: `emails[type eq "work"].value`, New: "second-" + attrs["userName"].(string)}})), outcome.PatchUser)
		emails, _ := readUser(f, id)["emails"].([]any)
		work := 0
		for _, e := range emails {
			if m, ok := e.(map[string]any); ok && m["type"] == "work" {
				work++
			}
		}
		Expect(work).To(Equal(1))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-19"), "roles are accepted as objects on create and as JSON strings on PATCH", func() {
		body := f.NewUser("roles")
		body["roles"] = []map[string]any{{"primary": true, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}}
		x := f.Create("Users", body)
		Expect(x).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
		var u struct {
			ID string `json:"id"`
		}
		Expect(x.DecodeJSON(&u)).To(Succeed())
		expectPatchedAny(patchUser(f, u.ID, map[string]any{"op": "Add", "path": "roles",
			"value": []map[string]any{{"value": `{"id":"5f3e","value":"25","displayName":"Role1234"}`}}}))
	})

	framework.Spec(framework.Req("ENTRA-FLOW-20"), "extension attributes are accepted without their URN in schemas", func() {
		body := f.NewUser("ext")
		body["schemas"] = []string{protocol.UserSchema}
		body[protocol.EnterpriseUserSchema] = map[string]any{"department": "No URN"}
		x := f.Create("Users", body)
		Expect(x).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
		var u struct {
			ID string `json:"id"`
		}
		Expect(x.DecodeJSON(&u)).To(Succeed())
		Expect(enterprise(readUser(f, u.ID))).To(HaveKeyWithValue("department", "No URN"))
	})
})
