package provlog

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
)

// GraphListContext is the @odata.context of Graph's answer to
// GET https://graph.microsoft.com/v1.0/auditLogs/provisioning, copied from
// [LIST] Example 1 and Example 2 (the response bodies).
const GraphListContext = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning"

// List is Graph's list response: {"@odata.context": …, "value": [ … ]}
// ([LIST] "Response": "a collection of provisioningObjectSummary objects in
// the response body"; Examples 1 and 2 show the envelope).
type List struct {
	Context string   `json:"@odata.context"`
	Value   []Record `json:"value"`
}

// WriteList writes records as Graph's list response, indented, with each
// record's details, steps and modified properties as JSON objects and
// arrays, never null (see Normalize). An empty list is written with
// "value": [].
func WriteList(w io.Writer, records []Record) error {
	l := List{Context: GraphListContext, Value: make([]Record, len(records))}
	for i, r := range records {
		l.Value[i] = Normalize(r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return fmt.Errorf("write provisioning logs as Graph's list response: %w", err)
	}
	return nil
}

// Normalize returns r with every detailsInfo an object and every collection
// an array: Graph writes "details": {} and empty collections, not null
// ([LIST] Example 1 and 2; [DETAILS]). Records read back from older state
// files may lack them.
func Normalize(r Record) Record {
	r.SourceIdentity = withDetails(r.SourceIdentity)
	r.TargetIdentity = withDetails(r.TargetIdentity)
	r.SourceSystem = systemDetails(r.SourceSystem)
	r.TargetSystem = systemDetails(r.TargetSystem)
	steps := make([]Step, len(r.ProvisioningSteps))
	for i, s := range r.ProvisioningSteps {
		if s.Details == nil {
			s.Details = map[string]string{}
		}
		steps[i] = s
	}
	r.ProvisioningSteps = steps
	if r.ModifiedProperties == nil {
		r.ModifiedProperties = []ModifiedProperty{}
	}
	return r
}

func systemDetails(s System) System {
	if s.Details == nil {
		s.Details = map[string]string{}
	}
	return s
}

// SourceSystemName is the source system's displayName, and the name the
// step descriptions give it: "Azure Active Directory" in [LIST] Example 2
// (sourceSystem.displayName and "… from Azure Active Directory").
const SourceSystemName = "Azure Active Directory"

// SourceSystemFor is the source system of a tenant's jobs: id the tenant
// id, displayName SourceSystemName and empty details, an object ([LIST]
// Example 2: "details": {}).
func SourceSystemFor(tenantID string) System {
	return System{ID: tenantID, DisplayName: SourceSystemName, Details: map[string]string{}}
}

// Keys of the target system's details ([LIST] Example 1 and 2,
// targetSystem.details).
const (
	DetailApplicationID               = "ApplicationId"
	DetailServicePrincipalID          = "ServicePrincipalId"
	DetailServicePrincipalDisplayName = "ServicePrincipalDisplayName"
	// DetailReportableIdentifier names the object in a step's details
	// ([LIST] Example 1 EntryExportUpdate, Example 2 EntryExportAdd).
	DetailReportableIdentifier = "ReportableIdentifier"
)

// TargetSystemFor is the target system of a job, as in [LIST] Example 1
// and 2: a GUID id, the app's displayName, and details with ApplicationId,
// ServicePrincipalId and ServicePrincipalDisplayName. The job has no real
// application or target-system object, so the two ids are GUIDs derived
// from the job id: the same for every record of a job, different between
// jobs. ServicePrincipalId and ServicePrincipalDisplayName repeat
// servicePrincipal, as both examples do.
func TargetSystemFor(jobID string, sp ServicePrincipal) System {
	return System{
		ID:          NameGUID("targetSystem", jobID),
		DisplayName: sp.DisplayName,
		Details: map[string]string{
			DetailApplicationID:               NameGUID("application", jobID),
			DetailServicePrincipalID:          sp.ID,
			DetailServicePrincipalDisplayName: sp.DisplayName,
		},
	}
}

// NameGUID derives a GUID from names (a version 5, SHA-1 name-based UUID
// in 8-4-4-4-12 form): the same names give the same GUID.
func NameGUID(names ...string) string {
	h := sha1.New()
	for _, n := range names {
		fmt.Fprintf(h, "%d:%s;", len(n), n)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// HTTPReason is provisioningErrorInfo.reason for an HTTP error answer, in
// the wording of [LIST] Example 2 for a 409: "Message: Contoso returned an
// error response with the HTTP status code 409.  This response indicates
// …" — the app's name, the status, two spaces, then the explanation
// (detail, here the harness's own). Example 2 shows only the 409; the same
// wording for the other statuses is an inference [INF].
func HTTPReason(app string, status int, detail string) string {
	s := fmt.Sprintf("Message: %s returned an error response with the HTTP status code %d.", app, status)
	if detail != "" {
		s += "  " + detail
	}
	return s
}

// ReceivedDescription is an import step's description, as in [LIST]
// Example 2: "Received Group 'Self-service Pilot' change of type (Add)
// from Azure Active Directory". change is Add, Update or Delete (only Add
// is in the example).
func ReceivedDescription(identityType, name, change string) string {
	return fmt.Sprintf("Received %s '%s' change of type (%s) from %s", identityType, name, change, SourceSystemName)
}

// WillBeCreatedDescription is the EntrySynchronizationAdd (matching) step's
// description, as in [LIST] Example 2: "Group 'Self-service Pilot' will be
// created in Contoso (Group is active and assigned in Azure Active
// Directory, but no matching Group was found in Contoso)".
func WillBeCreatedDescription(identityType, name, app string) string {
	return fmt.Sprintf("%s '%s' will be created in %s (%s is active and assigned in %s, but no matching %s was found in %s)",
		identityType, name, app, identityType, SourceSystemName, identityType, app)
}

// FailedExportDescription is a failed export step's description, as in
// [LIST] Example 2: "Failed to create Group 'Self-service Pilot' in
// Contoso". verb is create (documented), update, disable or delete (the
// same wording, [INF]).
func FailedExportDescription(verb, identityType, name, app string) string {
	return fmt.Sprintf("Failed to %s %s '%s' in %s", verb, identityType, name, app)
}

// ExportedDescription is a successful export step's description, as in
// [LIST] Example 1: "RolesCompound '60a7a801-…' was updated in Azure Active
// Directory" (the object's type and name, then the target system). done
// is updated (documented), created, disabled or deleted ([INF]).
func ExportedDescription(identityType, name, done, app string) string {
	return fmt.Sprintf("%s '%s' was %s in %s", identityType, name, done, app)
}

// MarshalJSON writes provisioningErrorInfo with empty strings as null, as
// [LIST] Example 2 writes "additionalDetails": null and
// "recommendedAction": null. Reading null back gives "".
func (e ErrorInfo) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ErrorCode         *string       `json:"errorCode"`
		Reason            *string       `json:"reason"`
		AdditionalDetails *string       `json:"additionalDetails"`
		ErrorCategory     ErrorCategory `json:"errorCategory"`
		RecommendedAction *string       `json:"recommendedAction"`
	}{nonEmpty(e.ErrorCode), nonEmpty(e.Reason), nonEmpty(e.AdditionalDetails), e.ErrorCategory, nonEmpty(e.RecommendedAction)})
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
