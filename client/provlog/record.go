// Package provlog produces Entra provisioning-log records: Microsoft
// Graph provisioningObjectSummary objects (LOG-01..07, LOG-09, shape of
// LOG-13), one per object per action, built step by step by the engine
// with a Builder, and exported as Graph's list response (WriteList), as a
// JSON array like the portal's download, or as the three CSV files of the
// portal download (LOG-11).
//
// Microsoft's pages outrank the spec. The sources cited in this package:
//
//   - [POS] provisioningObjectSummary resource type, v1.0,
//     learn.microsoft.com/graph/api/resources/provisioningobjectsummary,
//     section "Properties".
//   - [LIST] List provisioningObjectSummary, v1.0,
//     learn.microsoft.com/graph/api/provisioningobjectsummary-list,
//     sections "Examples › Example 1: Successful request › Response" and
//     "Example 2: Error response › Response".
//   - [STEP] provisioningStep resource type, v1.0, "Properties"
//     (provisioningStepType and provisioningResult enums).
//   - [STATUS] provisioningStatusInfo resource type, v1.0, "Properties".
//   - [ERRINFO] provisioningErrorInfo resource type, v1.0, "Properties".
//   - [SYSTEM] provisioningSystem resource type, v1.0, "Properties".
//   - [IDENT] provisionedIdentity resource type, v1.0, "Properties".
//   - [DETAILS] detailsInfo resource type, v1.0, "Properties".
//   - [INIT] initiator resource type, v1.0, "Properties".
//   - [MODPROP] modifiedProperty resource type, v1.0, "Properties".
package provlog

import "time"

// Action is provisioningAction (LOG-02).
type Action string

// Actions.
const (
	ActionCreate       Action = "create"
	ActionUpdate       Action = "update"
	ActionDelete       Action = "delete"
	ActionDisable      Action = "disable"
	ActionStagedDelete Action = "stagedDelete"
	ActionOther        Action = "other"
	ActionUnknown      Action = "unknownFutureValue"
)

// Status is provisioningResult, used by records and steps (LOG-03):
// success, warning, failure, skipped, unknownFutureValue ([STATUS] and
// [STEP], "Properties"; lower case as in [LIST] Example 1 and 2).
type Status string

// Statuses.
const (
	StatusSuccess Status = "success"
	StatusWarning Status = "warning"
	StatusFailure Status = "failure"
	StatusSkipped Status = "skipped"
	StatusUnknown Status = "unknownFutureValue"
)

// ErrorCategory is provisioningErrorInfo.errorCategory (LOG-04):
// failure, nonServiceFailure, success, unknownFutureValue ([ERRINFO],
// "Properties"; [LIST] Example 2 logs a 409 as nonServiceFailure).
type ErrorCategory string

// Error categories.
const (
	CategoryFailure           ErrorCategory = "failure"
	CategoryNonServiceFailure ErrorCategory = "nonServiceFailure"
	CategorySuccess           ErrorCategory = "success"
	CategoryUnknown           ErrorCategory = "unknownFutureValue"
)

// StepType is provisioningStep.provisioningStepType (LOG-05): import,
// scoping, matching, processing, referenceResolution, export,
// unknownFutureValue ([STEP], "Properties"). The values are lower case as
// the enum and [LIST] Example 2 write them; Example 1's "Import" and
// "Export" disagree with the enum and are not followed.
type StepType string

// Step types, in the order the portal shows them.
const (
	StepImport              StepType = "import"
	StepScoping             StepType = "scoping"
	StepMatching            StepType = "matching"
	StepProcessing          StepType = "processing"
	StepReferenceResolution StepType = "referenceResolution"
	StepExport              StepType = "export"
	StepUnknown             StepType = "unknownFutureValue"
)

// InitiatorType is initiator.initiatorType: user, application, system,
// unknownFutureValue ([INIT], "Properties"; [LIST] Example 2 has
// "system" for scheduled cycles, Example 1's "initiatingType" is a typo of
// the page).
type InitiatorType string

// Initiator types.
const (
	InitiatorUser        InitiatorType = "user"
	InitiatorApplication InitiatorType = "application"
	InitiatorSystem      InitiatorType = "system"
)

// Record is one provisioningObjectSummary: every property of [POS]
// "Properties", in Graph's JSON names and types (TestRecordMatchesGraph
// checks each).
type Record struct {
	ID                     string             `json:"id"`
	ActivityDateTime       time.Time          `json:"activityDateTime"`
	ChangeID               string             `json:"changeId"`
	CycleID                string             `json:"cycleId"`
	JobID                  string             `json:"jobId"`
	DurationInMilliseconds int32              `json:"durationInMilliseconds"`
	ProvisioningAction     Action             `json:"provisioningAction"`
	ProvisioningStatusInfo StatusInfo         `json:"provisioningStatusInfo"`
	ProvisioningSteps      []Step             `json:"provisioningSteps"`
	SourceIdentity         Identity           `json:"sourceIdentity"`
	TargetIdentity         Identity           `json:"targetIdentity"`
	SourceSystem           System             `json:"sourceSystem"`
	TargetSystem           System             `json:"targetSystem"`
	ModifiedProperties     []ModifiedProperty `json:"modifiedProperties"`
	ServicePrincipal       ServicePrincipal   `json:"servicePrincipal"`
	InitiatedBy            Initiator          `json:"initiatedBy"`
	TenantID               string             `json:"tenantId"`
}

// StatusInfo is provisioningStatusInfo. ErrorInformation is null unless
// the status is failure or warning (LOG-04; [STATUS] "Properties": "If
// status isn't success/skipped details for the error are contained in
// this"; [LIST] Example 1 writes "errorInformation": null on success).
type StatusInfo struct {
	Status           Status     `json:"status"`
	ErrorInformation *ErrorInfo `json:"errorInformation"`
}

