package outcome

// Provisioning-log error codes (spec section 9). The strings are the
// errorCode values Entra writes into provisioningErrorInfo. Where each one
// comes from is in codeTable below; CodeSource looks it up.
const (
	CodeConflict                         = "Conflict"                                                          // ERR-01
	CodeEntryConflict                    = "EntryConflict"                                                     // ERR-01
	CodeTooManyRequests                  = "TooManyRequests"                                                   // ERR-02
	CodeInternalServerError              = "InternalServerError"                                               // ERR-03
	CodeInsufficientRights               = "InsufficientRights"                                                // ERR-04 (403)
	CodeMethodNotAllowed                 = "MethodNotAllowed"                                                  // ERR-04 (405)
	CodeNotPermitted                     = "NotPermitted"                                                      // ERR-04 (403)
	CodeUnauthorized                     = "Unauthorized"                                                      // ERR-04 (401, object level)
	CodeUnprocessableEntity              = "UnprocessableEntity"                                               // ERR-05
	CodeWebExceptionProtocolError        = "WebExceptionProtocolError"                                         // ERR-06
	CodeInvalidAnchor                    = "InvalidAnchor"                                                     // ERR-07
	CodeNotImplemented                   = "NotImplemented"                                                    // ERR-08
	CodeMandatoryFieldsMissing           = "MandatoryFieldsMissing"                                            // ERR-09
	CodeMissingValues                    = "MissingValues"                                                     // ERR-09
	CodeSchemaAttributeNotFound          = "SchemaAttributeNotFound"                                           // ERR-10
	CodeInternalError                    = "InternalError"                                                     // ERR-11
	CodeInvalidDomain                    = "InvalidDomain"                                                     // ERR-12
	CodeTimeout                          = "Timeout"                                                           // ERR-13
	CodeLicenseLimitExceeded             = "LicenseLimitExceeded"                                              // ERR-14
	CodeDuplicateTargetEntries           = "DuplicateTargetEntries"                                            // ERR-15
	CodeDuplicateSourceEntries           = "DuplicateSourceEntries"                                            // ERR-16
	CodeImportSkipped                    = "ImportSkipped"                                                     // ERR-17
	CodeEntrySynchronizationSkipped      = "EntrySynchronizationSkipped"                                       // ERR-18
	CodeMultipleEntriesInResponse        = "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse"   // ERR-19
	CodeServiceIncompatible              = "SystemForCrossDomainIdentityManagementServiceIncompatible"         // ERR-20
	CodeSchemaPropertyCanOnlyAcceptValue = "SchemaPropertyCanOnlyAcceptValue"                                  // ERR-21
	CodeCredentialValidationFailure      = "SystemForCrossDomainIdentityManagementCredentialValidationFailure" // ERR-22
	CodeUnableToResolveReference         = "UnableToResolveReferenceAttributeValue"                            // ERR-23 (step text)
	// CodeBadRequest is an emulator-only name for a plain 400 (UNC-03, ERR-24):
	// no Microsoft source names the code Entra logs for it.
	CodeBadRequest = "SystemForCrossDomainIdentityManagementBadRequest"
)

// SourceKind says what an error code rests on (spec 0.1 evidence tags).
type SourceKind int

// Source kinds. The zero value, NoSource, is what CodeSource returns for a
// code that is not in the table.
const (
	// NoSource: the code is not in the table; nothing is claimed for it.
	NoSource SourceKind = iota
	// Documented: a Microsoft primary source names the code ([DOC Sx],
	// spec 0.3), e.g. the error-code table of the provisioning-logs page (S5).
	Documented
	// Observed: the code is seen in third-party logs or threads ([OBS Ox],
	// spec 0.4) but no Microsoft source names it.
	Observed
	// Default: no source names a code for the condition; the name is this
	// project's choice, recorded in the UNC register (spec 15).
	Default
)

var sourceKindNames = [...]string{"unknown", "documented", "observed", "default"}

// String is "documented", "observed", "default" or "unknown".
func (k SourceKind) String() string {
	if k < 0 || int(k) >= len(sourceKindNames) {
		return sourceKindNames[NoSource]
	}
	return sourceKindNames[k]
}

