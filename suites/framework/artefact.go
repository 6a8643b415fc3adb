package framework

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// ArtefactEntry is the name of the Ginkgo report entry that carries the path
// of a failed spec's artefact, relative to the report directory.
const ArtefactEntry = "artefact"

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// WriteArtefact writes the HTTP exchanges of a failed or blocked spec to
// reportDir/artefacts/<name>.txt and returns the path relative to reportDir.
// dropped is the number of exchanges the recorder did not keep.
func WriteArtefact(reportDir, name, specText, failure string, xs []*exchange.Response, dropped int) (string, error) {
	rel := filepath.Join("artefacts", strings.Trim(unsafeName.ReplaceAllString(name, "_"), "_")+".txt")
	var b strings.Builder
	fmt.Fprintf(&b, "Spec: %s\n\nFailure:\n%s\n", specText, failure)
	for i, x := range xs {
		fmt.Fprintf(&b, "\n--- exchange %d of %d ---\n%s", i+1, len(xs), x)
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "\n(%d further exchanges answered without error are not kept)\n", dropped)
	}
	if len(xs) == 0 {
		b.WriteString("\n(no HTTP exchange was recorded)\n")
	}
	abs := filepath.Join(reportDir, rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", fmt.Errorf("create artefact directory: %w", err)
	}
	if err := os.WriteFile(abs, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("write artefact: %w", err)
	}
	return rel, nil
}

// NoteEntry is the name of the Ginkgo report entry whose value the suite
// copies into the conformance report's notes (e.g. the load figures).
const NoteEntry = "conformance note"
