package outcome

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// scimErrBody is a SCIM Error with a scimType ("" leaves it out).
func scimErrBody(status int, scimType, detail string) string {
	if scimType == "" {
		return errBody(status, detail)
	}
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"%d","scimType":%q,"detail":%q}`,
		status, scimType, detail)
}

// TestRefineStatusAndScimTypeFirst proves the order of refine.go: the
// status decides, a scimType refines it only where the spec ties the two
// (400 invalidPath, ENTRA-RESP-21), and the free-text detail is read only
// without a scimType and only for a code the spec links to that status
// (and call, for the create-only codes of S5).
func TestRefineStatusAndScimTypeFirst(t *testing.T) {
	cases := []struct {
		name     string
		call     Call
		status   int
		body     string
		code     string
		spec     string
		inReason string
	}{
		// A scimType is the SP's classification: detail keywords do not overrule it.
		{"400 invalidValue naming a required field stays plain 400", CreateUser, 400,
			scimErrBody(400, "invalidValue", "userName is required"), CodeBadRequest, "UNC-03", "scimType invalidValue"},
		{"400 invalidValue 'Required attribute … is missing' stays plain 400", CreateUser, 400,
			scimErrBody(400, "invalidValue", "Required attribute emails is missing"), CodeBadRequest, "UNC-03", "scimType invalidValue"},
		{"400 invalidValue refusing a domain stays plain 400", CreateUser, 400,
			scimErrBody(400, "invalidValue", "Domain contoso.com of userName is not an accepted domain"), CodeBadRequest, "UNC-03", "scimType invalidValue"},
		{"400 invalidValue licence limit stays plain 400", CreateUser, 400,
			scimErrBody(400, "invalidValue", "License limit exceeded"), CodeBadRequest, "UNC-03", "scimType invalidValue"},
		{"400 invalidSyntax naming an unknown attribute stays plain 400", PatchUser, 400,
			scimErrBody(400, "invalidSyntax", "Attribute 'foo' is unknown"), CodeBadRequest, "UNC-03", "scimType invalidSyntax"},
		{"400 mutability mentioning required stays plain 400", PatchUser, 400,
			scimErrBody(400, "mutability", "id is readOnly; a new value is not required"), CodeBadRequest, "UNC-03", "scimType mutability"},
		{"400 noTarget stays plain 400", PatchGroup, 400,
			scimErrBody(400, "noTarget", "no such attribute value"), CodeBadRequest, "UNC-03", "scimType noTarget"},
		{"400 unknown scimType stays plain 400", CreateUser, 400,
			scimErrBody(400, "requiredAttributeMissing", "userName is required"), CodeBadRequest, "UNC-03", "scimType requiredAttributeMissing"},
		{"400 invalidPath is SchemaAttributeNotFound", PatchUser, 400,
			scimErrBody(400, "invalidPath", "bad path"), CodeSchemaAttributeNotFound, "ENTRA-RESP-21", "scimType invalidPath"},
		{"400 invalidPath on a create too", CreateUser, 400,
			scimErrBody(400, "invalidPath", "x"), CodeSchemaAttributeNotFound, "ERR-10", "scimType invalidPath"},
		{"scimType compared without case", PatchUser, 400,
			scimErrBody(400, "INVALIDPATH", "x"), CodeSchemaAttributeNotFound, "ENTRA-RESP-21", "scimType invalidPath"},
		{"422 invalidPath: the status decides", PatchUser, 422,
			scimErrBody(422, "invalidPath", "x"), CodeUnprocessableEntity, "ENTRA-RESP-11", "HTTP 422"},
		{"409 uniqueness mentioning required stays a conflict", CreateUser, 409,
			scimErrBody(409, "uniqueness", "userName is required to be unique"), CodeEntryConflict, "ENTRA-RESP-09", "HTTP 409"},
		{"invalidPath only in the detail is not a scimType", PatchUser, 400,
			scimErrBody(400, "", "invalidPath: bad path"), CodeBadRequest, "UNC-03", "HTTP 400"},

		// Without a scimType the detail may refine, within the status.
		{"400 create naming a required field", CreateUser, 400,
			scimErrBody(400, "", "userName is required"), CodeMandatoryFieldsMissing, "ENTRA-RESP-20", "no scimType"},
		{"400 group create with a missing value", CreateGroup, 400,
			scimErrBody(400, "", "displayName missing"), CodeMandatoryFieldsMissing, "ERR-09", "no scimType"},
		{"400 PATCH naming a required field: not a create (S5)", PatchUser, 400,
			scimErrBody(400, "", "userName is required"), CodeBadRequest, "UNC-03", "HTTP 400"},
		{"400 filter query naming a required field", QueryUsers, 400,
			scimErrBody(400, "", "filter is required"), CodeBadRequest, "UNC-03", "HTTP 400"},
		{"403 naming a required field: 403 has no such code", CreateUser, 403,
			scimErrBody(403, "", "admin role required"), CodeInsufficientRights, "ENTRA-RESP-07", "HTTP 403"},
		{"422 naming a required field stays 422", CreateUser, 422,
			scimErrBody(422, "", "userName is required"), CodeUnprocessableEntity, "ENTRA-RESP-11", "HTTP 422"},
		{"400 refusing a domain on PATCH", PatchUser, 400,
			scimErrBody(400, "", "Domain fabrikam.com is not accepted"), CodeInvalidDomain, "ERR-12", "no scimType"},
		{"400 unknown attribute on create", CreateUser, 400,
			scimErrBody(400, "", "Attribute 'foo' does not exist"), CodeSchemaAttributeNotFound, "ENTRA-RESP-21", "no scimType"},
		{"400 licence word without a limit", CreateUser, 400,
			scimErrBody(400, "", "invalid licence key"), CodeBadRequest, "UNC-03", "HTTP 400"},
		{"400 licence-named attribute unknown is not a licence limit", PatchUser, 400,
			scimErrBody(400, "", "attribute licenseLimit is unknown"), CodeSchemaAttributeNotFound, "ERR-10", "no scimType"},
		{"402 seat limit on create", CreateUser, 402,
			scimErrBody(402, "", "Seat limit reached"), CodeLicenseLimitExceeded, "ENTRA-RESP-22", "no scimType"},
		{"422 licence quota on create", CreateUser, 422,
			scimErrBody(422, "", "license quota exceeded"), CodeLicenseLimitExceeded, "ERR-14", "no scimType"},
		{"403 seats on PATCH: not a create (S5)", PatchUser, 403,
			scimErrBody(403, "", "No seats left in the plan"), CodeInsufficientRights, "ENTRA-RESP-07", "HTTP 403"},
		{"409 licence limit stays a conflict", CreateUser, 409,
			scimErrBody(409, "", "License limit exceeded"), CodeEntryConflict, "ENTRA-RESP-09", "HTTP 409"},
		{"500 licence limit stays a server error", CreateUser, 500,
			scimErrBody(500, "", "License limit exceeded"), CodeInternalServerError, "ENTRA-RESP-13", "HTTP 500"},
		{"blank scimType counts as none", CreateUser, 400,
			scimErrBody(400, "  ", "userName is required"), CodeMandatoryFieldsMissing, "ENTRA-RESP-20", "no scimType"},

		// Only a SCIM Error's detail is read, never a page or plain text.
		{"400 plain text naming a required field", CreateUser, 400,
			"userName is required", CodeBadRequest, "UNC-03", "HTTP 400"},
		{"400 HTML page naming a required field", CreateUser, 400,
			"<html><body>Login required</body></html>", CodeBadRequest, "UNC-03", "HTTP 400"},
		{"400 JSON without detail or scimType", CreateUser, 400,
			`{"error":"userName is required"}`, CodeBadRequest, "UNC-03", "HTTP 400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Classify(c.call, Response{Status: c.status, Header: http.Header{}, Body: []byte(c.body)})
			if o.Success || o.ErrorCode != c.code {
				t.Fatalf("%s %d %s: code %q (%s), want %q", c.call, c.status, c.body, o.ErrorCode, o.Reason, c.code)
			}
			if !strings.Contains(o.SpecID, c.spec) {
				t.Errorf("spec id %q, want it to name %s", o.SpecID, c.spec)
			}
			if !strings.Contains(o.Reason, c.inReason) || strings.Contains(o.Reason, "\n") {
				t.Errorf("reason %q, want one line naming %q", o.Reason, c.inReason)
			}
			if o.AdditionalDetails != c.body {
				t.Errorf("additional details %q, want the body", o.AdditionalDetails)
			}
		})
	}
}

// TestDetailRulesEach proves each detail predicate on its own: a sentence
// that states the condition and one that only shares a word with it.
func TestDetailRulesEach(t *testing.T) {
	cases := []struct {
		name string
		says func(string) bool
		yes  []string
		no   []string
	}{
		{"licence limit", saysLicenceLimit,
			[]string{"license limit exceeded", "no seats left in the plan", "all 25 seats are in use", "licence quota reached"},
			[]string{"invalid license key", "seat number must be numeric", "licensed users only"}},
		{"domain refused", saysDomainRefused,
			[]string{"domain contoso.com is not accepted", "unknown domain x.org", "the domain was rejected"},
			[]string{"domain field malformed", "userName has no domain"}},
		{"required missing", saysRequiredMissing,
			[]string{"username is required", "mandatory attribute emails", "missing displayname"},
			[]string{"username must be a string", "value too long"}},
		{"attribute unknown", saysAttributeUnknown,
			[]string{"attribute 'foo' is unknown", "no such attribute: bar", "attribute costcenter is not defined"},
			[]string{"attribute 'foo' is too long", "unknown user"}},
	}
	for _, c := range cases {
		for _, s := range c.yes {
			if !c.says(s) {
				t.Errorf("%s: %q not recognised", c.name, s)
			}
		}
		for _, s := range c.no {
			if c.says(s) {
				t.Errorf("%s: %q recognised, but it does not say so", c.name, s)
			}
		}
	}
}
