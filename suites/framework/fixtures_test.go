package framework

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// The example options files in fixtures/options must stay valid.
func TestExampleOptionsFilesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "fixtures", "options", "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("example options files: %v %v", files, err)
	}
	for _, f := range files {
		c, err := Load(Flags{Options: f}, env(nil))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if c.Implementation.Name == "" || len(c.Dialects) == 0 {
			t.Errorf("%s: loaded %+v", f, c)
		}
		if filepath.Base(f) == "example.yaml" && (c.RequestTimeout != 30*time.Second || c.RunPrefix != "acme-ci" || !slices.Equal(c.SkipFeatures, []requirements.Feature{requirements.FeatureETag})) {
			t.Errorf("example.yaml: %+v", c)
		}
	}
}
