package reports

import "time"

// Outcome is the result of one behaviour check.
type Outcome string

// Outcomes, in the order a reader cares about them.
const (
	Failed Outcome = "failed"
	// Blocked means a spec of the behaviour could not get to its own
	// assertion because another behaviour it needs (its precondition) failed;
	// the row names that behaviour in BlockedBy. It is not a failure of its
	// own ID, and not proof that it holds.
	Blocked       Outcome = "blocked"
	Passed        Outcome = "passed"
	Skipped       Outcome = "skipped"
	NotApplicable Outcome = "not-applicable"
)

// Level is the requirement level of a behaviour (RFC 2119 words used by the spec).
type Level string

// Levels: MUST behaviours form a profile's core, SHOULD behaviours its extended part.
const (
	Must   Level = "MUST"
	Should Level = "SHOULD"
)

// Profile names a set of behaviours a report sums up (entra-core, gtmhub, ...).
type Profile string

// Profile names (see the suites contract in the architecture note).
const (
	ProfileEntraCore    Profile = "entra-core"
	ProfileEntraGallery Profile = "entra-gallery"
	ProfileGtmhub       Profile = "gtmhub"
	ProfileRFC7644      Profile = "rfc7644"
)

// ProfileOrder is the order profiles are shown in; unknown profiles follow, sorted.
var ProfileOrder = []Profile{ProfileEntraCore, ProfileEntraGallery, ProfileGtmhub, ProfileRFC7644}

// Requirement describes one behaviour as the catalogue knows it.
type Requirement struct {
	// ID is the spec ID, e.g. ENTRA-FLOW-04.
	ID string `yaml:"id"`
	// Title is a one-line description of the behaviour.
	Title string `yaml:"title"`
	// Level is MUST (core) or SHOULD (extended).
	Level Level `yaml:"level"`
	// Profile is the profile the behaviour belongs to.
	Profile Profile `yaml:"profile"`
	// Feature groups behaviours a target may or may not support (users, groups, ...).
	Feature string `yaml:"feature"`
	// ErrorCode is what Entra's provisioning log shows when the behaviour fails.
	ErrorCode string `yaml:"errorCode,omitempty"`
	// ErrorCodeSource says where the code comes from: documented by
	// Microsoft, observed in the field, or this project's default where
	// Microsoft documents none, e.g. "documented (DOC S5)", "default (UNC-03)".
	ErrorCodeSource string `yaml:"errorCodeSource,omitempty"`
	// Fix is a one-line hint for the implementer.
	Fix string `yaml:"fix,omitempty"`
}

// Result is the outcome of one behaviour for one dialect.
type Result struct {
	Requirement `yaml:",inline"`
	// Dialect is legacy or compliant for behaviours checked per PATCH dialect, empty otherwise.
	Dialect string `yaml:"dialect,omitempty"`
	// Result is the outcome.
	Result Outcome `yaml:"result"`
	// Message explains a failure, skip or non-applicability.
	Message string `yaml:"message,omitempty"`
	// ConstructedForm is true when every request form of the behaviour in
	// fixtures/requests is constructed: no Microsoft page or field
	// observation shows it, so a verdict on it rests on our reading.
	ConstructedForm bool `yaml:"constructedForm,omitempty"`
	// BlockedBy names the behaviour (spec ID) whose failure blocked a blocked row.
	BlockedBy string `yaml:"blockedBy,omitempty"`
	// Cause is the answer a failed or blocked row comes down to, in a form
	// shared by every row with the same cause ("PATCH /Users/{id} → 405"),
	// so the report can group rows by root cause.
	Cause string `yaml:"cause,omitempty"`
	// Artefact is the path of the recorded HTTP exchanges of a failed or
	// blocked check, relative to the report.
	Artefact string `yaml:"artefact,omitempty"`
	// Specs is the number of specs that checked this behaviour in this dialect.
	Specs int `yaml:"specs"`
}

// Implementation identifies the endpoint under test.
type Implementation struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version,omitempty"`
	Contact string `yaml:"contact,omitempty"`
	URL     string `yaml:"url,omitempty"`
}

// Counts tallies results.
type Counts struct {
	Passed        int `yaml:"passed"`
	Failed        int `yaml:"failed"`
	Blocked       int `yaml:"blocked"`
	Skipped       int `yaml:"skipped"`
	NotApplicable int `yaml:"notApplicable"`
}

// Total is the number of results counted.
func (c Counts) Total() int {
	return c.Passed + c.Failed + c.Blocked + c.Skipped + c.NotApplicable
}

func (c *Counts) add(o Outcome) {
	switch o {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Blocked:
		c.Blocked++
	case Skipped:
		c.Skipped++
	case NotApplicable:
		c.NotApplicable++
	}
}

