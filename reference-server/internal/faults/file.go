package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// Meta describes what a plan reproduces; the catalogue in fixtures/faults
// fills it in, the injector only shows it back.
type Meta struct {
	// Spec lists the behaviour-spec IDs the plan reproduces, e.g. "ERR-01".
	Spec string `json:"spec,omitempty"`
	// ErrorCode is the provisioning-log errorCode Entra reports for it.
	ErrorCode string `json:"errorCode,omitempty"`
	// Description says what the plan does, in a sentence.
	Description string `json:"description,omitempty"`
}

// PlanFile is one plan: descriptive fields and ordered rules. It is also the
// body of PUT /admin/accounts/{id}/faults.
type PlanFile struct {
	Meta
	// Rules are evaluated in order; the first matching one with budget fires.
	Rules []Rule `json:"rules"`
}

// File is a fault file as read by LoadFile (`refserver --faults FILE`),
// YAML or JSON, in one of two shapes:
//
//	{"account": "acme", "rules": [...]}            one account's plan
//	{"rules": [...]}                               every account's plan
//	{"accounts": {"acme": {"rules": [...]}, ...}}  several accounts
//
// A plan without an account applies to every account that has no plan of
// its own, each getting its own hit counts. The descriptive fields of Meta
// may accompany any plan.
type File struct {
	// Account names the account of the top-level plan; empty means every account.
	Account string `json:"account,omitempty"`
	PlanFile
	// Accounts maps account ids to their plans.
	Accounts map[string]PlanFile `json:"accounts,omitempty"`
}

// ParseFile parses a fault file; name (a path or file name) selects JSON for
// ".json" and YAML otherwise, and appears in errors. Unknown fields are
// errors, so that a misspelt field is not silently ignored.
func ParseFile(name string, data []byte) (*File, error) {
	js := data
	if !strings.EqualFold(filepath.Ext(name), ".json") {
		var err error
		if js, err = yamlToJSON(data); err != nil {
			return nil, fmt.Errorf("fault file %s: %w", name, err)
		}
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fault file %s: %w", name, err)
	}
	return &f, nil
}

// LoadFile reads a fault file (see File) and applies it (see Load).
// cmd/refserver calls it for --faults FILE.
func (e *Injector) LoadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read fault file: %w", err)
	}
	f, err := ParseFile(path, data)
	if err != nil {
		return err
	}
	if err := e.Load(f); err != nil {
		return fmt.Errorf("fault file %s: %w", path, err)
	}
	return nil
}

// yamlToJSON re-encodes a YAML document as JSON, so that it is decoded
// with the same strict JSON rules as a JSON plan.
func yamlToJSON(data []byte) ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

// FromAPI converts the admin API's wire plan; the conversion of each rule
// is a compile-time check that Rule and adminapi.FaultRule have the same
// fields.
func FromAPI(p adminapi.FaultPlan) (Meta, []Rule) {
	rules := make([]Rule, len(p.Rules))
	for i, r := range p.Rules {
		rules[i] = Rule(r)
	}
	return Meta{Spec: p.Spec, ErrorCode: p.ErrorCode, Description: p.Description}, rules
}

// API converts a plan status to the admin API's wire type.
func (s Status) API() adminapi.FaultPlanStatus {
	out := adminapi.FaultPlanStatus{Spec: s.Spec, ErrorCode: s.ErrorCode, Description: s.Description,
		Rules: make([]adminapi.FaultRuleStatus, len(s.Rules))}
	for i, r := range s.Rules {
		out.Rules[i] = adminapi.FaultRuleStatus{FaultRule: adminapi.FaultRule(r.Rule), Hits: r.Hits}
	}
	return out
}
