package protocol

import (
	"encoding/json"
	"strings"
)

// PATCH op values as the compliant dialect and RFC 7644 spell them. Entra's
// legacy dialect capitalises them (ENTRA-PATCH-01); compare with NormalizeOp.
const (
	OpAdd     = "add"
	OpRemove  = "remove"
	OpReplace = "replace"
)

// PatchRequest is the PatchOp message (RFC 7644 §3.5.2). encoding/json
// matches keys case-insensitively, so "operations" is read too.
type PatchRequest struct {
	Schemas    []string         `json:"schemas"`
	Operations []PatchOperation `json:"Operations"`
}

// PatchOperation is one operation. Value stays raw: Entra sends strings,
// booleans, "True"/"False" strings, objects with flattened keys and member
// arrays with "$ref":null, and each must be read as sent.
type PatchOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// NormalizeOp lower-cases an op ("Replace" -> "replace").
func NormalizeOp(op string) string { return strings.ToLower(strings.TrimSpace(op)) }

// NewPatchRequest wraps operations in a PatchOp message.
func NewPatchRequest(ops ...PatchOperation) *PatchRequest {
	return &PatchRequest{Schemas: []string{PatchOpSchema}, Operations: ops}
}

// Op builds an operation whose value is marshalled from v (nil: no value).
func Op(op, path string, v any) PatchOperation {
	o := PatchOperation{Op: op, Path: path}
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			// Values are built by our own code from plain data; a failure here
			// is a programming error, not bad input.
			panic("protocol: unmarshalable patch value: " + err.Error())
		}
		o.Value = b
	}
	return o
}
