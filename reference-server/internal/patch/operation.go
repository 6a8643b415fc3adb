package patch

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
)

// Operation is one PATCH operation whose value is decoded at most once,
// for the router (which reads member ids from it) and the applier alike.
type Operation struct {
	// Op and Path are as sent.
	Op, Path string
	// Value is the decoded value (resource.DecodeValue's shapes); HasValue
	// says the operation had one, null included.
	Value    any
	HasValue bool
	// raw is the value still to decode (Operations made from a
	// protocol.PatchOperation); decoding it can fail.
	raw       json.RawMessage
	undecoded bool
}

// FromProtocol wraps operations whose values are decoded when first used.
func FromProtocol(ops []protocol.PatchOperation) []Operation {
	out := make([]Operation, len(ops))
	for i, op := range ops {
		out[i] = Operation{Op: op.Op, Path: op.Path, raw: op.Value, undecoded: true}
	}
	return out
}

// Decoded returns the operation's value, decoding it if needed; hasValue
// is false when the operation has none. Errors are *protocol.Error 400
// invalidSyntax.
func (o *Operation) Decoded() (val any, hasValue bool, err error) {
	if o.undecoded {
		hasValue := len(bytes.TrimSpace(o.raw)) > 0
		var v any
		if hasValue {
			if v, err = resource.DecodeValue(o.raw); err != nil {
				return nil, false, err
			}
		}
		o.Value, o.HasValue, o.raw, o.undecoded = v, hasValue, nil, false
	}
	return o.Value, o.HasValue, nil
}

// DecodeRequest reads a PatchOp message body into operations: exactly what
// json.Unmarshal into a protocol.PatchRequest gives (its error included),
// with each value decoded in the same pass when the body has the plain
// shape every client sends (exact key spellings, no repeated keys); any
// other body takes the json.Unmarshal path (TestDecodeRequestAgrees,
// FuzzDecodeRequest).
func DecodeRequest(b []byte) ([]Operation, error) {
	if ops, ok := decodePlainRequest(b); ok {
		return ops, nil
	}
	var req protocol.PatchRequest
	if err := json.Unmarshal(b, &req); err != nil {
		return nil, err
	}
	return FromProtocol(req.Operations), nil
}

// decodePlainRequest is DecodeRequest's one-pass path; ok is false when
// the body needs json.Unmarshal's rules (case-insensitive key matching,
// merging of repeated keys, type errors, null members).
func decodePlainRequest(b []byte) ([]Operation, bool) {
	top, ok := resource.DecodeObjectUniqueKeys(b)
	if !ok {
		return nil, false
	}
	var ops []Operation
	for k, v := range top {
		switch k {
		case "schemas":
			list, isList := v.([]any)
			if !isList {
				return nil, false
			}
			for _, s := range list {
				if _, isStr := s.(string); !isStr {
					return nil, false
				}
			}
		case "Operations":
			list, isList := v.([]any)
			if !isList {
				return nil, false
			}
			ops = make([]Operation, len(list))
			for i, e := range list {
				if !plainOperation(e, &ops[i]) {
					return nil, false
				}
			}
		default:
			if foldsTo(k, "schemas") || foldsTo(k, "operations") {
				return nil, false
			}
		}
	}
	return ops, true
}

// plainOperation reads one element of Operations into op.
func plainOperation(e any, op *Operation) bool {
	m, isObj := e.(map[string]any)
	if !isObj {
		return false
	}
	for k, v := range m {
		switch k {
		case "op", "path":
			s, isStr := v.(string)
			if !isStr {
				return false
			}
			if k == "op" {
				op.Op = s
			} else {
				op.Path = s
			}
		case "value":
			op.Value, op.HasValue = v, true
		default:
			if foldsTo(k, "op") || foldsTo(k, "path") || foldsTo(k, "value") {
				return false
			}
		}
	}
	return true
}

// foldsTo reports whether json.Unmarshal could match key k to the field
// named name (ASCII lower case): any case spelling does, and a non-ASCII
// key is assumed to (Unicode folding), which sends it to json.Unmarshal.
func foldsTo(k, name string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			return true
		}
	}
	return strings.EqualFold(k, name)
}
