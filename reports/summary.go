package reports

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Finalize sorts the results and derives the profile summaries, the feature
// lists and the overall verdict from them. declaredUnsupported are the
// features the options said the target does not offer; runOK is false when
// the run itself failed outside any behaviour (e.g. suite setup).
func (r *Report) Finalize(declaredUnsupported []string, runOK bool) {
	if r.APIVersion == "" {
		r.APIVersion = APIVersion
	}
	if r.Kind == "" {
		r.Kind = Kind
	}
	sortResults(r.Results)
	r.Totals = Counts{}
	for _, res := range r.Results {
		r.Totals.add(res.Result)
	}
	r.Profiles = summariseProfiles(r.Results)
	r.Features = summariseFeatures(r.Results, declaredUnsupported)
	r.Causes = groupCauses(r.Results)
	var must Counts
	for _, res := range r.Results {
		if res.Level == Must {
			must.add(res.Result)
		}
	}
	// A blocked MUST row means a behaviour it needs failed (in this run, or
	// outside a filtered one): Entra provisioning would not work either.
	r.Succeeded = must.Failed == 0 && must.Blocked == 0 && runOK
	r.Headline = headline(r.Profiles)
	r.Banner = banner(r.Succeeded, runOK, must)
}

// headline gives each profile's verdict in words, in profile order.
func headline(ps []ProfileResult) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, string(p.Name)+": "+p.Describe())
	}
	return strings.Join(parts, "; ")
}

// Describe says a profile's verdict in words, with the counts behind it.
func (p ProfileResult) Describe() string {
	var why []string
	add := func(n int, what string) {
		if n > 0 {
			why = append(why, fmt.Sprintf("%d %s", n, what))
		}
	}
	switch p.Verdict {
	case Success:
		return "passes"
	case None:
		return "not tested"
	case Failure:
		add(p.Core.Failed, "MUST failed")
	}
	add(p.Extended.Failed, "SHOULD failed")
	add(p.Blocked, "blocked")
	add(p.Skipped, "skipped")
	word := "fails"
	if p.Verdict == Partial {
		word = "partial"
	}
	return word + " (" + strings.Join(why, ", ") + ")"
}

