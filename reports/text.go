package reports

import (
	"fmt"
	"io"
	"strings"
)

// maxTextCauses bounds the causes the terminal summary lists; the HTML and
// YAML reports list them all.
const maxTextCauses = 10

// WriteText writes the summary a person reads in a terminal or CI log: the
// banner, the verdict per profile, the row counts (the same as in the YAML
// and HTML reports) and the causes of failed and blocked rows, largest first.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Banner)
	fmt.Fprintf(&b, "profiles: %s\n", r.Headline)
	t := r.Totals
	fmt.Fprintf(&b, "rows: %d passed · %d failed · %d blocked · %d skipped · %d not applicable (of %d)\n",
		t.Passed, t.Failed, t.Blocked, t.Skipped, t.NotApplicable, t.Total())
	for i, g := range r.Causes {
		if i == maxTextCauses {
			fmt.Fprintf(&b, "  … and %d more causes (see the report)\n", len(r.Causes)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", g.Sentence())
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write text summary: %w", err)
	}
	return nil
}

// Sentence says what the group means for the reader, e.g.
// "65 rows fail because of PATCH /Users/{id} → 405 (3 failed, 62 blocked): ENTRA-FLOW-07, …".
func (g CauseGroup) Sentence() string {
	keys := append(append([]string(nil), g.Failed...), g.Blocked...)
	const shown = 6
	list := strings.Join(keys, ", ")
	if len(keys) > shown {
		list = strings.Join(keys[:shown], ", ") + fmt.Sprintf(", … (%d more)", len(keys)-shown)
	}
	return fmt.Sprintf("%d %s because of %s (%d failed, %d blocked): %s",
		g.Rows(), plural(g.Rows(), "row fails", "rows fail"), g.Cause, len(g.Failed), len(g.Blocked), list)
}

// BannerClass is the colour of the banner: success only when every MUST
// behaviour was tested and holds, partial when none failed but some were
// not tested, failure otherwise.
func (r *Report) BannerClass() Verdict {
	var must Counts
	for _, res := range r.Results {
		if res.Level == Must {
			must.add(res.Result)
		}
	}
	switch {
	case !r.Succeeded:
		return Failure
	case must.Passed == must.Total() && must.Total() > 0:
		return Success
	default:
		return Partial
	}
}
