package scenario

import (
	"errors"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
)

// FuzzParse: any file gives a scenario or ErrInvalid, never a panic; a
// parsed scenario always has at least one phase with a positive count.
func FuzzParse(f *testing.F) {
	names, _ := fixtures.ScenarioNames()
	for _, n := range names {
		b, _ := fixtures.Scenario(n)
		f.Add(b)
	}
	f.Add([]byte("directory: small.yaml\ncycles: 1\n"))
	f.Add([]byte("timeline: [{cycles: 1, directory: small.yaml}]\nexpect: {reason: \"\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz", data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		if len(sc.Timeline) == 0 || sc.Timeline[0].Cycles < 1 || sc.interval <= 0 {
			t.Fatalf("accepted %+v", sc)
		}
	})
}
