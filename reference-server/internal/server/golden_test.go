package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
)

// Every golden Entra request of ENTRA-FLOW-01..22 (fixtures/requests, the
// files the client is tested against too), replayed in both dialects in the
// order Entra would send them, answers as the spec says.
func TestGoldenEntraRequests_FLOW01_to_FLOW22(t *testing.T) {
	for _, dialect := range fixtures.RequestDialects {
		t.Run(dialect, func(t *testing.T) {
			reqs, err := fixtures.Requests(dialect)
			if err != nil {
				t.Fatal(err)
			}
			if len(reqs) < 20 {
				t.Fatalf("only %d golden requests", len(reqs))
			}
			e := newEnv(t)
			vars := map[string]string{
				"probeId":   "5b8a8f2e-0d2c-4a9e-9f6b-1c2d3e4f5a6b",
				"managerId": e.createUser("manager@contoso.com"),
				"memberId":  e.createUser("member@contoso.com"),
				"tenantUrl": e.base,
			}
			// Deletions go last so that the later flows still have their objects.
			var ordered, deletes []fixtures.Request
			for _, r := range reqs {
				if r.Method == http.MethodDelete {
					deletes = append(deletes, r)
				} else {
					ordered = append(ordered, r)
				}
			}
			send := func(r fixtures.Request) resp {
				t.Helper()
				rr, err := r.Render(vars)
				if err != nil {
					t.Fatal(err)
				}
				path := rr.Path
				if rr.Query != "" {
					path += "?" + rr.Query
				}
				var body any
				if rr.HasBody() {
					body = []byte(rr.Body)
				}
				return e.do(rr.Method, path, body)
			}
			byName := map[string]fixtures.Request{}
			for _, r := range append(ordered, deletes...) {
				byName[r.Name] = r
				res := send(r)
				want := map[string]int{"GET": 200, "POST": 201, "DELETE": 204, "PATCH": 200}[r.Method]
				if r.Method == "PATCH" && strings.HasPrefix(r.Path, "/Groups") {
					want = 204 // ENTRA-PATCH-10
				}
				if res.status != want {
					t.Fatalf("%s (%s): %d, want %d: %s", r.Name, r.Flow, res.status, want, res.raw)
				}
				if len(res.raw) > 0 && res.header.Get("Content-Type") != ContentType {
					t.Fatalf("%s: Content-Type %q", r.Name, res.header.Get("Content-Type"))
				}
				if r.Method == "GET" && res.body["Resources"] != nil && strings.Contains(r.Query, "excludedAttributes=members") {
					for _, g := range res.resources() {
						if g["members"] != nil {
							t.Fatalf("%s: members despite excludedAttributes (FLOW-12)", r.Name)
						}
					}
				}
				switch {
				case r.Method == "POST" && r.Path == "/Users":
					vars["userId"] = res.str("id")
				case r.Method == "POST" && r.Path == "/Groups":
					vars["groupId"] = res.str("id")
				}
				user := func() resp { return e.get("/Users/" + vars["userId"]) }
				manager := func() any {
					ent, _ := user().body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
					if m, ok := ent["manager"].(map[string]any); ok {
						return m["value"]
					}
					return ent["manager"]
				}
				switch {
				case strings.HasPrefix(r.Name, "01-"), strings.HasPrefix(r.Name, "02-"):
					if res.total() != 0 || res.body["Resources"] == nil {
						t.Fatalf("%s: Test Connection wants an empty ListResponse: %s", r.Name, res.raw)
					}
				case strings.Contains(r.Name, "set-manager"):
					if got := manager(); got != vars["managerId"] {
						t.Fatalf("%s: manager %v, want %s (object form)", r.Name, got, vars["managerId"])
					}
					if check := send(byName["12-reference-check-manager"]); check.total() != 1 {
						t.Fatalf("%s: FLOW-06 check after setting the manager: %s", r.Name, check.raw)
					}
				case strings.Contains(r.Name, "clear-manager"):
					if got := manager(); got != nil {
						t.Fatalf("%s: manager not cleared: %v", r.Name, got)
					}
				case strings.Contains(r.Name, "disable-user"):
					if user().body["active"] != false {
						t.Fatalf("%s: not disabled", r.Name)
					}
				case strings.Contains(r.Name, "enable-user"):
					if user().body["active"] != true {
						t.Fatalf("%s: not enabled", r.Name)
					}
				case strings.Contains(r.Name, "create-group"):
					if ms, ok := res.body["members"].([]any); !ok || len(ms) != 0 {
						t.Fatalf("%s: want members [] (FLOW-13): %s", r.Name, res.raw)
					}
				case strings.Contains(r.Name, "add-members"):
					if got := memberValues(e.get("/Groups/" + vars["groupId"])); len(got) != 1 || got[0] != vars["memberId"] {
						t.Fatalf("%s: members %v", r.Name, got)
					}
				case strings.Contains(r.Name, "remove-members"):
					if got := memberValues(e.get("/Groups/" + vars["groupId"])); len(got) != 0 {
						t.Fatalf("%s: members %v", r.Name, got)
					}
				case strings.Contains(r.Name, "list-users-page"):
					if res.body["startIndex"] != float64(6) {
						t.Fatalf("%s: startIndex %v", r.Name, res.body["startIndex"])
					}
				case strings.Contains(r.Name, "delete-user"):
					expect(t, e.get("/Users/"+vars["userId"]), http.StatusNotFound)
				case strings.Contains(r.Name, "delete-group"):
					expect(t, e.get("/Groups/"+vars["groupId"]), http.StatusNotFound)
				}
			}
		})
	}
}
