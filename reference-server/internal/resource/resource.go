// Package resource is the generic representation of a SCIM resource in the
// reference server and the rules that turn a POST/PUT body into one
// (Normalize), cut it down for a response (Project) and copy it (Clone).
//
// Representation: a Resource is the map that encoding/json produces, with
// numbers as json.Number (Decode uses json.Decoder.UseNumber) so that values
// are stored exactly as sent (ENTRA-REQ-12). Code reading a Resource also
// accepts float64 numbers, so a map decoded without UseNumber works too.
// Keys use the schema's canonical casing ("userName", "name.givenName" lives
// at res["name"]["givenName"]); an extension's attributes live in an object
// under the extension URN, e.g.
// res["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]
// = {"value": "<id>"}. Attributes no schema defines are kept as sent, under
// the key the client used. Resources never contain the password
// (write-only, never returned) nor null values.
package resource

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Resource is one SCIM resource as a JSON object; see the package comment.
type Resource map[string]any

// Decode parses a JSON object into a Resource with numbers as json.Number.
// It does not normalise; use it to read back what the store persisted.
// Errors are *protocol.Error 400 invalidSyntax.
func Decode(b []byte) (Resource, error) {
	if v, ok := decodeFast(b); ok {
		if m, isObj := v.(map[string]any); isObj {
			return Resource(m), nil
		}
	}
	// Malformed input and anything but an object: encoding/json gives the
	// error.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "body is not a JSON object: %v", err)
	}
	if m == nil {
		return nil, protocol.NewError(400, protocol.ScimTypeInvalidSyntax, "body is not a JSON object: null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, protocol.NewError(400, protocol.ScimTypeInvalidSyntax, "body has data after the JSON object")
	}
	return Resource(m), nil
}

// DecodeValue parses any JSON value (a PATCH value) with numbers as
// json.Number. Errors are *protocol.Error 400 invalidSyntax.
func DecodeValue(b []byte) (any, error) {
	if v, ok := decodeFast(b); ok {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "value is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, protocol.NewError(400, protocol.ScimTypeInvalidSyntax, "value has data after the JSON value")
	}
	return v, nil
}

// Marshal renders the resource as JSON.
func (r Resource) Marshal() ([]byte, error) {
	b, err := MarshalObject(map[string]any(r), nil)
	if err != nil {
		return nil, fmt.Errorf("marshal resource: %w", err)
	}
	return b, nil
}
