package outcome

import "net/http"

// row is one line of the status table: the code Entra logs and the advice
// that goes with it.
type row struct {
	spec       string
	code       string
	reason     string
	action     string
	category   string
	quarantine string
}

// statusTable maps HTTP error statuses to Entra's outcome. 2xx is success
// (ENTRA-RESP-01); 404 depends on the call and is decided in classify.go
// (ENTRA-RESP-03, RESP-04, UNC-08); 400 (and, for licence limits, 402, 403
// and 422) may be refined from the SCIM Error body by the rules in
// refine.go (RESP-20..22). Where each code comes from is in codes.go
// (CodeSource).
var statusTable = map[int]row{
	http.StatusBadRequest: {"ENTRA-RESP-05, UNC-03, ERR-24", CodeBadRequest,
		"The target rejected the request as bad (HTTP 400).",
		"Check the request against the target's SCIM implementation; the object is retried in later cycles.", CategoryNonServiceFailure, ""},
	http.StatusUnauthorized: {"ENTRA-RESP-06, ERR-22", CodeCredentialValidationFailure,
		"The target rejected the credentials (HTTP 401): the secret token is invalid or expired.",
		"Update the secret token in Admin credentials and test the connection.", CategoryNonServiceFailure, QuarantineException},
	http.StatusForbidden: {"ENTRA-RESP-07, ERR-04", CodeInsufficientRights,
		"The target refused the operation (HTTP 403): authenticated but not authorised.",
		"Grant the token the rights the operation needs.", CategoryNonServiceFailure, ""},
	http.StatusMethodNotAllowed: {"ENTRA-RESP-08, ERR-04", CodeMethodNotAllowed,
		"The target does not allow this method (HTTP 405).",
		"Support GET, POST, PATCH and DELETE on the SCIM endpoints.", CategoryNonServiceFailure, ""},
	http.StatusConflict: {"ENTRA-RESP-09, ERR-01", CodeEntryConflict,
		"The target reported a conflicting value (HTTP 409).",
		"Fix the conflicting data or the matching rules; the object is retried in later cycles.", CategoryNonServiceFailure, ""},
	http.StatusUnprocessableEntity: {"ENTRA-RESP-11, ERR-05", CodeUnprocessableEntity,
		"The target could not process the request (HTTP 422).",
		"Check the attribute mappings and the target's configuration.", CategoryNonServiceFailure, ""},
	http.StatusTooManyRequests: {"ENTRA-RESP-12, ERR-02", CodeTooManyRequests,
		"The target is rejecting requests because of load (HTTP 429).",
		"None: the object is retried automatically.", CategoryNonServiceFailure, ""},
	http.StatusInternalServerError: {"ENTRA-RESP-13, ERR-03", CodeInternalServerError,
		"The target failed with an unexpected error (HTTP 500).",
		"None if transient: the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""},
	http.StatusNotImplemented: {"ENTRA-RESP-14, ERR-08", CodeNotImplemented,
		"The target does not implement this request (HTTP 501).",
		"Implement the SCIM operation the flow needs.", CategoryNonServiceFailure, ""},
	http.StatusBadGateway: {"ENTRA-RESP-15, UNC-03, ERR-06", CodeWebExceptionProtocolError,
		"The target's gateway failed (HTTP 502).",
		"None if transient: the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""},
	http.StatusServiceUnavailable: {"ENTRA-RESP-15, UNC-03, ERR-06", CodeWebExceptionProtocolError,
		"The target is unavailable (HTTP 503).",
		"None if transient: the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""},
	http.StatusGatewayTimeout: {"ENTRA-RESP-15, UNC-03, ERR-06", CodeWebExceptionProtocolError,
		"The target's gateway timed out (HTTP 504).",
		"None if transient: the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""},
}

// Rows that do not come from a status code.
var (
	rowInvalidAnchor = row{"ENTRA-RESP-04, ERR-07", CodeInvalidAnchor,
		"The object previously created or matched in the target no longer exists (HTTP 404 on an id-based call).",
		"Restart provisioning so that the object is matched again.", CategoryNonServiceFailure, ""}
	rowFilter404 = row{"ENTRA-RESP-03, QUAR-01", CodeServiceIncompatible,
		"The target answered a filter query with HTTP 404; a SCIM endpoint must answer 200 with an empty ListResponse.",
		"Return 200 with totalResults 0 when nothing matches a filter.", CategoryNonServiceFailure, QuarantineException}
	rowTimeout = row{"ENTRA-RESP-16, ERR-13", CodeTimeout,
		"The target did not answer within the request timeout.",
		"None if transient: the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""}
	rowProtocol = row{"ENTRA-RESP-15, ERR-06", CodeWebExceptionProtocolError,
		"The HTTP exchange with the target failed (connection refused, reset or bad framing).",
		"Check that the endpoint is reachable; the object is retried in about 40 minutes.", CategoryNonServiceFailure, ""}
	rowUnexpected = row{"ENTRA-RESP-15", CodeWebExceptionProtocolError,
		"The target answered with an unexpected HTTP status.",
		"Answer with the statuses RFC 7644 defines.", CategoryNonServiceFailure, ""}
	rowIncompatible = row{"ENTRA-RESP-17, ERR-20", CodeServiceIncompatible,
		"The target's answer could not be read as a SCIM resource",
		"Return RFC 7643 resources: JSON with an id, complex manager, ListResponse for queries.", CategoryNonServiceFailure, ""}
	rowMultipleEntries = row{"ENTRA-RESP-18, ERR-19", CodeMultipleEntriesInResponse,
		"The target returned more than one entry where one was expected",
		"Honour excludedAttributes=members and return a single resource.", CategoryNonServiceFailure, ""}
	rowDuplicateTargets = row{"ENTRA-RESP-19, ERR-15", CodeDuplicateTargetEntries,
		"More than one object in the target matches the matching attribute",
		"Remove the duplicates in the target or change the matching attribute.", CategoryNonServiceFailure, ""}
	rowMandatory = row{"ENTRA-RESP-20, ERR-09", CodeMandatoryFieldsMissing,
		"The target rejected the request because a required value is missing.",
		"Map a value to every attribute the target requires.", CategoryNonServiceFailure, ""}
	rowAttributeNotFound = row{"ENTRA-RESP-21, ERR-10", CodeSchemaAttributeNotFound,
		"The target does not know an attribute in the request.",
		"Remove the mapping of the attribute the target does not support.", CategoryNonServiceFailure, ""}
	rowDomain = row{"ERR-12", CodeInvalidDomain,
		"The target does not accept the domain of a value (typically the userName or email domain).",
		"Add the domain to the target account, or map a value whose domain it accepts.", CategoryNonServiceFailure, ""}
	rowLicence = row{"ENTRA-RESP-22, ERR-14", CodeLicenseLimitExceeded,
		"The target has no free licence or seat for the user.",
		"Free or buy seats in the target.", CategoryNonServiceFailure, ""}
)

// outcomeFor builds a failed outcome from a row.
func (r row) outcomeFor(status int, body []byte) Outcome {
	return Outcome{
		HTTPStatus:        status,
		ErrorCode:         r.code,
		SpecID:            r.spec,
		Reason:            r.reason,
		AdditionalDetails: string(body),
		RecommendedAction: r.action,
		ErrorCategory:     r.category,
		QuarantineReason:  r.quarantine,
	}
}
