// Package ginkgoreport turns Ginkgo's report of a suite run into the
// conformance report model, reading each spec's labels (spec IDs, profile,
// feature, dialect) and filling titles, error codes and fixes from the
// requirements catalogue.
package ginkgoreport

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Input is what the report needs beyond Ginkgo's report.
type Input struct {
	Implementation reports.Implementation
	TargetKind     string
	Dialects       []string
	// Unsupported are the features declared or discovered as unsupported.
	Unsupported []string
	// Catalogue describes spec IDs; nil means requirements.Describe.
	Catalogue func(id string) (reports.Requirement, bool)
	// PerDialect says whether a behaviour is reported once per dialect; nil
	// means the catalogue's PerDialect. A per-dialect behaviour checked by a
	// spec outside ForEachDialect counts for every dialect of the run; a
	// behaviour that is not per dialect folds its dialect runs into one row.
	PerDialect func(id string) bool
	// Uncovered, when set, lists catalogue entries that get a "skipped" row
	// if no spec checked them, so the report shows what is not tested yet.
	Uncovered []requirements.Requirement
	// ArtefactEntry is the report-entry name carrying artefact paths.
	ArtefactEntry string
	// Preflight, when set, stopped the run before any spec: the report holds
	// that one finding.
	Preflight *framework.PreflightFailure
	// ConstructedOnly maps a dialect to the flows whose golden request forms
	// are all constructed (fixtures.ConstructedOnlyFlows).
	ConstructedOnly map[string][]string
}

type key struct{ id, dialect string }

type acc struct {
	res      reports.Result
	failures []string
	blocked  []string
	skips    []string
	na       []string
	passed   int
}

// Build makes the conformance report. Several specs checking the same
// behaviour in the same dialect fold into one row: failed if any failed,
// else blocked if any was blocked (a check that could not run leaves the
// behaviour unproven), else passed if any passed, else skipped, else not
// applicable.
func Build(r types.Report, in Input) *reports.Report {
	describe := in.Catalogue
	if describe == nil {
		describe = requirements.Describe
	}
	out := &reports.Report{
		Implementation: in.Implementation,
		Date:           r.StartTime.UTC(),
		TargetKind:     in.TargetKind,
		Dialects:       in.Dialects,
		Duration:       r.RunTime.Round(time.Millisecond),
	}
	runOK := len(r.SpecialSuiteFailureReasons) == 0
	for _, reason := range r.SpecialSuiteFailureReasons {
		out.Notes = append(out.Notes, "suite: "+reason)
	}
	perDialect := in.PerDialect
	if perDialect == nil {
		perDialect = func(id string) bool { r, ok := requirements.Lookup(id); return ok && r.PerDialect }
	}
	rows := map[key]*acc{}
	var order []key
	preflight := in.Preflight
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			if s.State.Is(types.SpecStateFailureStates) {
				runOK = false
				out.Notes = append(out.Notes, fmt.Sprintf("%s failed: %s", s.LeafNodeType, summary(s.FailureMessage())))
			}
			continue
		}
		labels := requirements.ParseLabels(s.Labels())
		if len(labels.IDs) == 0 {
			out.Notes = append(out.Notes, fmt.Sprintf("spec %q carries no spec ID label and is not in the report", s.FullText()))
			if s.State.Is(types.SpecStateFailureStates) {
				runOK = false
			}
			continue
		}
		for _, id := range labels.IDs {
			for _, dialect := range rowDialects(perDialect(id), string(labels.Dialect), in.Dialects) {
				k := key{id, dialect}
				a, ok := rows[k]
				if !ok {
					req, known := describe(id)
					if !known {
						req = reports.Requirement{ID: id, Title: "(not in the catalogue)", Level: reports.Must, Profile: "unknown", Feature: "unknown"}
					}
					a = &acc{res: reports.Result{Requirement: req, Dialect: dialect}}
					rows[k] = a
					order = append(order, k)
				}
				a.add(s, id, in.ArtefactEntry)
			}
		}
	}
	if preflight != nil {
		// One cause, one finding: no spec ran, so the report holds the
		// failed Test Connection alone.
		req, _ := describe(preflight.ID)
		req.ID, req.ErrorCode = preflight.ID, preflight.ErrorCode
		req.ErrorCodeSource = outcome.CodeSource(preflight.ErrorCode).String()
		out.Results = []reports.Result{{Requirement: req, Result: reports.Failed, Message: preflight.Message,
			Cause: preflight.Cause, Artefact: preflight.Artefact, Specs: 1}}
		// The other processes' "setup failed on process 1" notes add nothing.
		out.Notes = []string{"the pre-flight check (Entra's Test Connection, ENTRA-FLOW-01) failed, so no behaviour was tested: " + preflight.Message}
		out.Finalize(in.Unsupported, false)
		return out
	}
	for _, k := range order {
		out.Results = append(out.Results, rows[k].result())
	}
	markConstructed(out, in.ConstructedOnly, in.Dialects)
	for _, u := range in.Uncovered {
		dialects := []string{""}
		if u.PerDialect {
			dialects = in.Dialects
		}
		for _, d := range dialects {
			if _, covered := rows[key{u.ID, d}]; covered {
				continue
			}
			out.Results = append(out.Results, reports.Result{Requirement: u.Requirement, Dialect: d,
				Result: reports.Skipped, Message: "no spec checks this behaviour yet"})
		}
	}
	out.Finalize(in.Unsupported, runOK)
	return out
}

