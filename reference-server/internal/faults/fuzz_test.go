package faults_test

import (
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

// FuzzParseFile: any fault file either parses and loads, or fails with an
// error; never a panic. A plan that loads shows back every rule.
func FuzzParseFile(f *testing.F) {
	plans, err := fixtures.FaultPlans()
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range plans {
		f.Add(p.Name+".yaml", p.YAML)
		f.Add(p.Name+".json", p.JSON)
	}
	f.Add("x.yaml", []byte("accounts: {a: {rules: [{status: 500}]}}"))
	f.Add("x.yaml", []byte("rules: [{path: '(', status: 500}]"))
	f.Add("x.json", []byte(`{"rules":[{"status":1e99}]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		pf, err := faults.ParseFile(name, data)
		if err != nil {
			return
		}
		e := faults.New(1)
		if err := e.Load(pf); err != nil {
			return
		}
		if pf.Account != "" || len(pf.Rules) > 0 {
			account := pf.Account
			if account == "" {
				account = "any"
			}
			if got := len(e.Plan(account).Rules); got != len(pf.Rules) {
				t.Fatalf("loaded %d rules, plan shows %d", len(pf.Rules), got)
			}
		}
	})
}