// banner says what the run shows about the MUST behaviours, and never
// claims that they all hold while some were not tested.
func banner(succeeded, runOK bool, must Counts) string {
	switch {
	case must.Failed > 0:
		return fmt.Sprintf("Entra provisioning will fail: %d MUST %s failed (see the causes below)", must.Failed, plural(must.Failed, "behaviour", "behaviours"))
	case must.Blocked > 0:
		return fmt.Sprintf("Entra provisioning will fail: %d MUST %s blocked by a failing behaviour (see the causes below)", must.Blocked, plural(must.Blocked, "behaviour is", "behaviours are"))
	case !runOK:
		return "The run did not complete: see the notes"
	case !succeeded:
		return "Entra provisioning will fail"
	}
	untested := must.Skipped + must.NotApplicable
	if untested == 0 {
		return fmt.Sprintf("Every MUST behaviour holds (%d of %d tested)", must.Passed, must.Total())
	}
	var why []string
	for _, c := range []struct {
		n    int
		what string
	}{{must.NotApplicable, "not applicable"}, {must.Skipped, "skipped"}} {
		if c.n > 0 {
			why = append(why, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return fmt.Sprintf("No MUST behaviour failed: %d of %d hold, %d not tested (%s)",
		must.Passed, must.Total(), untested, strings.Join(why, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// groupCauses groups failed and blocked rows by their cause, largest group
// first. A row without a recorded cause is a group of its own, named by its
// message, so that no failure is hidden in a bucket.
func groupCauses(rs []Result) []CauseGroup {
	byCause := map[string]*CauseGroup{}
	var order []string
	for _, res := range rs {
		if res.Result != Failed && res.Result != Blocked {
			continue
		}
		cause := res.Cause
		if cause == "" {
			cause = res.Key() + ": " + firstLine(res.Message)
		}
		g, ok := byCause[cause]
		if !ok {
			g = &CauseGroup{Cause: cause}
			byCause[cause] = g
			order = append(order, cause)
		}
		if res.Result == Failed {
			g.Failed = append(g.Failed, res.Key())
		} else {
			g.Blocked = append(g.Blocked, res.Key())
		}
	}
	out := make([]CauseGroup, 0, len(order))
	for _, c := range order {
		out = append(out, *byCause[c])
	}
	slices.SortStableFunc(out, func(a, b CauseGroup) int {
		return cmp.Or(cmp.Compare(b.Rows(), a.Rows()), cmp.Compare(len(b.Failed), len(a.Failed)))
	})
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	const limit = 160
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return s
}

// Key is how a result is named in ID lists: the ID, plus "/dialect" when checked per dialect.
func (res Result) Key() string {
	if res.Dialect == "" {
		return res.ID
	}
	return res.ID + "/" + res.Dialect
}

func profileRank(name Profile) int {
	if i := slices.Index(ProfileOrder, name); i >= 0 {
		return i
	}
	return len(ProfileOrder)
}

func sortResults(rs []Result) {
	slices.SortStableFunc(rs, func(a, b Result) int {
		return cmp.Or(
			cmp.Compare(profileRank(a.Profile), profileRank(b.Profile)),
			cmp.Compare(a.Profile, b.Profile),
			compareIDs(a.ID, b.ID),
			cmp.Compare(a.Dialect, b.Dialect))
	})
}

// compareIDs orders IDs by prefix, then by their numeric suffix, so ENTRA-FLOW-9
// sorts before ENTRA-FLOW-10 even if someone forgets the zero padding.
func compareIDs(a, b string) int {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb))
}

func splitID(id string) (prefix, num string) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i+1:]
}

func summariseProfiles(rs []Result) []ProfileResult {
	byName := map[Profile]*ProfileResult{}
	var order []Profile
	for _, res := range rs {
		p, ok := byName[res.Profile]
		if !ok {
			p = &ProfileResult{Name: res.Profile}
			byName[res.Profile] = p
			order = append(order, res.Profile)
		}
		p.Counts.add(res.Result)
		lvl := &p.Extended
		if res.Level == Must {
			lvl = &p.Core
		}
		lvl.Counts.add(res.Result)
		switch res.Result {
		case Failed:
			lvl.FailedIDs = append(lvl.FailedIDs, res.Key())
		case Blocked:
			lvl.BlockedIDs = append(lvl.BlockedIDs, res.Key())
		case Skipped:
			lvl.SkippedIDs = append(lvl.SkippedIDs, res.Key())
		}
	}
	out := make([]ProfileResult, 0, len(order))
	for _, name := range order {
		p := byName[name]
		p.Core.Verdict = p.Core.Counts.verdict()
		p.Extended.Verdict = p.Extended.Counts.verdict()
		p.Verdict = profileVerdict(p.Core.Verdict, p.Extended.Verdict)
		out = append(out, *p)
	}
	return out
}

func summariseFeatures(rs []Result, declaredUnsupported []string) Features {
	passed := map[string]bool{}
	failed := map[string]bool{}
	for _, res := range rs {
		switch res.Result {
		case Passed:
			passed[res.Feature] = true
		case Failed:
			failed[res.Feature] = true
		}
	}
	f := Features{Supported: []string{}, Failing: []string{}, Unsupported: []string{}}
	for name := range failed {
		f.Failing = append(f.Failing, name)
	}
	for name := range passed {
		if !failed[name] {
			f.Supported = append(f.Supported, name)
		}
	}
	for _, name := range declaredUnsupported {
		if !slices.Contains(f.Unsupported, name) {
			f.Unsupported = append(f.Unsupported, name)
		}
	}
	sort.Strings(f.Supported)
	sort.Strings(f.Failing)
	sort.Strings(f.Unsupported)
	return f
}

// profileVerdict judges a profile on its core; extended (SHOULD) results can
// make it partial at worst, never a failure.
func profileVerdict(core, extended Verdict) Verdict {
	if extended == Failure {
		extended = Partial
	}
	rank := map[Verdict]int{None: 0, Success: 1, Partial: 2, Failure: 3}
	if core == None {
		return extended
	}
	if extended != None && rank[extended] > rank[core] {
		return extended
	}
	return core
}
