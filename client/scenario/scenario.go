// Package scenario runs failure scenarios: a source directory, a fault plan
// from the catalogue (fixtures/faults), a number of cycles on the
// simulated clock and the expected result (log error codes, job status,
// quarantine reason). A scenario is how a developer reproduces "my job
// went into quarantine on Tuesday" (issue 6) in seconds, against the
// reference server or any target that offers its admin API.
//
// File format (YAML, fixtures/scenarios/*.yaml):
//
//	description: what happens
//	start: 2026-01-05T09:00:00Z   # optional simulated start (default 2026-01-01)
//	interval: 40m                 # optional cycle interval (default 40m)
//	settings:                     # optional
//	  thresholds: {minFailures: 2, proportionPercent: 40, baseFailures: 0, totalFailures: 0}
//	  timeout: 300ms              # per-request client timeout (default 5s)
//	  retryAfterCap: 1ms          # longest real wait for 429 Retry-After (default 1ms: on the simulated clock)
//	  mapping: {accidentalDeletions: {enabled: true, threshold: 1}}   # optional mapping file content
//	directory: small.yaml         # a fixture name, a path relative to the scenario file,
//	directoryInline: |            # ... or the directory itself
//	  app: ...
//	faults: err-22-credentials-rejected   # a catalogue entry; "none" clears
//	cycles: 3                     # cycles of a single-phase scenario
//	timeline:                     # or phases, run in order; each may change
//	  - cycles: 36                #   directory, faults and check expectations
//	  - directory: other.yaml
//	    faults: err-22-credentials-rejected
//	    cycles: 10
//	    expect: {status: Quarantine, reason: EncounteredQuarantineException}
//	expect:                       # checked at the end
//	  errorCodes: [SystemForCrossDomainIdentityManagementCredentialValidationFailure]
//	  status: Active              # NotRun | Active | Quarantine | Paused | Disabled
//	  reason: ""                  # quarantine reason ("" = not quarantined)
//	  escrowed: 0                 # escrow entries left (optional)
//	  emails: 1                   # quarantine emails written (optional)
package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// Scenario is one parsed scenario file.
type Scenario struct {
	// Name is the file name without extension.
	Name        string   `yaml:"-"`
	Description string   `yaml:"description"`
	Start       string   `yaml:"start"`
	Interval    string   `yaml:"interval"`
	Settings    Settings `yaml:"settings"`
	// Directory, DirectoryInline, Faults and Cycles describe a scenario of
	// one phase; Timeline lists several.
	Directory       string  `yaml:"directory"`
	DirectoryInline string  `yaml:"directoryInline"`
	Faults          string  `yaml:"faults"`
	Cycles          int     `yaml:"cycles"`
	Timeline        []Phase `yaml:"timeline"`
	Expect          Expect  `yaml:"expect"`

	// dir is the folder of the scenario file, for relative directory paths.
	dir string
	// start and interval, parsed.
	start    time.Time
	interval time.Duration
}

// Settings tune the job and the client for the scenario.
type Settings struct {
	Thresholds    Thresholds `yaml:"thresholds"`
	Timeout       string     `yaml:"timeout"`
	RetryAfterCap string     `yaml:"retryAfterCap"`
	// Mapping is a mapping file (client/mapping format) as YAML.
	Mapping yaml.Node `yaml:"mapping"`
	// NotificationEmail receives the quarantine emails; default
	// admin@contoso.com.
	NotificationEmail string `yaml:"notificationEmail"`
}

// Thresholds are the QUAR-03 numbers (0 = default).
type Thresholds struct {
	MinFailures       int64 `yaml:"minFailures"`
	ProportionPercent int64 `yaml:"proportionPercent"`
	BaseFailures      int64 `yaml:"baseFailures"`
	TotalFailures     int64 `yaml:"totalFailures"`
}

// Phase is one stretch of the timeline.
type Phase struct {
	Directory       string  `yaml:"directory"`
	DirectoryInline string  `yaml:"directoryInline"`
	Faults          string  `yaml:"faults"`
	Cycles          int     `yaml:"cycles"`
	Expect          *Expect `yaml:"expect"`
}

// Expect is what must hold after a phase or at the end.
type Expect struct {
	// ErrorCodes are the errorCodes of the provisioning-log records (so far),
	// as a set: each must occur and no other may.
	ErrorCodes []string `yaml:"errorCodes"`
	// Status is the job status code; Reason the quarantine reason.
	Status string  `yaml:"status"`
	Reason *string `yaml:"reason"`
	// Escrowed is the number of escrow entries; Emails of emails written.
	Escrowed *int `yaml:"escrowed"`
	Emails   *int `yaml:"emails"`
}

