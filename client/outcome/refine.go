package outcome

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// How an error answer's body may change the code its HTTP status gives
// (ENTRA-RESP-20..22, ERR-09/10/12/14). Entra does not document reading
// scimType or detail at all (ENTRA-RESP-24), so every rule here is an
// inference and is kept only where the status and the SCIM Error's
// scimType leave room for it:
//
//  1. The status decides first (statusTable, classify.go).
//  2. A scimType, when the SP sent one, is the SP's own classification
//     (RFC-01, RFC-02). It refines the status where the spec ties the
//     scimType to a code; otherwise the status's code stands. The detail
//     text is then not read: a free-text word must not overrule the
//     scimType the SP chose.
//  3. Only an Error body without scimType has its detail read, and a
//     keyword can only pick a code the spec links to that status (and, for
//     codes Microsoft documents for creates only, to a create).
//
// scimType rules:
//
//	400 + invalidPath -> SchemaAttributeNotFound
//	    ENTRA-RESP-21, ERR-10 ("SP 400"); RFC-02: the PATCH path, which
//	    Entra builds from the attribute mappings, names nothing the target
//	    knows.
//
// Every other scimType keeps the status's code. In particular invalidValue
// (RFC-02: "missing or incompatible value") does not tell a missing value
// from a wrong one, so a 400 invalidValue stays the plain-400 default
// (UNC-03) whatever its detail says.
//
// detail rules (Error body without scimType; first match wins):
//
//	400/402/403/422 on a create, detail says a licence or seat limit is
//	    reached -> LicenseLimitExceeded
//	    ENTRA-RESP-22, ERR-14 ("SP 4xx"); S5: "the user couldn't be created
//	    … no available licenses".
//	400, detail says a domain is not accepted -> InvalidDomain
//	    ERR-12 ("SP 400"); S5: "an attribute value contains an invalid
//	    domain name".
//	400 on a create, detail says a required value is missing ->
//	    MandatoryFieldsMissing
//	    ENTRA-RESP-20, ERR-09 ("SP 400", "required values missing on
//	    create"); S5: "the user couldn't be created because required values
//	    are missing".
//	400, detail says an attribute is unknown -> SchemaAttributeNotFound
//	    ENTRA-RESP-21, ERR-10 ("SP 400"); S5: "an attribute was specified
//	    that doesn't exist in the target application".
//
// A body that is not a JSON object with scimType or detail (HTML, plain
// text) is never read: it is not the RFC 7644 Error the SP should send
// (ENTRA-RESP-24, RFC-01), and words in a web page are no classification.

// errorBody is what an error answer's body says.
type errorBody struct {
	scimType string
	detail   string
}

// readErrorBody reads the scimType and detail of a SCIM Error body; both
// are empty when the body is not a JSON object.
func readErrorBody(body []byte) errorBody {
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '{' {
		return errorBody{}
	}
	var e protocol.Error
	if err := json.Unmarshal(t, &e); err != nil {
		return errorBody{}
	}
	return errorBody{scimType: strings.TrimSpace(e.ScimType), detail: e.Detail}
}

// scimTypeRule ties a status and a scimType to a row.
type scimTypeRule struct {
	status   int
	scimType string
	row      row
}

var scimTypeRules = []scimTypeRule{
	{http.StatusBadRequest, protocol.ScimTypeInvalidPath, rowAttributeNotFound},
}

// detailRule picks a row from the detail of an Error body without scimType.
type detailRule struct {
	// statuses the rule may refine; the spec links the row's code to them.
	statuses []int
	// createOnly limits the rule to POST /Users and POST /Groups, for codes
	// Microsoft documents as "couldn't be created".
	createOnly bool
	// says reports whether the (lower-case) detail states the condition.
	says func(detail string) bool
	row  row
}

var detailRules = []detailRule{
	{[]int{http.StatusBadRequest, http.StatusPaymentRequired, http.StatusForbidden, http.StatusUnprocessableEntity},
		true, saysLicenceLimit, rowLicence},
	{[]int{http.StatusBadRequest}, false, saysDomainRefused, rowDomain},
	{[]int{http.StatusBadRequest}, true, saysRequiredMissing, rowMandatory},
	{[]int{http.StatusBadRequest}, false, saysAttributeUnknown, rowAttributeNotFound},
}

// refine returns the row an error answer's body selects within what its
// status allows, and whether there is one (see the rules above).
func refine(call Call, status int, body []byte) (row, bool) {
	eb := readErrorBody(body)
	if eb.scimType != "" {
		for _, r := range scimTypeRules {
			if r.status == status && strings.EqualFold(r.scimType, eb.scimType) {
				out := r.row
				out.reason = withNote(out.reason, "scimType "+r.scimType)
				return out, true
			}
		}
		return row{}, false
	}
	detail := strings.ToLower(eb.detail)
	if strings.TrimSpace(detail) == "" {
		return row{}, false
	}
	for _, r := range detailRules {
		if !hasStatus(r.statuses, status) || (r.createOnly && !call.isCreate()) || !r.says(detail) {
			continue
		}
		out := r.row
		out.reason = withNote(out.reason, "read from the error detail; the answer has no scimType")
		return out, true
	}
	return row{}, false
}

// withNote appends a parenthesised note before a reason's final full stop.
func withNote(reason, note string) string {
	return strings.TrimSuffix(reason, ".") + " (" + note + ")."
}

func hasStatus(statuses []int, status int) bool {
	for _, s := range statuses {
		if s == status {
			return true
		}
	}
	return false
}

// saysLicenceLimit: a licence or seat named together with a limit being
// reached ("License limit exceeded", "No seats left"). A bare "licence"
// (a licence key, a licence attribute) is not enough.
func saysLicenceLimit(d string) bool {
	return containsAny(d, "licen", "seat") &&
		containsAny(d, "limit", "exceed", "exhaust", "no more", "no free", "no available", "not available",
			"none available", "left", "remaining", "in use", "quota", "insufficient", "out of")
}

// saysDomainRefused: a domain named together with a refusal; "domain field
// malformed" is not one.
func saysDomainRefused(d string) bool {
	return strings.Contains(d, "domain") && containsAny(d, "not accepted", "not an accepted", "not allowed",
		"not verified", "invalid domain", "unknown domain", "not permitted", "rejected", "not supported")
}

// saysRequiredMissing: a required (mandatory) value said to be absent.
func saysRequiredMissing(d string) bool {
	return containsAny(d, "required", "mandatory", "missing")
}

// saysAttributeUnknown: an attribute said not to exist in the target.
func saysAttributeUnknown(d string) bool {
	return strings.Contains(d, "attribute") && containsAny(d, "unknown", "not found", "does not exist",
		"not defined", "undefined", "not supported", "unsupported", "unrecognized", "unrecognised", "no such")
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