// rowDialects says which rows a spec's result goes to.
func rowDialects(perDialect bool, specDialect string, runDialects []string) []string {
	switch {
	case !perDialect:
		return []string{""}
	case specDialect != "":
		return []string{specDialect}
	case len(runDialects) > 0:
		return runDialects
	default:
		return []string{""}
	}
}

// specVerdict is what one spec says about one of its behaviours.
type specVerdict int

const (
	vPassed specVerdict = iota
	vFailed
	vBlocked
	vSkipped
	vNotApplicable
)

// verdictFor decides what spec s says about behaviour id. One behaviour,
// one verdict: a spec that failed inside a Check counts the failure against
// that behaviour alone; its other behaviours passed if their Check had
// completed, and are blocked by the failed one otherwise. A spec that ended
// through Block is blocked for all its behaviours.
func verdictFor(s types.SpecReport, id string) (v specVerdict, by, msg string) {
	if slices.Contains(entryValues(s, framework.NotApplicableEntry), id) {
		return vNotApplicable, "", framework.GtmhubNotApplicable
	}
	switch {
	case s.State == types.SpecStatePassed:
		return vPassed, "", ""
	case s.State.Is(types.SpecStateFailureStates):
		failedID := entryValue(s, framework.FailedCheckEntry)
		switch {
		case failedID == "" || failedID == id:
			return vFailed, "", fmt.Sprintf("%s: %s", s.LeafNodeText, summary(s.FailureMessage()))
		case slices.Contains(entryValues(s, framework.CheckedEntry), id):
			return vPassed, "", ""
		default:
			return vBlocked, failedID, requirements.BlockedMessage(failedID, "not reached: "+summary(s.FailureMessage()))
		}
	case s.State == types.SpecStateSkipped || s.State == types.SpecStatePending:
		msg := s.Failure.Message
		if by := entryValue(s, framework.BlockedByEntry); by != "" {
			if slices.Contains(entryValues(s, framework.CheckedEntry), id) {
				return vPassed, "", "" // its Check completed before the block
			}
			return vBlocked, by, msg
		}
		if reason, ok := entryLookup(s, framework.NotApplicableSpecEntry); ok {
			return vNotApplicable, "", reason
		}
		if msg == "" {
			msg = "skipped by the run's filters"
		}
		return vSkipped, "", msg
	}
	return vSkipped, "", fmt.Sprintf("spec ended as %s", s.State)
}

