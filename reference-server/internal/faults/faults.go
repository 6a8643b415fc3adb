// Package faults injects failures into SCIM requests per account, so that
// any error Entra's provisioning logs show can be reproduced (spec sections
// 5 and 9): an error status, a delay, a dropped connection or a 2xx body
// that is not SCIM.
//
// Each account has a plan: ordered rules, the first matching rule with
// budget left fires. Plans are set through the admin API (Admin) or loaded
// from a YAML or JSON file (LoadFile). A request answered by a fault never
// reaches the SCIM handlers, so it is never applied.
package faults

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Injector holds the fault plan of every account. It is safe for concurrent use.
type Injector struct {
	mu       sync.Mutex
	rng      *rand.Rand
	plans    map[string]*plan
	defaults *plan // for accounts without a plan of their own (files without an account)
}

// plan is one account's rules plus the descriptive fields it was loaded with.
type plan struct {
	meta  Meta
	rules []*compiled
}

// New returns an injector whose probabilistic rules draw from seed, so that
// the same seed and the same request sequence fire the same faults.
func New(seed int64) *Injector {
	return &Injector{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x5c1a_fa17)),
		plans: map[string]*plan{},
	}
}

// SetPlan validates rules and replaces the plan of account with them, hit
// counts starting at zero. On a validation error (a *ValidationError) the
// old plan stays.
func (e *Injector) SetPlan(account string, meta Meta, rules []Rule) error {
	cs, err := compileAll(rules)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.plans[account] = &plan{meta: meta, rules: cs}
	return nil
}

// Clear removes the plan of account, including the default plan copy it
// would otherwise get: after Clear the account has no faults.
func (e *Injector) Clear(account string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.plans[account] = &plan{}
}

// Forget drops everything the injector holds for account, as when the
// account is deleted: an account created again under the same id starts
// like a new one (with the default plan, if a file set one).
func (e *Injector) Forget(account string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.plans, account)
}

// planLocked returns the account's plan, copying the default plan the first
// time. e.mu must be held.
func (e *Injector) planLocked(account string) *plan {
	if p, ok := e.plans[account]; ok {
		return p
	}
	if e.defaults == nil {
		return nil
	}
	p := &plan{meta: e.defaults.meta, rules: make([]*compiled, len(e.defaults.rules))}
	for i, c := range e.defaults.rules {
		cp := *c
		cp.hits = 0
		p.rules[i] = &cp
	}
	e.plans[account] = p
	return p
}

// Status is a plan as the admin API shows it.
type Status struct {
	Meta
	// Rules are the rules as given, each with its hit count.
	Rules []RuleStatus `json:"rules"`
}

// RuleStatus is a rule with how often it fired.
type RuleStatus struct {
	Rule
	// Hits counts how often the rule fired.
	Hits int `json:"hits"`
}

// Plan returns the account's plan with hit counts (no rules when it has none).
func (e *Injector) Plan(account string) Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := Status{Rules: []RuleStatus{}}
	p := e.planLocked(account)
	if p == nil {
		return st
	}
	st.Meta = p.meta
	for _, c := range p.rules {
		st.Rules = append(st.Rules, RuleStatus{Rule: c.Rule, Hits: c.hits})
	}
	return st
}

// Load applies a parsed plan file: the plan without an account becomes the
// default plan, every named account gets its plan. Everything is validated
// before anything is applied.
func (e *Injector) Load(f *File) error {
	type pending struct {
		account string
		p       *plan
	}
	var all []pending
	add := func(account string, pf PlanFile) error {
		cs, err := compileAll(pf.Rules)
		if err != nil {
			if account == "" {
				return err
			}
			return fmt.Errorf("account %q: %w", account, err)
		}
		all = append(all, pending{account, &plan{meta: pf.Meta, rules: cs}})
		return nil
	}
	if f.Account != "" || len(f.Rules) > 0 {
		if err := add(f.Account, f.PlanFile); err != nil {
			return err
		}
	}
	for id, pf := range f.Accounts {
		if id == "" {
			return fmt.Errorf("accounts: empty account id")
		}
		if err := add(id, pf); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, pd := range all {
		if pd.account == "" {
			e.defaults = pd.p
		} else {
			e.plans[pd.account] = pd.p
		}
	}
	return nil
}