// ErrorInfo is provisioningErrorInfo (LOG-04, [ERRINFO] "Properties").
// Its string properties are written as null when empty, as [LIST]
// Example 2 writes "additionalDetails": null and "recommendedAction": null
// (MarshalJSON).
type ErrorInfo struct {
	ErrorCode         string        `json:"errorCode"`
	Reason            string        `json:"reason"`
	AdditionalDetails string        `json:"additionalDetails"`
	ErrorCategory     ErrorCategory `json:"errorCategory"`
	RecommendedAction string        `json:"recommendedAction"`
}

// Step is provisioningStep (LOG-05).
type Step struct {
	Name                 string            `json:"name"`
	Description          string            `json:"description"`
	Details              map[string]string `json:"details"`
	ProvisioningStepType StepType          `json:"provisioningStepType"`
	Status               Status            `json:"status"`
}

// Identity is provisionedIdentity (LOG-01, LOG-06, [IDENT]
// "Properties"). Details is detailsInfo, a JSON object ([DETAILS]; {} in
// every [LIST] example), never null.
type Identity struct {
	ID           string            `json:"id"`
	DisplayName  string            `json:"displayName"`
	IdentityType string            `json:"identityType"`
	Details      map[string]string `json:"details"`
}

// System is provisioningSystem ([SYSTEM] "Properties"): id, displayName
// and details, a JSON object ([DETAILS]; {} for the source system and
// ApplicationId, ServicePrincipalId, ServicePrincipalDisplayName for the
// target system in [LIST] Example 1 and 2). See SourceSystemFor and
// TargetSystemFor.
type System struct {
	ID          string            `json:"id"`
	DisplayName string            `json:"displayName"`
	Details     map[string]string `json:"details"`
}

// ModifiedProperty is one changed attribute (LOG-07). A nil value is
// written as JSON null (nothing before a create, nothing after a clear).
type ModifiedProperty struct {
	DisplayName string  `json:"displayName"`
	OldValue    *string `json:"oldValue"`
	NewValue    *string `json:"newValue"`
}

// ServicePrincipal is provisioningServicePrincipal, one object with id and
// displayName as in [LIST] Example 1 and 2 and the Azure Monitor samples
// (LOG-01). [POS] calls the property a collection and the
// provisioningServicePrincipal page names the second property "name"; both
// [LIST] examples disagree, and the examples are followed.
type ServicePrincipal struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// Initiator is the initiator of the activity.
type Initiator struct {
	ID            string        `json:"id"`
	DisplayName   string        `json:"displayName"`
	InitiatorType InitiatorType `json:"initiatorType"`
}

// ProvisioningServiceInitiator is the initiator of scheduled cycles:
// {"id": "", "displayName": "Azure AD Provisioning Service",
// "initiatorType": "system"} as in [LIST] Example 2.
func ProvisioningServiceInitiator() Initiator {
	return Initiator{DisplayName: "Azure AD Provisioning Service", InitiatorType: InitiatorSystem}
}

// Step names. Microsoft publishes no list. Five appear in [LIST]:
// EntryImport (import, Example 1), EntryImportAdd (import, Example 2),
// EntrySynchronizationAdd (matching, Example 2), EntryExportAdd (export,
// Example 2) and EntryExportUpdate (export, Example 1); each is used here
// with the provisioningStepType of its example. The others follow the
// Entry* names seen in portal logs and are placeholders [UNC] (LOG-13).
const (
	NameImport        = "EntryImport"    // [LIST] Example 1, import
	NameImportAdd     = "EntryImportAdd" // [LIST] Example 2, import
	NameImportUpdate  = "EntryImportUpdate"
	NameImportDelete  = "EntryImportDelete"
	NameImportSkipped = "EntryImportSkipped"
	NameScoping       = "EntrySynchronizationScoping"
	NameMatching      = "EntryMatching"
	// NameSynchronizationAdd is the step that decides a create: [LIST]
	// Example 2 logs it with provisioningStepType matching, after the
	// import and before the export ("Group '…' will be created in Contoso
	// (… no matching Group was found in Contoso)").
	NameSynchronizationAdd = "EntrySynchronizationAdd"
	// NameProcessingAdd is the former name of NameSynchronizationAdd.
	NameProcessingAdd       = NameSynchronizationAdd
	NameProcessingUpdate    = "EntrySynchronizationUpdate"
	NameProcessingDelete    = "EntrySynchronizationDelete"
	NameProcessingSkipped   = "EntrySynchronizationSkipped"
	NameReferenceResolution = "EntryReferenceResolution"
	NameExportAdd           = "EntryExportAdd"    // [LIST] Example 2, export
	NameExportUpdate        = "EntryExportUpdate" // [LIST] Example 1, export
	NameExportDisable       = "EntryExportUpdateSoftDelete"
	NameExportDelete        = "EntryExportDelete"
)

// Identity types: the object type, "User" or "Group", on both sides.
// [LIST] Example 2 logs a group as "identityType": "Group" in both
// sourceIdentity and targetIdentity (Example 1: "RolesCompound",
// "ServicePrincipal", the same capitalised type names); [IDENT]'s prose
// "such as 'user' or 'group'" is lower case, the examples are followed.
const (
	IdentityUser  = "User"
	IdentityGroup = "Group"
	// IdentityTargetUser and IdentityTargetGroup are the target side's
	// types; before [LIST] was followed they were SCIM schema URNs.
	IdentityTargetUser  = IdentityUser
	IdentityTargetGroup = IdentityGroup
)
