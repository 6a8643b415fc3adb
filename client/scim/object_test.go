package scim

import (
	"encoding/json"
	"testing"
)

// marshal writes nested objects straight into one buffer; the bytes must be
// those encoding/json writes through MarshalJSON (key order kept, no HTML
// escaping, nil objects as null).
func TestMarshalObjectMatchesEncodingJSON(t *testing.T) {
	inner := orderedObject(map[string]any{"value": "R&D <x>", "primary": true}, "value")
	var nilObj *object
	o := orderedObject(map[string]any{
		"schemas": []string{"urn:a"}, "userName": "a&b@contoso.com", "inner": inner,
		"list": []any{inner, map[string]any{"z": 1, "a": "<"}}, "none": nilObj, "n": 1.5,
	}, "schemas", "userName")
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
