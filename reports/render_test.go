package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestYAMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "report.golden.yaml", buf.Bytes())
}

func TestYAMLRoundTrip(t *testing.T) {
	want := sampleReport()
	var buf bytes.Buffer
	if err := WriteYAML(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadYAML(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Duration != want.Duration || !got.Date.Equal(want.Date) || len(got.Results) != len(want.Results) || got.Results[2] != want.Results[2] || got.Profiles[0].Core.Failed != 1 {
		t.Errorf("round trip lost data: %+v", got)
	}
}

func TestHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "report.golden.html", buf.Bytes())
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, forbidden := range []string{"<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(page, forbidden) {
			t.Errorf("page contains %q: it must be self-contained and must escape messages", forbidden)
		}
	}
	for _, want := range []string{`id="summary"`, `id="failures"`, `id="f-ENTRA-FLOW-02"`, "SystemForCrossDomainIdentityManagementServiceIncompatible", "Accept members[value eq &#34;id&#34;] paths with no value", `id="r-ENTRA-FLOW-17/compliant"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A passing row must not show the error code: the code only explains failures.
	legacy := page[strings.Index(page, `id="r-ENTRA-FLOW-17/legacy"`):]
	legacy = legacy[:strings.Index(legacy, "</tr>")]
	if strings.Contains(legacy, "ServiceIncompatible") {
		t.Errorf("passing row shows an error code: %s", legacy)
	}
}

// The terminal summary, the YAML and the HTML must give the same counts.
func TestTextYAMLAndHTMLAgreeOnCounts(t *testing.T) {
	r := sampleReport()
	var text, page, doc bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&doc, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadYAML(doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	tt := back.Totals
	if tt.Total() != len(r.Results) || tt.Failed != 2 || tt.Blocked != 1 {
		t.Fatalf("YAML totals %+v for %d rows", tt, len(r.Results))
	}
	counts := fmt.Sprintf("%d passed · %d failed · %d blocked · %d skipped · %d not applicable (of %d)", tt.Passed, tt.Failed, tt.Blocked, tt.Skipped, tt.NotApplicable, tt.Total())
	if !strings.Contains(text.String(), "rows: "+counts) {
		t.Errorf("text summary lacks %q:\n%s", counts, text.String())
	}
	htmlCounts := strings.ReplaceAll(counts, " · ", " &middot; ")
	if !strings.Contains(page.String(), "Rows: "+htmlCounts) {
		t.Errorf("HTML lacks %q", htmlCounts)
	}
	for _, want := range []string{r.Banner, r.Headline, "2 rows fail because of PATCH /Groups/{id} → 400 invalidPath"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text summary lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{`id="causes"`, `<a href="artefacts/ENTRA-FLOW-17-compliant.txt">`, `by <a href="#r-ENTRA-FLOW-17">ENTRA-FLOW-17</a>`, `class="blocked"`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