func (a *acc) add(s types.SpecReport, id, artefactEntry string) {
	a.res.Specs++
	v, by, msg := verdictFor(s, id)
	switch v {
	case vPassed:
		a.passed++
	case vFailed:
		a.failures = append(a.failures, msg)
	case vBlocked:
		a.blocked = append(a.blocked, msg)
		if a.res.BlockedBy == "" {
			a.res.BlockedBy = by
		}
	case vSkipped:
		a.skips = append(a.skips, msg)
	case vNotApplicable:
		a.na = append(a.na, msg)
	}
	if v != vFailed && v != vBlocked {
		return
	}
	// Evidence and cause come from the first spec that failed the row, or,
	// when none failed, the first that blocked it.
	if (v == vFailed && len(a.failures) == 1) || (v == vBlocked && len(a.failures) == 0 && len(a.blocked) == 1) {
		a.res.Artefact = entryValue(s, artefactEntry)
		a.res.Cause = entryValue(s, framework.CauseEntry)
	}
}

// entryLookup is the value of the spec's first report entry of that name,
// and whether it has one.
func entryLookup(s types.SpecReport, name string) (string, bool) {
	vs := entryValues(s, name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// entryValue is the value of the spec's first report entry of that name.
func entryValue(s types.SpecReport, name string) string {
	if vs := entryValues(s, name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func entryValues(s types.SpecReport, name string) []string {
	var out []string
	for _, e := range s.ReportEntries {
		if e.Name == name {
			out = append(out, e.Value.String())
		}
	}
	return out
}

// observedCode finds the provisioning-log code a failure message reports
// (matchers.BeAcceptedByEntra writes "Entra would log <code>: …").
var observedCode = regexp.MustCompile(`Entra would log ([A-Za-z]+)`)

func (a *acc) result() reports.Result {
	res := a.res
	switch {
	case len(a.failures) > 0:
		res.Result, res.Message, res.BlockedBy = reports.Failed, strings.Join(a.failures, "\n"), ""
		// What Entra would really log for this answer beats the catalogue's
		// typical code for the behaviour.
		if m := observedCode.FindStringSubmatch(res.Message); m != nil {
			res.ErrorCode = m[1]
		}
	case len(a.blocked) > 0:
		res.Result, res.Message = reports.Blocked, strings.Join(uniq(a.blocked), "\n")
	case a.passed > 0:
		res.Result = reports.Passed
	case len(a.skips) > 0:
		res.Result, res.Message = reports.Skipped, strings.Join(uniq(a.skips), "\n")
	default:
		res.Result, res.Message = reports.NotApplicable, strings.Join(uniq(a.na), "\n")
	}
	if res.ErrorCode != "" {
		res.ErrorCodeSource = outcome.CodeSource(res.ErrorCode).String()
	}
	return res
}

func uniq(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ansi matches the terminal colour codes Ginkgo puts into some messages.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// gomegaType matches the Go type annotations Gomega prints before values
// ("<[]string | len:3, cap:4>: "): matcher internals, not the domain's words.
var gomegaType = regexp.MustCompile(`<[^<>\n]*>: `)

// summary keeps report rows short: the first paragraph of a failure (the
// matchers put the exchange after a blank line), on one line, capped. The
// artefact has the whole story.
func summary(s string) string {
	s = strings.TrimSpace(gomegaType.ReplaceAllString(ansi.ReplaceAllString(s, ""), ""))
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Join(strings.Fields(s), " ")
	const limit = 300
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return s
}

// markConstructed flags the rows of behaviours whose request forms are all
// constructed and lists those behaviours with the dialects concerned, so a
// reader knows which verdicts rest on our reading alone.
func markConstructed(out *reports.Report, byDialect map[string][]string, dialects []string) {
	dialectsOf := map[string][]string{}
	var ids []string
	for _, d := range dialects {
		for _, id := range byDialect[d] {
			if len(dialectsOf[id]) == 0 {
				ids = append(ids, id)
			}
			dialectsOf[id] = append(dialectsOf[id], d)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		out.ConstructedOnly = append(out.ConstructedOnly, fmt.Sprintf("%s (%s)", id, strings.Join(dialectsOf[id], ", ")))
	}
	for i := range out.Results {
		res := &out.Results[i]
		ds := dialectsOf[res.ID]
		res.ConstructedForm = len(ds) > 0 && (res.Dialect == "" || slices.Contains(ds, res.Dialect))
	}
}
