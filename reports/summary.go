package reports

import (
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
	r.Profiles = summariseProfiles(r.Results)
	r.Features = summariseFeatures(r.Results, declaredUnsupported)
	mustOK := true
	for _, res := range r.Results {
		if res.Result == Failed && res.Level == Must {
			mustOK = false
		}
	}
	r.Succeeded = mustOK && runOK
}

// Key is how a result is named in ID lists: the ID, plus "/dialect" when checked per dialect.
func (res Result) Key() string {
	if res.Dialect == "" {
		return res.ID
	}
	return res.ID + "/" + res.Dialect
}

func profileRank(name string) int {
	if i := slices.Index(ProfileOrder, name); i >= 0 {
		return i
	}
	return len(ProfileOrder)
}

func sortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := profileRank(a.Profile), profileRank(b.Profile); ra != rb {
			return ra < rb
		}
		if a.Profile != b.Profile {
			return a.Profile < b.Profile
		}
		if a.ID != b.ID {
			return lessID(a.ID, b.ID)
		}
		return a.Dialect < b.Dialect
	})
}

// lessID orders IDs by prefix, then by their numeric suffix, so ENTRA-FLOW-9
// sorts before ENTRA-FLOW-10 even if someone forgets the zero padding.
func lessID(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return na < nb
}

func splitID(id string) (prefix, num string) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i+1:]
}

func summariseProfiles(rs []Result) []ProfileResult {
	byName := map[string]*ProfileResult{}
	var order []string
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
