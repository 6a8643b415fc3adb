package outcome

// Provisioning-log error codes (spec section 9). The strings are the
// errorCode values Entra writes into provisioningErrorInfo.
const (
	CodeEntryConflict               = "EntryConflict"                                                     // ERR-01
	CodeTooManyRequests             = "TooManyRequests"                                                   // ERR-02
	CodeInternalServerError         = "InternalServerError"                                               // ERR-03
	CodeInsufficientRights          = "InsufficientRights"                                                // ERR-04 (403)
	CodeMethodNotAllowed            = "MethodNotAllowed"                                                  // ERR-04 (405)
	CodeUnauthorized                = "Unauthorized"                                                      // ERR-04 (401, object level)
	CodeUnprocessableEntity         = "UnprocessableEntity"                                               // ERR-05
	CodeWebExceptionProtocolError   = "WebExceptionProtocolError"                                         // ERR-06
	CodeInvalidAnchor               = "InvalidAnchor"                                                     // ERR-07
	CodeNotImplemented              = "NotImplemented"                                                    // ERR-08
	CodeMandatoryFieldsMissing      = "MandatoryFieldsMissing"                                            // ERR-09
	CodeSchemaAttributeNotFound     = "SchemaAttributeNotFound"                                           // ERR-10
	CodeInvalidDomain               = "InvalidDomain"                                                     // ERR-12
	CodeTimeout                     = "Timeout"                                                           // ERR-13
	CodeLicenseLimitExceeded        = "LicenseLimitExceeded"                                              // ERR-14
	CodeDuplicateTargetEntries      = "DuplicateTargetEntries"                                            // ERR-15
	CodeMultipleEntriesInResponse   = "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse"   // ERR-19
	CodeServiceIncompatible         = "SystemForCrossDomainIdentityManagementServiceIncompatible"         // ERR-20
	CodeCredentialValidationFailure = "SystemForCrossDomainIdentityManagementCredentialValidationFailure" // ERR-22
	// CodeBadRequest is an emulator-only name for a plain 400 (UNC-03, ERR-24):
	// no Microsoft source names the code Entra logs for it.
	CodeBadRequest = "SystemForCrossDomainIdentityManagementBadRequest"
)

// Error categories of provisioningErrorInfo (LOG-04). Target-side errors are
// nonServiceFailure (an inference, LOG-13).
const (
	CategorySuccess           = "success"
	CategoryFailure           = "failure"
	CategoryNonServiceFailure = "nonServiceFailure"
)

// Quarantine reasons (ENTRA-QUAR-02) that a single answer can point to.
const (
	// QuarantineException is Graph's reason for invalid credentials or an
	// endpoint that cannot be reached (ENTRA-RESP-06).
	// Graph has no separate reason for SCIM non-compliance (a 404 on a filter
	// query, ENTRA-RESP-03), so it is reported with this one too.
	QuarantineException = "EncounteredQuarantineException"
)

// Causes of a failed 2xx answer (ENTRA-RESP-17..19).
const (
	CauseUnparseable     = "unparseable-body"     // not JSON, or not the expected shape
	CauseNotListResponse = "not-a-list-response"  // a query answered without totalResults
	CauseMissingID       = "missing-id"           // a resource without id (ENTRA-REQ-11)
	CauseManagerString   = "manager-not-complex"  // manager as a string or array (OBS O4, O10)
	CauseMembersReturned = "members-not-excluded" // members despite excludedAttributes=members
	CauseMultipleMatches = "multiple-matches"     // a filter matched more than one resource
)
