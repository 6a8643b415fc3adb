package suites_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// disableOp is the disable operation as each dialect sends it (ENTRA-FLOW-09,
// ENTRA-PATCH-02): legacy capitalises the op and sends a string.
func disableOp(dialect scim.Dialect) map[string]any {
	if dialect == scim.Legacy {
		return map[string]any{"op": "Replace", "path": "active", "value": "False"}
	}
	return map[string]any{"op": "replace", "path": "active", "value": false}
}

var _ = Describe("Disabling a user", func() {
	f := framework.New()

	framework.ForEachDialect(func(dialect scim.Dialect) {
		framework.Spec(framework.Req("ENTRA-FLOW-09", "ENTRA-PATCH-02", "ENTRA-REQ-08"), "a disabled user stays visible by id and by filter with active false", func() {
			body := f.NewUser("disable")
			created := f.Create("Users", body)
			Expect(created).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
			var user struct {
				ID string `json:"id"`
			}
			Expect(created.DecodeJSON(&user)).To(Succeed())

			f.Check("ENTRA-PATCH-02", func() {
				By("PATCH active in the " + string(dialect) + " dialect")
				patch := map[string]any{"schemas": []string{protocol.PatchOpSchema}, "Operations": []any{disableOp(dialect)}}
				Expect(f.Do(framework.Request{Method: http.MethodPatch, Path: "/Users/" + user.ID, Body: patch})).To(matchers.HaveStatus(http.StatusOK, http.StatusNoContent),
					"the disable PATCH with active as the %s dialect writes it", dialect)
			})

			f.Check("ENTRA-FLOW-09", func() {
				By("GET /Users/{id}")
				Expect(f.Get("/Users/"+user.ID, nil)).To(SatisfyAll(matchers.HaveStatus(http.StatusOK), matchers.HaveAttribute("active", false)), "the disabled user read by id")
			})
			f.Check("ENTRA-REQ-08", func() {
				By("filter by userName, as the validator's Disable User test does (OBS O2)")
				list := f.Get("/Users", map[string]string{"filter": fmt.Sprintf("userName eq %q", body["userName"])})
				Expect(list).To(matchers.BeListResponseWith(1), "the disabled user found by its userName")
				var l struct {
					Resources []json.RawMessage `json:"Resources"`
				}
				Expect(list.DecodeJSON(&l)).To(Succeed())
				var found map[string]any
				Expect(json.Unmarshal(l.Resources[0], &found)).To(Succeed())
				Expect(found).To(HaveKeyWithValue("active", false), "the filtered user must carry active:false")
			})

			if dialect == scim.Legacy {
				// Microsoft's pages disagree on the default dialect's disable:
				// the compatibility page (DOC S2) sends "Replace" with the
				// string "False", the 2025 tutorial (DOC S1, "Disable user")
				// "Replace" with a boolean false. Send both, so a server that
				// accepts only one is caught.
				f.Check("ENTRA-PATCH-02", func() {
					By("re-enable, then the tutorial's disable form")
					enable := map[string]any{"op": "Replace", "path": "active", "value": "True"}
					Expect(f.Do(framework.Request{Method: http.MethodPatch, Path: "/Users/" + user.ID, Body: patchBody(enable)})).To(matchers.HaveStatus(http.StatusOK, http.StatusNoContent),
						"the legacy re-enable with the string \"True\"")
					tutorial := map[string]any{"op": "Replace", "path": "active", "value": false}
					Expect(f.Do(framework.Request{Method: http.MethodPatch, Path: "/Users/" + user.ID, Body: patchBody(tutorial)})).To(matchers.HaveStatus(http.StatusOK, http.StatusNoContent),
						"the tutorial's disable, \"Replace\" with a boolean false")
				})
				Expect(f.Get("/Users/"+user.ID, nil)).To(SatisfyAll(matchers.HaveStatus(http.StatusOK), matchers.HaveAttribute("active", false)),
					"active after the tutorial's disable form")
			}
		})
	})
})