// ErrInvalid reports a scenario that cannot run.
var ErrInvalid = errors.New("invalid scenario")

// Load reads a scenario file.
func Load(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	sc, err := Parse(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), b)
	if err != nil {
		return nil, err
	}
	sc.dir = filepath.Dir(path)
	return sc, nil
}

// Parse reads a scenario from YAML; unknown fields are errors.
func Parse(name string, data []byte) (*Scenario, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	sc := &Scenario{Name: name}
	if err := dec.Decode(sc); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrInvalid, name, err)
	}
	if err := sc.validate(); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrInvalid, name, err)
	}
	return sc, nil
}

func (sc *Scenario) validate() error {
	sc.start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if sc.Start != "" {
		t, err := time.Parse(time.RFC3339, sc.Start)
		if err != nil {
			return fmt.Errorf("start: %w", err)
		}
		sc.start = t.UTC()
	}
	sc.interval = 40 * time.Minute
	if sc.Interval != "" {
		d, err := time.ParseDuration(sc.Interval)
		if err != nil || d <= 0 {
			return fmt.Errorf("interval %q: want a positive duration such as 40m", sc.Interval)
		}
		sc.interval = d
	}
	for _, s := range []struct{ name, v string }{{"settings.timeout", sc.Settings.Timeout}, {"settings.retryAfterCap", sc.Settings.RetryAfterCap}} {
		if s.v == "" {
			continue
		}
		if d, err := time.ParseDuration(s.v); err != nil || d <= 0 {
			return fmt.Errorf("%s %q: want a positive duration", s.name, s.v)
		}
	}
	if len(sc.Timeline) == 0 {
		sc.Timeline = []Phase{{Directory: sc.Directory, DirectoryInline: sc.DirectoryInline, Faults: sc.Faults, Cycles: sc.Cycles}}
	} else if sc.Cycles != 0 || sc.Faults != "" {
		return errors.New("cycles and faults go into the timeline's phases when there is a timeline")
	}
	if sc.Timeline[0].Directory == "" && sc.Timeline[0].DirectoryInline == "" {
		sc.Timeline[0].Directory, sc.Timeline[0].DirectoryInline = sc.Directory, sc.DirectoryInline
	}
	if sc.Timeline[0].Directory == "" && sc.Timeline[0].DirectoryInline == "" {
		return errors.New("a directory (directory or directoryInline) is required")
	}
	for i, p := range sc.Timeline {
		if p.Cycles < 1 {
			return fmt.Errorf("timeline[%d]: cycles must be at least 1", i)
		}
		if p.Directory != "" && p.DirectoryInline != "" {
			return fmt.Errorf("timeline[%d]: directory and directoryInline are exclusive", i)
		}
		if p.Faults != "" && p.Faults != "none" {
			if _, err := fixtures.LookupFaultPlan(p.Faults); err != nil {
				return fmt.Errorf("timeline[%d]: %w", i, err)
			}
		}
		if p.Expect != nil {
			if err := p.Expect.validate(); err != nil {
				return fmt.Errorf("timeline[%d].expect: %w", i, err)
			}
		}
	}
	return sc.Expect.validate()
}

func (e *Expect) validate() error {
	if e.Status != "" {
		switch quarantine.Code(e.Status) {
		case quarantine.CodeNotRun, quarantine.CodeActive, quarantine.CodeQuarantine, quarantine.CodePaused, quarantine.CodeDisabled:
		default:
			return fmt.Errorf("status %q (want NotRun, Active, Quarantine, Paused or Disabled)", e.Status)
		}
	}
	if e.Reason != nil && *e.Reason != "" {
		if _, err := quarantine.ParseReason(*e.Reason); err != nil {
			return err
		}
	}
	return nil
}

// directoryYAML returns the phase's directory file, or nil to keep the
// previous one.
func (sc *Scenario) directoryYAML(p Phase) ([]byte, string, error) {
	switch {
	case p.DirectoryInline != "":
		return []byte(p.DirectoryInline), sc.Name + " (inline directory)", nil
	case p.Directory == "":
		return nil, "", nil
	}
	if b, err := fixtures.Directory(p.Directory); err == nil {
		return b, p.Directory, nil
	}
	path := p.Directory
	if !filepath.IsAbs(path) && sc.dir != "" {
		path = filepath.Join(sc.dir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("directory %q: not a fixture and not a file: %w", p.Directory, err)
	}
	return b, path, nil
}
