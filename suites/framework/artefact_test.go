package framework

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

func TestWriteArtefact(t *testing.T) {
	dir := t.TempDir()
	x := &exchange.Response{Request: &exchange.Request{Method: "GET", URL: "http://127.0.0.1:1/Schemas", Header: http.Header{"Authorization": {"Bearer secret"}}}, Status: 404, Body: []byte(`{"detail":"nope"}`)}
	rel, err := WriteArtefact(dir, "ENTRA-FLOW-02 legacy/line 42", "discovery ENTRA-FLOW-02 lists schemas", "Expected 200", []*exchange.Response{x}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rel != filepath.Join("artefacts", "ENTRA-FLOW-02_legacy_line_42.txt") {
		t.Errorf("path %q", rel)
	}
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"Spec: discovery ENTRA-FLOW-02", "Expected 200", "exchange 1 of 1", "> GET http://127.0.0.1:1/Schemas", "< 404", `"detail": "nope"`, "3 further exchanges answered without error are not kept"} {
		if !strings.Contains(s, want) {
			t.Errorf("artefact lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "secret") {
		t.Error("artefact leaks the token")
	}
}
