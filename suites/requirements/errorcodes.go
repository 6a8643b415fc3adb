package requirements

// ErrorCodes maps every provisioning-log errorCode (spec section 9) and
// quarantine reason (ENTRA-QUAR-02) a catalogue entry may name to the spec
// entry that defines it. Catalogue tests check every entry against it, so a
// typo in a code cannot reach a vendor's report.
var ErrorCodes = map[string]string{
	"Conflict":                    "ERR-01",
	"EntryConflict":               "ERR-01",
	"TooManyRequests":             "ERR-02",
	"InternalServerError":         "ERR-03",
	"InsufficientRights":          "ERR-04",
	"MethodNotAllowed":            "ERR-04",
	"NotPermitted":                "ERR-04",
	"Unauthorized":                "ERR-04",
	"UnprocessableEntity":         "ERR-05",
	"WebExceptionProtocolError":   "ERR-06",
	"InvalidAnchor":               "ERR-07",
	"NotImplemented":              "ERR-08",
	"MandatoryFieldsMissing":      "ERR-09",
	"MissingValues":               "ERR-09",
	"SchemaAttributeNotFound":     "ERR-10",
	"InternalError":               "ERR-11",
	"InvalidDomain":               "ERR-12",
	"Timeout":                     "ERR-13",
	"LicenseLimitExceeded":        "ERR-14",
	"DuplicateTargetEntries":      "ERR-15",
	"DuplicateSourceEntries":      "ERR-16",
	"ImportSkipped":               "ERR-17",
	"EntrySynchronizationSkipped": "ERR-18",
	"SystemForCrossDomainIdentityManagementMultipleEntriesInResponse":   "ERR-19",
	"SystemForCrossDomainIdentityManagementServiceIncompatible":         "ERR-20",
	"SchemaPropertyCanOnlyAcceptValue":                                  "ERR-21",
	"SystemForCrossDomainIdentityManagementCredentialValidationFailure": "ERR-22",
	"UnableToResolveReferenceAttributeValue":                            "ERR-23",
	// Quarantine reasons (job level, not per object).
	"EncounteredQuarantineException":       "ENTRA-QUAR-02",
	"EncounteredEscrowProportionThreshold": "ENTRA-QUAR-02",
	"EncounteredTotalEscrowThreshold":      "ENTRA-QUAR-02",
	"TooManyDeletes":                       "ENTRA-QUAR-02",
}
