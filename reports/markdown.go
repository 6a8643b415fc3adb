package reports

import (
	"fmt"
	"io"
	"strings"
)

// maxMarkdownRows bounds the failed rows the Markdown summary lists; the
// HTML and YAML reports list them all.
const maxMarkdownRows = 50

// WriteMarkdown writes a summary fit for a CI job summary (GitHub's
// $GITHUB_STEP_SUMMARY, a merge-request comment): the banner, the verdict
// per profile, the counts, the causes largest first and the failed rows
// with Entra's error code and the fix. The counts are the report's own.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	icon := map[Verdict]string{Success: "✅", Partial: "⚠️", Failure: "❌", None: "➖"}
	fmt.Fprintf(&b, "## SCIM conformance: %s\n\n", mdText(r.Implementation.Name))
	fmt.Fprintf(&b, "%s **%s**\n\n", icon[r.BannerClass()], mdText(r.Banner))
	b.WriteString("| profile | verdict | MUST passed / failed / blocked | SHOULD passed / failed / blocked |\n|---|---|---|---|\n")
	for _, p := range r.Profiles {
		fmt.Fprintf(&b, "| %s | %s %s | %d / %d / %d | %d / %d / %d |\n", p.Name, icon[p.Verdict], mdText(p.Describe()),
			p.Core.Passed, p.Core.Failed, p.Core.Blocked, p.Extended.Passed, p.Extended.Failed, p.Extended.Blocked)
	}
	t := r.Totals
	fmt.Fprintf(&b, "\nRows: %d passed · %d failed · %d blocked · %d skipped · %d not applicable (of %d); target %s, %s.\n",
		t.Passed, t.Failed, t.Blocked, t.Skipped, t.NotApplicable, t.Total(), mdText(r.TargetKind), r.Duration)
	if len(r.Causes) > 0 {
		b.WriteString("\n### Causes, largest first\n\n")
		for _, g := range r.Causes {
			fmt.Fprintf(&b, "- %s\n", mdText(g.Sentence()))
		}
	}
	var failed []Result
	for _, res := range r.Results {
		if res.Result == Failed {
			failed = append(failed, res)
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n### Failed behaviours\n\n| ID | behaviour | Entra would log | fix |\n|---|---|---|---|\n")
		for i, res := range failed {
			if i == maxMarkdownRows {
				fmt.Fprintf(&b, "\n… and %d more failed rows: see conformance.html.\n", len(failed)-i)
				break
			}
			code := mdText(res.ErrorCode)
			if res.ErrorCodeSource != "" {
				code += " (" + mdText(res.ErrorCodeSource) + ")"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", res.Key(), mdText(res.Title), code, mdText(res.Fix))
		}
	}
	if len(r.ConstructedOnly) > 0 {
		fmt.Fprintf(&b, "\nBehaviours whose request forms no Microsoft page or field observation shows (constructed, so their verdicts rest on our reading): %s.\n",
			mdText(strings.Join(r.ConstructedOnly, ", ")))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", mdText(n))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write Markdown summary: %w", err)
	}
	return nil
}

// mdText keeps a value on one table line and stops it from being read as
// Markdown or HTML.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "`", "'").Replace(s)
}