// Verdict summarises a set of results: failure if anything failed, partial if
// something was blocked or skipped, none when nothing ran, success otherwise.
type Verdict string

// Verdicts.
const (
	Success Verdict = "success"
	Partial Verdict = "partial"
	Failure Verdict = "failure"
	// None means nothing in the set was run (empty, or only not-applicable checks).
	None Verdict = "none"
)

// verdict is failure on any failure, none when nothing ran, partial when
// blocked or skipped rows leave the set unproven, success otherwise.
func (c Counts) verdict() Verdict {
	switch {
	case c.Failed > 0:
		return Failure
	case c.Passed+c.Blocked+c.Skipped == 0:
		return None
	case c.Blocked+c.Skipped > 0:
		return Partial
	default:
		return Success
	}
}

// LevelResult holds the results of one level (core = MUST, extended = SHOULD) of a profile.
type LevelResult struct {
	Verdict Verdict `yaml:"result"`
	Counts  `yaml:",inline"`
	// Failed lists the failed IDs (with dialect suffix when checked per dialect).
	FailedIDs []string `yaml:"failedIds,omitempty"`
	// BlockedIDs lists the blocked IDs.
	BlockedIDs []string `yaml:"blockedIds,omitempty"`
	// SkippedIDs lists the skipped IDs.
	SkippedIDs []string `yaml:"skippedIds,omitempty"`
}

// ProfileResult sums one profile.
type ProfileResult struct {
	Name     Profile `yaml:"name"`
	Verdict  Verdict `yaml:"result"`
	Counts   `yaml:",inline"`
	Core     LevelResult `yaml:"core"`
	Extended LevelResult `yaml:"extended"`
}

// Features lists which features the run showed as supported, failing or declared unsupported.
type Features struct {
	// Supported features had at least one passing check and no failure.
	Supported []string `yaml:"supported"`
	// Failing features had at least one failing check.
	Failing []string `yaml:"failing"`
	// Unsupported features were declared unsupported in the options (their checks were not run).
	Unsupported []string `yaml:"unsupported"`
}

// Report is the conformance report of one run.
type Report struct {
	APIVersion     string         `yaml:"apiVersion"`
	Kind           string         `yaml:"kind"`
	Implementation Implementation `yaml:"implementation"`
	Date           time.Time      `yaml:"date"`
	// TargetKind is embedded, url or container.
	TargetKind string `yaml:"targetKind"`
	// Dialects are the PATCH dialects the run used.
	Dialects []string `yaml:"dialects"`
	// Duration is the wall time of the run (written as text, e.g. "12.5s", by WriteYAML).
	Duration time.Duration `yaml:"-"`
	// Succeeded is false when any MUST behaviour failed or was blocked, or the
	// run itself failed.
	Succeeded bool `yaml:"succeeded"`
	// Headline is the verdict in one line, per profile ("entra-core: passes;
	// gtmhub: not tested"), derived by Finalize.
	Headline string `yaml:"headline"`
	// Banner says what Succeeded means for this run, without claiming more
	// than was tested (derived by Finalize).
	Banner string `yaml:"banner"`
	// Notes carry run-level messages (e.g. suite setup failures).
	Notes []string `yaml:"notes,omitempty"`
	// Totals counts every row of Results.
	Totals   Counts          `yaml:"totals"`
	Profiles []ProfileResult `yaml:"profiles"`
	Features Features        `yaml:"features"`
	// ConstructedOnly lists the behaviours (with their dialects) whose
	// request forms are all constructed, none documented or observed.
	ConstructedOnly []string `yaml:"constructedOnly,omitempty"`
	// Causes groups the failed and blocked rows by what they come down to,
	// largest group first: fix the first cause first.
	Causes  []CauseGroup `yaml:"causes,omitempty"`
	Results []Result     `yaml:"results"`
}

// CauseGroup is a set of failed or blocked rows that share one cause.
type CauseGroup struct {
	// Cause is the shared answer, e.g. "PATCH /Users/{id} → 405 Method Not Allowed".
	Cause string `yaml:"cause"`
	// Failed and Blocked list the row keys (ID, plus "/dialect") of each kind.
	Failed  []string `yaml:"failed,omitempty"`
	Blocked []string `yaml:"blocked,omitempty"`
}

// Rows is the number of rows of the group.
func (g CauseGroup) Rows() int { return len(g.Failed) + len(g.Blocked) }

// APIVersion and Kind identify the YAML document so readers can evolve with it.
const (
	APIVersion = "conformance.entra-scim-harness.quantive.com/v1alpha1"
	Kind       = "ConformanceReport"
)
