package patch

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// goldenVars fills the golden requests' placeholders.
var goldenVars = map[string]string{
	"userId": "u1", "managerId": "m1", "groupId": "g1", "memberId": "u7",
	"probeId": "0b3c6c35-5d3e-4a83-9c1d-7d3f3e8b1a11", "tenantUrl": "http://127.0.0.1:1/api/v1/scim/azure/acc",
}

// TestGoldenEntraRequests replays every recorded Entra request of both
// dialects (fixtures/requests) through the resource semantics: bodies
// normalise, PATCHes apply with the effect their flow promises, filters
// parse and evaluate without error.
func TestGoldenEntraRequests(t *testing.T) {
	reqs, err := fixtures.AllRequests()
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) < 40 {
		t.Fatalf("only %d golden requests found", len(reqs))
	}
	for _, raw := range reqs {
		t.Run(raw.Flow+"_"+raw.Dialect+"_"+raw.Name, func(t *testing.T) {
			vars := map[string]string{}
			for _, p := range raw.Placeholders() {
				v, ok := goldenVars[p]
				if !ok {
					v = "x-" + p
				}
				vars[p] = v
			}
			r, err := raw.Render(vars)
			if err != nil {
				t.Fatal(err)
			}
			rt := schema.User()
			if strings.HasPrefix(r.Path, "/Groups") {
				rt = schema.Group()
			}
			if q, err := url.ParseQuery(r.Query); err == nil && q.Get("filter") != "" {
				expr, err := protocol.ParseFilter(q.Get("filter"))
				if err != nil {
					t.Fatalf("filter %q: %v", q.Get("filter"), err)
				}
				if err := query.Validate(expr, rt); err != nil {
					t.Fatalf("filter %q: %v", q.Get("filter"), err)
				}
			}
			switch r.Method {
			case "POST":
				if !strings.HasPrefix(r.Path, "/Users") && !strings.HasPrefix(r.Path, "/Groups") {
					return
				}
				if _, err := resource.Normalize(rt, r.Body); err != nil {
					t.Fatalf("Normalize: %v", err)
				}
			case "PATCH":
				var req protocol.PatchRequest
				if err := json.Unmarshal(r.Body, &req); err != nil {
					t.Fatal(err)
				}
				start := goldenStart(t, rt, r.Flow)
				res, err := ApplyDetailed(rt, start, req.Operations)
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				checkFlowEffect(t, r.Flow, r.Name, res)
			}
		})
	}
}

func goldenStart(t *testing.T, rt *schema.Resource, flow string) resource.Resource {
	if rt == schema.Group() {
		members := `[{"value":"u1"},{"value":"u7"}]`
		if flow == "ENTRA-FLOW-16" {
			members = `[{"value":"u1"}]`
		}
		return decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales",
			"members":`+members+`}`)
	}
	return decode(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"id":"u1","userName":"old@contoso.com","active":true,"emails":[{"type":"home","value":"h@x"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m0"}}}`)
}

// checkFlowEffect asserts what the flow's PATCH must have done.
func checkFlowEffect(t *testing.T, flow, name string, r *Result) {
	t.Helper()
	res := r.Resource
	ent, _ := res[protocol.EnterpriseUserSchema].(map[string]any)
	mgr, _ := ent["manager"].(map[string]any)
	members := strings.Join(memberIDs(res, schema.Group().Core.Attr("members")), ",")
	fail := func(what string) {
		b, _ := json.Marshal(res)
		t.Fatalf("%s: %s; got %s", flow, what, b)
	}
	switch {
	case flow == "ENTRA-FLOW-08" && strings.Contains(name, "clear"):
		if mgr != nil {
			fail("manager not cleared")
		}
	case flow == "ENTRA-FLOW-08":
		if mgr == nil || mgr["value"] != "m1" {
			fail("manager not set to m1 in complex form")
		}
	case flow == "ENTRA-FLOW-09":
		if res["active"] != false {
			fail("active not false")
		}
	case flow == "ENTRA-FLOW-10":
		if res["active"] != true {
			fail("active not true")
		}
	case flow == "ENTRA-FLOW-16":
		if members != "u1,u7" || strings.Join(r.MembersAdded, ",") != "u7" {
			fail("member u7 not added once")
		}
	case flow == "ENTRA-FLOW-17":
		if members != "u1" || strings.Join(r.MembersRemoved, ",") != "u7" {
			fail("member u7 not removed")
		}
	case flow == "ENTRA-FLOW-15":
		if res["displayName"] != "updatedDisplayName" {
			fail("displayName not replaced")
		}
	case flow == "ENTRA-FLOW-07" && strings.Contains(name, "multivalued"):
		emails, _ := res["emails"].([]any)
		if len(emails) != 2 {
			fail("work email not upserted next to the home email (ENTRA-PATCH-07)")
		}
	case flow == "ENTRA-FLOW-19":
		if roles, _ := res["roles"].([]any); len(roles) == 0 {
			fail("roles not set")
		}
	}
}
