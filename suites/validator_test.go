package suites_test

import (
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// The Microsoft SCIM Validator's tests (VAL-04) and request style (VAL-05),
// replayed in the order the validator runs them.
var _ = Describe("Microsoft SCIM Validator", func() {
	f := framework.New()

	framework.Spec(framework.Req("VAL-04"), "the validator's user and group tests pass in order", func() {
		attrs := f.UserAttributes("val")
		userName := attrs["userName"].(string)
		filter := func(v string) map[string]string { return map[string]string{"filter": fmt.Sprintf("userName eq %q", v)} }

		By("(1) Create a new User")
		id := f.CreateUser(attrs)
		By("(2) Create a duplicate User: 409")
		Expect(f.Send(f.Entra().CreateUser(attrs))).To(matchers.HaveStatus(http.StatusConflict), "a duplicate user (same userName) must be refused with 409")
		By("(3) Filter for an existing user")
		Expect(f.Get("/Users", filter(userName))).To(matchers.BeListResponseWith(1))
		By("(4) Filter for a non-existing user: 200 empty")
		Expect(f.Get("/Users", filter("missing-"+userName))).To(matchers.BeListResponseWith(0))
		By("(5) Filter for an existing user with a different case")
		Expect(f.Get("/Users", filter(strings.ToUpper(userName)))).To(matchers.BeListResponseWith(1), "a userName filter in another case must find the user")
		By("(7) Update User userName: the id stays")
		renamed := "renamed-" + userName
		expectPatchedAny(patchUser(f, id, map[string]any{"op": "replace", "path": "userName", "value": renamed}))
		Expect(f.Get("/Users", filter(renamed))).To(matchers.BeListResponseWith(1))
		Expect(readUser(f, id)).To(HaveKeyWithValue("id", id))
		By("(8) Patch User – Disable User: the filtered GET shows active false")
		expectPatchedAny(patchUser(f, id, map[string]any{"op": "replace", "path": "active", "value": false}))
		Expect(f.Get("/Users", filter(renamed))).To(matchers.BeListResponseWith(1))
		Expect(readUser(f, id)).To(HaveKeyWithValue("active", false))

		By("(18) Create a new Group, (19) a duplicate Group: 409")
		name := f.Name("valgroup")
		g := f.CreateGroup(name)
		Expect(f.Send(f.Entra().CreateGroup(name+"-2", name))).To(matchers.HaveStatus(http.StatusConflict), "a duplicate group (same displayName) must be refused with 409")
		By("(13) Get group by id excluding members, (14) filter excluding members")
		Expect(f.Get("/Groups/"+g, map[string]string{"excludedAttributes": "members"})).To(matchers.HaveStatus(http.StatusOK))
		Expect(f.Get("/Groups", map[string]string{"filter": fmt.Sprintf("displayName eq %q", name), "excludedAttributes": "members"})).To(matchers.BeListResponseWith(1))
		By("(16) Filter for a non-existing group, (17) an existing group in another case")
		Expect(f.Get("/Groups", map[string]string{"filter": fmt.Sprintf("displayName eq %q", "missing-"+name)})).To(matchers.BeListResponseWith(0))
		Expect(f.Get("/Groups", map[string]string{"filter": fmt.Sprintf("displayName eq %q", strings.ToUpper(name))})).To(matchers.BeListResponseWith(1))

		By("(12) Delete a User: DELETE 204, then GET 404; deleting again answers 404 (preview test)")
		Expect(f.Do(framework.Request{Method: http.MethodDelete, Path: "/Users/" + id})).To(matchers.HaveStatus(http.StatusNoContent))
		Expect(f.Get("/Users/"+id, nil)).To(matchers.HaveStatus(http.StatusNotFound))
		Expect(f.Do(framework.Request{Method: http.MethodDelete, Path: "/Users/" + id})).To(matchers.HaveStatus(http.StatusNotFound))
		By("(24) Delete a Group")
		Expect(f.Do(framework.Request{Method: http.MethodDelete, Path: "/Groups/" + g})).To(matchers.HaveStatus(http.StatusNoContent))
	})

	framework.Spec(framework.Req("VAL-05"), "the validator's request style is accepted", func() {
		user := f.CreateUser(f.UserAttributes("style"))
		manager := f.CreateUser(f.UserAttributes("stylemgr"))

		By("path-less replace with a flat value object and lower-case op")
		expectPatchedAny(patchUser(f, user, map[string]any{"op": "replace", "value": map[string]any{
			"name.givenName": "Flat", "displayName": "Flat Value", protocol.EnterpriseUserSchema + ":employeeNumber": "E-42"}}))
		u := readUser(f, user)
		Expect(u).To(HaveKeyWithValue("displayName", "Flat Value"))
		Expect(u).To(HaveKeyWithValue("name", HaveKeyWithValue("givenName", "Flat")))
		Expect(enterprise(u)).To(HaveKeyWithValue("employeeNumber", "E-42"))

		By("manager set as a {value} object, removed with {value:\"\"}")
		expectPatchedAny(patchUser(f, user, map[string]any{"op": "replace", "path": protocol.ManagerPath, "value": map[string]any{"value": manager}}))
		Expect(enterprise(readUser(f, user))).To(HaveKeyWithValue("manager", HaveKeyWithValue("value", manager)))
		expectPatchedAny(patchUser(f, user, map[string]any{"op": "replace", "path": protocol.ManagerPath, "value": map[string]any{"value": ""}}))
		if m, ok := enterprise(readUser(f, user))["manager"]; ok {
			Expect(m).To(Or(BeNil(), HaveKeyWithValue("value", BeEmpty())))
		}

		By("group member added with replace, removed with members[value eq …]")
		g := f.CreateGroup(f.Name("stylegroup"))
		groupPatch := func(op map[string]any) {
			GinkgoHelper()
			expectPatchedAny(f.Do(framework.Request{Method: http.MethodPatch, Path: "/Groups/" + g, Body: patchBody(op)}))
		}
		groupPatch(map[string]any{"op": "replace", "path": "members", "value": []map[string]any{{"value": user}}})
		if ids, ok := memberIDs(readGroup(f, g)); ok {
			Expect(ids).To(ContainElement(user))
		}
		groupPatch(map[string]any{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", user)})
		if ids, ok := memberIDs(readGroup(f, g)); ok {
			Expect(ids).NotTo(ContainElement(user))
		}
	})
})
