package framework

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Options is the YAML options file a vendor keeps next to their CI job.
// Environment variables and flags override it.
//
//	implementation: {name: Acme SCIM, version: 2.3.1, contact: scim@acme.test, url: https://acme.test}
//	dialects: [legacy, compliant]
//	features: {skip: [etag], force: [groups]}
//	timeouts: {request: 30s, spec: 2m}
//	runPrefix: acme-ci
//	profiles: [gtmhub]
//	referenceCheck: false
//	managerForm: documented
type Options struct {
	Implementation reports.Implementation `yaml:"implementation"`
	// Dialects are the PATCH dialects to test; default both.
	Dialects []scim.Dialect `yaml:"dialects"`
	Features struct {
		// Skip lists features the target does not offer: their specs are not applicable.
		Skip []requirements.Feature `yaml:"skip"`
		// Force lists features to test even when discovery says they are unsupported.
		Force []requirements.Feature `yaml:"force"`
	} `yaml:"features"`
	Timeouts struct {
		// Request bounds one HTTP request (default 30s).
		Request time.Duration `yaml:"request"`
		// Spec bounds one spec (default 2m).
		Spec time.Duration `yaml:"spec"`
	} `yaml:"timeouts"`
	// RunPrefix is put in front of every name the suite creates.
	RunPrefix string `yaml:"runPrefix"`
	// Profiles asks for profiles that otherwise apply only to some targets:
	// gtmhub's rows apply when the tenant URL has Gtmhub's shape
	// (…/api/v1/scim/azure/{account}, GTM-01) or when listed here.
	Profiles []reports.Profile `yaml:"profiles"`
	// ReferenceCheck says whether the engine sends Entra's manager reference
	// check before a manager PATCH (ENTRA-FLOW-06, a SHOULD whose use by
	// today's Entra is [UNC]); default true. With false the cycles leave it
	// out and ENTRA-FLOW-06 is not applicable.
	ReferenceCheck *bool `yaml:"referenceCheck"`
	// ManagerForm is the form of the manager PATCH the cycles send
	// (ENTRA-FLOW-08): observed (default; URN path, bare id, OBS O3) or
	// documented (the tutorial's "manager" path with [{"$ref","value"}]).
	ManagerForm string `yaml:"managerForm"`
	// Load sizes the load spec (feature load).
	Load LoadOptions `yaml:"load"`
}

// LoadOptions size the load spec: an Entra-like initial cycle of generated
// users and groups at Entra's pace.
//
//	load: {users: 200, groups: 10, concurrency: 4, entraTimeout: 60s}
type LoadOptions struct {
	// Users and Groups in the generated directory (default 200 and 10).
	Users  int `yaml:"users"`
	Groups int `yaml:"groups"`
	// Concurrency is the number of objects exported at once, 1-5 as Entra
	// does (default 4).
	Concurrency int `yaml:"concurrency"`
	// EntraTimeout is Entra's per-request timeout every answer must beat
	// (ENTRA-HTTP-08; default 60s).
	EntraTimeout time.Duration `yaml:"entraTimeout"`
}

// Load defaults.
const (
	DefaultLoadUsers        = 200
	DefaultLoadGroups       = 10
	DefaultLoadConcurrency  = 4
	DefaultLoadEntraTimeout = 60 * time.Second
)

// ReadOptions reads and strictly decodes an options file: unknown keys are
// errors, reported with their line, so a typo cannot silently drop a setting.
func ReadOptions(path string) (*Options, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("options file: %w", err)
	}
	var o Options
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil {
		if errors.Is(err, io.EOF) {
			return &o, nil // an empty file sets nothing
		}
		return nil, fmt.Errorf("options file %s: %w", path, err)
	}
	return &o, nil
}
