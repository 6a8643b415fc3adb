// Package provlog produces Entra provisioning-log records: Microsoft
// Graph provisioningObjectSummary objects (LOG-01..07, LOG-09, shape of
// LOG-13), one per object per action, built step by step by the engine
// with a Builder, and exported as a JSON array or as the three CSV files of
// the portal download (LOG-11).
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

// Status is provisioningResult, used by records and steps (LOG-03).
type Status string

// Statuses.
const (
	StatusSuccess Status = "success"
	StatusWarning Status = "warning"
	StatusFailure Status = "failure"
	StatusSkipped Status = "skipped"
	StatusUnknown Status = "unknownFutureValue"
)

// ErrorCategory is provisioningErrorInfo.errorCategory (LOG-04).
type ErrorCategory string

// Error categories.
const (
	CategoryFailure           ErrorCategory = "failure"
	CategoryNonServiceFailure ErrorCategory = "nonServiceFailure"
	CategorySuccess           ErrorCategory = "success"
	CategoryUnknown           ErrorCategory = "unknownFutureValue"
)

// StepType is provisioningStep.provisioningStepType (LOG-05).
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

// InitiatorType is initiator.initiatorType.
type InitiatorType string

// Initiator types.
const (
	InitiatorUser        InitiatorType = "user"
	InitiatorApplication InitiatorType = "application"
	InitiatorSystem      InitiatorType = "system"
)

// Record is one provisioningObjectSummary.
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
// the status is failure or warning (LOG-04).
type StatusInfo struct {
	Status           Status     `json:"status"`
	ErrorInformation *ErrorInfo `json:"errorInformation"`
}

// ErrorInfo is provisioningErrorInfo (LOG-04).
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

// Identity is provisionedIdentity (LOG-01, LOG-06).
type Identity struct {
	ID           string            `json:"id"`
	DisplayName  string            `json:"displayName"`
	IdentityType string            `json:"identityType"`
	Details      map[string]string `json:"details"`
}

// System is provisioningSystem.
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

// ServicePrincipal is provisioningServicePrincipal, one object as in
// Azure Monitor samples (LOG-01).
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

// ProvisioningServiceInitiator is the initiator of scheduled cycles.
func ProvisioningServiceInitiator() Initiator {
	return Initiator{DisplayName: "Azure AD Provisioning Service", InitiatorType: InitiatorSystem}
}

// Step names. Microsoft does not publish the list; these follow the
// Entry* names seen in portal logs and are placeholders [UNC] (LOG-13).
const (
	NameImportAdd           = "EntryImportAdd"
	NameImportUpdate        = "EntryImportUpdate"
	NameImportDelete        = "EntryImportDelete"
	NameImportSkipped       = "EntryImportSkipped"
	NameScoping             = "EntrySynchronizationScoping"
	NameMatching            = "EntryMatching"
	NameProcessingAdd       = "EntrySynchronizationAdd"
	NameProcessingUpdate    = "EntrySynchronizationUpdate"
	NameProcessingDelete    = "EntrySynchronizationDelete"
	NameProcessingSkipped   = "EntrySynchronizationSkipped"
	NameReferenceResolution = "EntryReferenceResolution"
	NameExportAdd           = "EntryExportAdd"
	NameExportUpdate        = "EntryExportUpdate"
	NameExportDisable       = "EntryExportUpdateSoftDelete"
	NameExportDelete        = "EntryExportDelete"
)

// Identity types. Users and groups on the source side; the target side
// uses the SCIM schema URN (placeholder spelling [UNC], LOG-13).
const (
	IdentityUser        = "User"
	IdentityGroup       = "Group"
	IdentityTargetUser  = "urn:ietf:params:scim:schemas:core:2.0:User"
	IdentityTargetGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"
)
