package faults

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// adminapi.FaultPlan, as clients send it, decodes strictly into the plan
// the injector takes, and FromAPI gives the same plan.
func TestAPIPlanDecodes(t *testing.T) {
	p := 0.5
	plan := adminapi.FaultPlan{Spec: "ERR-01", ErrorCode: "E", Description: "d", Rules: []adminapi.FaultRule{{
		Name: "all", Method: "POST", Path: "^/Users$", Query: "q", Status: 503, RetryAfter: 2, Delay: "1ms",
		Action: adminapi.FaultRespond, Body: "{}", Times: 3, Probability: &p}}}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := decodePlan(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	meta, rules := FromAPI(plan)
	if !reflect.DeepEqual(pf.Meta, meta) || !reflect.DeepEqual(pf.Rules, rules) {
		t.Fatalf("decoded %+v, FromAPI %+v %+v", pf, meta, rules)
	}
	if _, err := compileAll(rules); err != nil {
		t.Fatal(err)
	}
	// Every wire field name of a rule is the same on both sides.
	names := func(v any) map[string]bool {
		out := map[string]bool{}
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			n, _, _ := bytes.Cut([]byte(typ.Field(i).Tag.Get("json")), []byte(","))
			out[string(n)] = true
		}
		return out
	}
	if a, b := names(adminapi.FaultRule{}), names(Rule{}); !reflect.DeepEqual(a, b) {
		t.Errorf("adminapi.FaultRule fields %v, faults.Rule %v", a, b)
	}
	var st Status
	e := New(1)
	if err := e.SetPlan("a", meta, rules); err != nil {
		t.Fatal(err)
	}
	st = e.Plan("a")
	api := st.API()
	if api.Spec != "ERR-01" || len(api.Rules) != 1 || api.Rules[0].Name != "all" || *api.Rules[0].Probability != 0.5 {
		t.Errorf("status %+v", api)
	}
}
