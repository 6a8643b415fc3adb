package scim

import (
	"encoding/json"
	"testing"
)

// marshal writes nested objects straight into one buffer; the bytes must be
// those encoding/json writes through MarshalJSON (key order kept, no HTML
// escaping, nil objects as null).
func TestMarshalObjectMatchesEncodingJSON(t *testing.T) {
	inner := newObject()
	inner.set("value", "R&D <x>")
	inner.set("primary", true)
	var nilObj *object
	o := newObject()
	o.set("schemas", []string{"urn:a"})
	o.set("userName", "a&b@contoso.com")
	o.set("inner", inner)
	o.set("list", []any{inner, map[string]any{"z": 1, "a": "<"}})
	o.set("n", 1.5)
	o.set("none", nilObj)
	o.set("userName", "a&b@contoso.com") // a key set again keeps its place
	got, err := marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:a"],"userName":"a&b@contoso.com","inner":{"value":"R&D <x>","primary":true},` +
		`"list":[{"value":"R&D <x>","primary":true},{"a":"<","z":1}],"n":1.5,"none":null}`
	if string(got) != want {
		t.Fatalf("marshal:\n got %s\nwant %s", got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("invalid JSON: %s", got)
	}
}
