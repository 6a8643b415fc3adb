package suites_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/suites/exchange"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// readUser reads a user by id as Entra does (ENTRA-FLOW-05: a spec that
// does not check it is blocked when the read fails) and decodes it.
func readUser(f *framework.Framework, id string) map[string]any {
	GinkgoHelper()
	x := f.Send(f.Entra().GetUser(id))
	f.Require("ENTRA-FLOW-05", x, SatisfyAll(matchers.BeAcceptedByEntra(outcome.GetUser), matchers.HaveStatus(http.StatusOK)), "read the user back as Entra does")
	var u map[string]any
	Expect(json.Unmarshal(x.Body, &u)).To(Succeed())
	return u
}

// workEmail returns the value of the work email of a decoded user.
func workEmail(u map[string]any) any {
	emails, _ := u["emails"].([]any)
	for _, e := range emails {
		if m, ok := e.(map[string]any); ok && m["type"] == "work" {
			return m["value"]
		}
	}
	return nil
}

// enterprise returns the enterprise extension object of a decoded user.
func enterprise(u map[string]any) map[string]any {
	e, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	return e
}

// memberIDs returns the member ids of a decoded group, and whether the
// group carried a members attribute at all.
func memberIDs(g map[string]any) ([]string, bool) {
	raw, ok := g["members"]
	if !ok {
		return nil, false
	}
	list, _ := raw.([]any)
	var ids []string
	for _, m := range list {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				ids = append(ids, v)
			}
		}
	}
	return ids, true
}

// expectPatched checks a PATCH answer: 200 or 204, and Entra accepts it.
func expectPatched(x any, call outcome.Call) {
	GinkgoHelper()
	Expect(x).To(patched(call))
}

func patched(call outcome.Call) types.GomegaMatcher {
	return SatisfyAll(matchers.HaveStatus(http.StatusOK, http.StatusNoContent), matchers.BeAcceptedByEntra(call))
}

// requirePatched checks a PATCH that a spec needs as a precondition and
// that belongs to behaviour id (e.g. adding members, ENTRA-FLOW-16): a spec
// that does not check id is blocked by it when the PATCH fails.
func requirePatched(f *framework.Framework, id string, x *exchange.Response, call outcome.Call, what string) {
	GinkgoHelper()
	f.Require(id, x, patched(call), what)
}

// addMembers adds members as Entra does, as a precondition (ENTRA-FLOW-16).
func addMembers(f *framework.Framework, group string, members ...string) {
	GinkgoHelper()
	for _, r := range f.Entra().AddMembers(group, members) {
		requirePatched(f, "ENTRA-FLOW-16", f.Send(r), outcome.PatchGroup, "add members as Entra does")
	}
}

// patchBody wraps operations in a PatchOp message.
func patchBody(ops ...map[string]any) map[string]any {
	list := make([]any, len(ops))
	for i, op := range ops {
		list[i] = op
	}
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": list}
}

// activeBehaviour is the behaviour a PATCH of active depends on in a
// dialect: legacy writes it as the string "True"/"False" (ENTRA-PATCH-02),
// compliant as a boolean, the plain disable of ENTRA-FLOW-09.
func activeBehaviour(dialect scim.Dialect) string {
	if dialect == scim.Legacy {
		return "ENTRA-PATCH-02"
	}
	return "ENTRA-FLOW-09"
}

// opName writes an op as the dialect does: capitalised in legacy (ENTRA-PATCH-01).
func opName(dialect scim.Dialect, op string) string {
	if dialect == scim.Legacy {
		return strings.ToUpper(op[:1]) + op[1:]
	}
	return op
}

// patchUser sends a raw PATCH to a user.
func patchUser(f *framework.Framework, id string, ops ...map[string]any) *exchange.Response {
	GinkgoHelper()
	return f.Do(framework.Request{Method: http.MethodPatch, Path: "/Users/" + id, Body: patchBody(ops...)})
}

// expectPatchedAny checks a PATCH answer is 200 or 204 (no Entra reading:
// the validator, not Entra, sent it).
func expectPatchedAny(x *exchange.Response) {
	GinkgoHelper()
	Expect(x).To(matchers.HaveStatus(http.StatusOK, http.StatusNoContent))
}

// sameMembers reports whether ids lists exactly want, each once.
func sameMembers(ids []string, want ...string) bool {
	if len(ids) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(ids, w) {
			return false
		}
	}
	return true
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func keysOf(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
