package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, as CI systems read it (the de facto schema of Ant's JUnit
// reporter: testsuites > testsuite > testcase with failure or skipped).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one test suite per profile,
// one test case per row. A failed row is a failure whose text names the
// behaviour, the error code Entra would log (and where that code comes
// from), the fix, the cause and the artefact; blocked, skipped and not
// applicable rows are skipped with their reason.
func WriteJUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "Entra SCIM conformance: " + r.Implementation.Name, Time: fmt.Sprintf("%.3f", r.Duration.Seconds())}
	for _, p := range r.Profiles {
		s := junitSuite{Name: string(p.Name)}
		for _, res := range r.Results {
			if res.Profile != p.Name {
				continue
			}
			c := junitCase{Name: res.Key() + " " + res.Title, Classname: string(res.Profile) + "." + res.Feature}
			switch res.Result {
			case Failed:
				c.Failure = &junitFailure{Message: firstLine(res.Message), Type: string(res.Level), Text: failureText(res)}
				s.Failures++
			case Blocked, Skipped, NotApplicable:
				c.Skipped = &junitSkipped{Message: string(res.Result) + ": " + firstLine(res.Message)}
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

// failureText is what a CI system shows for a failed row.
func failureText(res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Behaviour: %s (%s, %s)\n", res.ID, res.Title, res.Level)
	if res.Dialect != "" {
		fmt.Fprintf(&b, "PATCH dialect: %s\n", res.Dialect)
	}
	if res.ErrorCode != "" {
		fmt.Fprintf(&b, "Entra would log: %s", res.ErrorCode)
		if res.ErrorCodeSource != "" {
			fmt.Fprintf(&b, " [%s]", res.ErrorCodeSource)
		}
		b.WriteString("\n")
	}
	if res.Fix != "" {
		fmt.Fprintf(&b, "Fix: %s\n", res.Fix)
	}
	if res.Cause != "" {
		fmt.Fprintf(&b, "Cause: %s\n", res.Cause)
	}
	if res.Artefact != "" {
		fmt.Fprintf(&b, "HTTP exchanges: %s\n", res.Artefact)
	}
	fmt.Fprintf(&b, "\n%s\n", res.Message)
	return b.String()
}
