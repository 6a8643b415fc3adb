package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestYAMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.yaml", buf.Bytes())
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
	golden(t, "report.golden.html", buf.Bytes())
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