// MarshalText writes the kind's name, so JSON shows "documented" rather
// than a number.
func (k SourceKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a name written by MarshalText; an unknown name is
// NoSource.
func (k *SourceKind) UnmarshalText(b []byte) error {
	*k = NoSource
	for i, n := range sourceKindNames {
		if n == string(b) {
			*k = SourceKind(i)
		}
	}
	return nil
}

// Source is where an error code comes from: its kind and the spec's
// reference for it ("DOC S5", "OBS O11", "UNC-03").
type Source struct {
	Kind SourceKind `json:"kind"`
	Ref  string     `json:"ref"`
}

// String renders the source for people: "documented (DOC S5)",
// "observed (OBS O11)", "default (UNC-03)", or "unknown" for a code the
// table does not list.
func (s Source) String() string {
	if s.Kind == NoSource || s.Ref == "" {
		return sourceKindNames[NoSource]
	}
	return s.Kind.String() + " (" + s.Ref + ")"
}

// codeEntry is one row of the code table.
type codeEntry struct {
	code   string
	spec   string // the ERR row of spec section 9
	source Source
}

var (
	docS5  = Source{Documented, "DOC S5"}
	docS7  = Source{Documented, "DOC S7"}
	obsO11 = Source{Observed, "OBS O11"}
	unc03  = Source{Default, "UNC-03"}
)

// codeTable is the one place that says where each code comes from, in the
// order of spec section 9. S5 is Microsoft's error-code table ("How to
// download and analyze the Microsoft Entra provisioning logs"); S7 the
// Azure Monitor article whose reference failures carry the step text of
// ERR-23; O11 the Q&A thread showing the credential failure (ERR-22);
// UNC-03 the register entry choosing a name for a plain 400 (ERR-24).
// The Source is about the name, not about which HTTP answer leads to it:
// the spec IDs on each Outcome (SpecID) say that, and most of those
// mappings are inferences (ENTRA-RESP intro).
var codeTable = []codeEntry{
	{CodeConflict, "ERR-01", docS5},
	{CodeEntryConflict, "ERR-01", docS5},
	{CodeTooManyRequests, "ERR-02", docS5},
	{CodeInternalServerError, "ERR-03", docS5},
	{CodeInsufficientRights, "ERR-04", docS5},
	{CodeMethodNotAllowed, "ERR-04", docS5},
	{CodeNotPermitted, "ERR-04", docS5},
	{CodeUnauthorized, "ERR-04", docS5},
	{CodeUnprocessableEntity, "ERR-05", docS5},
	{CodeWebExceptionProtocolError, "ERR-06", docS5},
	{CodeInvalidAnchor, "ERR-07", docS5},
	{CodeNotImplemented, "ERR-08", docS5},
	{CodeMandatoryFieldsMissing, "ERR-09", docS5},
	{CodeMissingValues, "ERR-09", docS5},
	{CodeSchemaAttributeNotFound, "ERR-10", docS5},
	{CodeInternalError, "ERR-11", docS5},
	{CodeInvalidDomain, "ERR-12", docS5},
	{CodeTimeout, "ERR-13", docS5},
	{CodeLicenseLimitExceeded, "ERR-14", docS5},
	{CodeDuplicateTargetEntries, "ERR-15", docS5},
	{CodeDuplicateSourceEntries, "ERR-16", docS5},
	{CodeImportSkipped, "ERR-17", docS5},
	{CodeEntrySynchronizationSkipped, "ERR-18", docS5},
	{CodeMultipleEntriesInResponse, "ERR-19", docS5},
	{CodeServiceIncompatible, "ERR-20", docS5},
	{CodeSchemaPropertyCanOnlyAcceptValue, "ERR-21", docS5},
	{CodeCredentialValidationFailure, "ERR-22", obsO11},
	{CodeUnableToResolveReference, "ERR-23", docS7},
	{CodeBadRequest, "ERR-24", unc03},
}

var codeIndex = func() map[string]int {
	m := make(map[string]int, len(codeTable))
	for i, e := range codeTable {
		m[e.code] = i
	}
	return m
}()

// CodeSource returns where an error code comes from: Documented with the
// Microsoft source ("DOC S5"), Observed with the third-party observation
// ("OBS O11"), or Default with the UNC register entry ("UNC-03"). A code
// the table does not list (including "") gives the zero Source, whose
// String is "unknown".
func CodeSource(code string) Source {
	if i, ok := codeIndex[code]; ok {
		return codeTable[i].source
	}
	return Source{}
}

// CodeSpecID returns the ERR row of spec section 9 that defines a code, ""
// for a code the table does not list.
func CodeSpecID(code string) string {
	if i, ok := codeIndex[code]; ok {
		return codeTable[i].spec
	}
	return ""
}

// Codes lists every code of the table in the order of spec section 9.
func Codes() []string {
	out := make([]string, len(codeTable))
	for i, e := range codeTable {
		out[i] = e.code
	}
	return out
}

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
