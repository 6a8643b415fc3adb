package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

func TestJUnitGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "report.golden.junit.xml", buf.Bytes())
}

func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "report.golden.md", buf.Bytes())
}

// A CI system reading the JUnit file must count what the report counts,
// and a failure must carry the behaviour, Entra's error code and the fix.
func TestJUnitAgreesWithTheReport(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not parseable XML: %v", err)
	}
	tt := r.Totals
	if doc.Tests != tt.Total() || doc.Failures != tt.Failed || doc.Skipped != tt.Blocked+tt.Skipped+tt.NotApplicable {
		t.Errorf("JUnit counts tests %d failures %d skipped %d, report %+v", doc.Tests, doc.Failures, doc.Skipped, tt)
	}
	var failure *junitFailure
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if strings.HasPrefix(c.Name, "ENTRA-FLOW-17/compliant") {
				failure = c.Failure
			}
			if strings.HasPrefix(c.Name, "ENTRA-PATCH-13/compliant") && (c.Skipped == nil || !strings.Contains(c.Skipped.Message, "blocked by ENTRA-FLOW-17")) {
				t.Errorf("blocked row: %+v", c)
			}
		}
	}
	if failure == nil {
		t.Fatal("no failure for ENTRA-FLOW-17/compliant")
	}
	for _, want := range []string{"Behaviour: ENTRA-FLOW-17 (Remove group members, MUST)", "Entra would log: SystemForCrossDomainIdentityManagementServiceIncompatible",
		"Fix: Accept members[value eq \"id\"] paths with no value", "Cause: PATCH /Groups/{id} → 400 invalidPath", "HTTP exchanges: artefacts/ENTRA-FLOW-17-compliant.txt"} {
		if !strings.Contains(failure.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, failure.Text)
		}
	}
}

func TestMarkdownAgreesAndEscapes(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	tt := r.Totals
	counts := fmt.Sprintf("Rows: %d passed · %d failed · %d blocked · %d skipped · %d not applicable (of %d)", tt.Passed, tt.Failed, tt.Blocked, tt.Skipped, tt.NotApplicable, tt.Total())
	for _, want := range []string{counts, "❌ **Entra provisioning will fail", "| `ENTRA-FLOW-17/compliant` | Remove group members |", "### Causes, largest first"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	if got := mdText("a | b <script> *x*"); got != `a \| b &lt;script&gt; \*x\*` {
		t.Errorf("mdText = %q", got)
	}
}
