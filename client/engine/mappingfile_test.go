package engine

import (
	"path/filepath"
	"testing"

	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/state"
)

// TestScopedMappingFile_SCOPE_01 runs the small directory with
// fixtures/mappings/sales-scoped.yaml: only Sales users are provisioned,
// their titles upper-cased.
func TestScopedMappingFile_SCOPE_01(t *testing.T) {
	cfg, err := mapping.LoadFile(filepath.Join("..", "..", "fixtures", "mappings", "sales-scoped.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, nil)
	s := env.cycle(env.engine(cfg, nil), parseDir(t, smallYAML(t)))
	// u02 and u03 are active Sales users; u04 (Sales) is disabled.
	if s.Counts.Created != 4 { // u02, u03 and the two assigned groups
		t.Fatalf("counts %+v", s.Counts)
	}
	for _, id := range []string{"u01", "u05", "u06", "u09"} {
		if o := env.link(state.KindUser, id); o != nil && o.Linked() {
			t.Fatalf("%s (not Sales) provisioned", id)
		}
	}
	u, _ := env.getResource("Users", env.link(state.KindUser, "u03").TargetID)
	if u["title"] != "ACCOUNT EXECUTIVE" {
		t.Fatalf("title %v", u["title"])
	}
}
