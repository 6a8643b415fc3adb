package cli

import (
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	code, out, errOut := run("--version")
	if code != ExitOK || !strings.HasPrefix(out, "entrasim ") || !strings.Contains(out, "go1.") || errOut != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
