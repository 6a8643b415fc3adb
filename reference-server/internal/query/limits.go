package query

import (
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Bounds on the shape of a query (RFC 7644 §3.4.2), each answered with 400
// and a SCIM Error whatever the data. The filter's own bounds are
// protocol.MaxFilterLength (bytes) and protocol.MaxFilterDepth (nested
// parentheses and value-path brackets), which protocol.ParseFilter applies
// (scimType invalidFilter).
const (
	// MaxAttributeNames bounds how many names the attributes parameter,
	// and separately excludedAttributes, may list (comma-separated in a
	// query, the arrays of a SearchRequest). The User schema with its
	// extension has about 70 attribute and sub-attribute paths; Entra
	// sends one name (excludedAttributes=members, ENTRA-FLOW-12).
	MaxAttributeNames = 100
	// MaxAttributeNameLength bounds one name; the longest the schemas
	// define, URN-qualified, is 78 bytes.
	MaxAttributeNameLength = 256
)

// CheckAttributeNames checks one attributes or excludedAttributes list
// (param names it in the error) against MaxAttributeNames and
// MaxAttributeNameLength. Elements may themselves be comma-separated, as
// in the raw query parameter; empty names are not counted (Project skips
// them). Errors are *protocol.Error 400 invalidValue, the scimType RFC 7644
// §3.12 gives to a value "not compatible with the operation".
func CheckAttributeNames(param string, lists []string) error {
	n := 0
	for _, l := range lists {
		var err error
		if n, err = checkNames(param, l, n); err != nil {
			return err
		}
	}
	return nil
}

// CheckAttributeList is CheckAttributeNames for one comma-separated list,
// the raw query parameter.
func CheckAttributeList(param, list string) error {
	_, err := checkNames(param, list, 0)
	return err
}

// checkNames checks the names of list, n having been counted before it,
// and returns the new count.
func checkNames(param, list string, n int) (int, error) {
	for rest := list; ; {
		name, after, more := strings.Cut(rest, ",")
		if name = strings.TrimSpace(name); name != "" {
			n++
			if n > MaxAttributeNames {
				return n, protocol.Errorf(400, protocol.ScimTypeInvalidValue,
					"%s lists more than %d attribute names", param, MaxAttributeNames)
			}
			if len(name) > MaxAttributeNameLength {
				return n, protocol.Errorf(400, protocol.ScimTypeInvalidValue,
					"%s names an attribute longer than %d bytes", param, MaxAttributeNameLength)
			}
		}
		if !more {
			return n, nil
		}
		rest = after
	}
}
