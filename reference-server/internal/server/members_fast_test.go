package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
)

var valueIDSeeds = []string{
	`[{"$ref":null,"value":"a"},{"value":"b"}]`, `null`, `[]`, `[null]`, `[{"value":null}]`, `[{"VALUE":"x"}]`,
	`[{"value":"a","Value":"b"}]`, `[{"value":1}]`, `["a"]`, `{"value":"a"}`, `"a"`, `[{"display":"d"}]`, `[[{"value":"a"}]]`,
	"[{\"valu\u00e9\":\"a\"}]",
}

// TestAppendValueIDsAgrees: the member ids read from a decoded PATCH value
// are those json.Unmarshal into []struct{Value string} reads, and the
// reader gives up wherever json.Unmarshal fails (FLOW-16/17).
func TestAppendValueIDsAgrees(t *testing.T) {
	for _, s := range valueIDSeeds {
		checkValueIDs(t, s)
	}
}

func checkValueIDs(t *testing.T, s string) {
	t.Helper()
	val, err := resource.DecodeValue([]byte(s))
	if err != nil {
		return
	}
	got, ok := appendValueIDs(nil, val)
	var vals []struct {
		Value string `json:"value"`
	}
	werr := json.Unmarshal([]byte(s), &vals)
	if !ok {
		return // the general path; always correct
	}
	if werr != nil {
		t.Fatalf("%s: read %v where json.Unmarshal fails: %v", s, got, werr)
	}
	var want []string
	for _, v := range vals {
		want = append(want, v.Value)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %q, json.Unmarshal %q", s, got, want)
	}
}

func FuzzValueIDs(f *testing.F) {
	for _, s := range valueIDSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkValueIDs(t, s) })
}
