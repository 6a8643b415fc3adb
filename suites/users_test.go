package suites_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/protocol"
	. "github.com/quantive/entra-scim-harness/suites/framework"
	. "github.com/quantive/entra-scim-harness/suites/matchers"
)

var _ = Describe("Users", func() {
	f := New()

	It("ENTRA-FLOW-04 creating a user answers 201 with the full resource and an id", Req("ENTRA-FLOW-04", "ENTRA-REQ-01", "ENTRA-REQ-11"), func() {
		attrs := f.UserAttributes("create")
		x := f.Send(f.Entra().CreateUser(attrs))
		// Entra's reading first, so a failure names what Entra would log.
		Expect(x).To(SatisfyAll(BeAcceptedByEntra(outcome.CreateUser), HaveStatus(http.StatusCreated), HaveResourceID()))
		Expect(x).To(HaveAttribute("userName", attrs["userName"]))
	})

	It("ENTRA-REQ-16 user answers use application/scim+json", Req("ENTRA-REQ-16"), func() {
		Expect(f.Send(f.Entra().CreateUser(f.UserAttributes("ctype")))).To(HaveSCIMContentType())
	})

	It("ENTRA-REQ-24 a second user with the same userName in another case answers 409 uniqueness", Req("ENTRA-REQ-24"), func() {
		attrs := f.UserAttributes("dup")
		f.CreateUser(attrs)
		again := f.UserAttributes("dup2")
		again["userName"] = strings.ToUpper(attrs["userName"].(string))
		Expect(f.Send(f.Entra().CreateUser(again))).To(BeSCIMError(http.StatusConflict, "uniqueness"))
	})

	It("ENTRA-FLOW-05 GET /Users/{id} returns the user Entra created", Req("ENTRA-FLOW-05", "ENTRA-REQ-03"), func() {
		attrs := f.UserAttributes("get")
		id := f.CreateUser(attrs)
		u := readUser(f, id)
		Expect(u).To(HaveKeyWithValue("id", id))
		Expect(u).To(HaveKeyWithValue("userName", attrs["userName"]))
	})

	It("ENTRA-FLOW-05 GET of an unknown id answers 404 with a SCIM Error", Req("ENTRA-FLOW-05", "RFC-01"), func() {
		Expect(f.Send(f.Entra().GetUser("no-such-" + randomGUID()))).To(BeSCIMError(http.StatusNotFound, ""))
	})

	It("ENTRA-REQ-04 users can be matched by externalId", Req("ENTRA-REQ-04", "ENTRA-REQ-20"), func() {
		attrs := f.UserAttributes("ext")
		f.CreateUser(attrs)
		Expect(f.Send(f.Entra().MatchUser("externalId", attrs["externalId"].(string)))).
			To(SatisfyAll(BeListResponseWith(1), BeAcceptedByEntra(outcome.QueryUsers)))
	})

	It("ENTRA-FLOW-11 DELETE answers 204, then GET answers 404 and filters find nothing", Req("ENTRA-FLOW-11", "RFC-07"), func() {
		attrs := f.UserAttributes("delete")
		id := f.CreateUser(attrs)
		Expect(f.Send(f.Entra().DeleteUser(id))).To(HaveStatus(http.StatusNoContent))
		Expect(f.Send(f.Entra().GetUser(id))).To(HaveStatus(http.StatusNotFound))
		Expect(f.Send(f.Entra().MatchUser("userName", attrs["userName"].(string)))).To(BeListResponseWith(0))
	})

	It("ENTRA-FLOW-06 the manager reference check finds a user with that manager", Req("ENTRA-FLOW-06"), func() {
		manager := f.CreateUser(f.UserAttributes("mgr"))
		user := f.CreateUser(f.UserAttributes("report"))
		requirePatched(f, "ENTRA-FLOW-08", f.Send(f.Entra().SetManager(user, manager)), outcome.PatchUser, "set the manager as Entra does")
		Expect(f.Send(f.Entra().CheckManager(user, manager))).To(SatisfyAll(BeListResponseWith(1), BeAcceptedByEntra(outcome.QueryUsers)))
		Expect(f.Send(f.Entra().CheckManager(user, user))).To(BeListResponseWith(0))
	})

	ForEachDialect(func(dialect string) {
		It("ENTRA-FLOW-07 changed attributes are applied and read back", Req("ENTRA-FLOW-07", "ENTRA-PATCH-04", "ENTRA-REQ-02"), func() {
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

		It("ENTRA-PATCH-07 setting a work email on a user without one creates it", Req("ENTRA-PATCH-07"), func() {
			attrs := f.UserAttributes("upsert")
			delete(attrs, `emails[type eq "work"].value`)
			id := f.CreateUser(attrs)
			mail := "upsert-" + attrs["userName"].(string)
			expectPatched(f.Send(f.Entra().UpdateUser(id, []scim.Change{{Path: `emails[type eq "work"].value`, New: mail}})), outcome.PatchUser)
			Expect(workEmail(readUser(f, id))).To(Equal(mail), "the work email after the PATCH")
		})

		It("ENTRA-PATCH-08 Replace on an attribute the user does not have sets it", Req("ENTRA-PATCH-08"), func() {
			id := f.CreateUser(f.UserAttributes("replaceabsent"))
			expectPatched(patchUser(f, id, map[string]any{"op": opName(dialect, "replace"), "path": "title", "value": "Absent Before"}), outcome.PatchUser)
			Expect(readUser(f, id)).To(HaveKeyWithValue("title", "Absent Before"), "title after a replace on a user without one")
		})

		It("ENTRA-FLOW-10 a disabled user is re-enabled with active true", Req("ENTRA-FLOW-10", "GTM-05"), func() {
			id := f.CreateUser(f.UserAttributes("reenable"))
			requirePatched(f, activeBehaviour(dialect), f.Send(f.Entra().DisableUser(id)), outcome.PatchUser, "disable the user as Entra does")
			Expect(readUser(f, id)).To(HaveKeyWithValue("active", false), "active after the disable")
			expectPatched(f.Send(f.Entra().EnableUser(id)), outcome.PatchUser)
			Expect(readUser(f, id)).To(HaveKeyWithValue("active", true), "active after the re-enable")
		})

		DescribeTable("ENTRA-FLOW-08 the manager is accepted in every shape, returned as manager.value and cleared by an empty value",
			Req("ENTRA-FLOW-08", "ENTRA-REQ-21"),
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
	f := New()

	It("ENTRA-REQ-12 values come back exactly as sent (no reformatting)", Req("ENTRA-REQ-12"), func() {
		attrs := f.UserAttributes("verbatim")
		attrs[`phoneNumbers[type eq "work"].value`] = "+1 (555) 010-0199 ext. 7"
		attrs["title"] = "Directrice Générale — R&D"
		id := f.CreateUser(attrs)
		u := readUser(f, id)
		Expect(u).To(HaveKeyWithValue("title", attrs["title"]))
		phones, _ := u["phoneNumbers"].([]any)
		Expect(phones).To(ContainElement(HaveKeyWithValue("value", "+1 (555) 010-0199 ext. 7")))
	})

	It("ENTRA-REQ-15 setting the work email again keeps a single work email", Req("ENTRA-REQ-15"), func() {
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

	It("ENTRA-FLOW-19 roles are accepted as objects on create and as JSON strings on PATCH", Req("ENTRA-FLOW-19"), func() {
		body := f.NewUser("roles")
		body["roles"] = []map[string]any{{"primary": true, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}}
		x := f.Create("Users", body)
		Expect(x).To(SatisfyAll(HaveStatus(http.StatusCreated), HaveResourceID()))
		var u struct {
			ID string `json:"id"`
		}
		Expect(x.DecodeJSON(&u)).To(Succeed())
		expectPatchedAny(patchUser(f, u.ID, map[string]any{"op": "Add", "path": "roles",
			"value": []map[string]any{{"value": `{"id":"5f3e","value":"25","displayName":"Role1234"}`}}}))
	})

	It("ENTRA-FLOW-20 extension attributes are accepted without their URN in schemas", Req("ENTRA-FLOW-20"), func() {
		body := f.NewUser("ext")
		body["schemas"] = []string{protocol.UserSchema}
		body[protocol.EnterpriseUserSchema] = map[string]any{"department": "No URN"}
		x := f.Create("Users", body)
		Expect(x).To(SatisfyAll(HaveStatus(http.StatusCreated), HaveResourceID()))
		var u struct {
			ID string `json:"id"`
		}
		Expect(x.DecodeJSON(&u)).To(Succeed())
		Expect(enterprise(readUser(f, u.ID))).To(HaveKeyWithValue("department", "No URN"))
	})
})
