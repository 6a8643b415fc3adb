package quarantine

import "time"

// Code is synchronizationStatus.code (ENTRA-QUAR-07).
type Code string

// Status codes. The first five are Graph's synchronizationStatusCode.
const (
	CodeNotConfigured Code = "NotConfigured"
	CodeNotRun        Code = "NotRun"
	CodeActive        Code = "Active"
	CodePaused        Code = "Paused"
	CodeQuarantine    Code = "Quarantine"
	// CodeDisabled is the emulator's code for a job stopped after 28 days
	// in quarantine (QUAR-04). Graph reports that as the schedule's state
	// Disabled (synchronizationSchedule.state, CYCLE-03), not as a status
	// code; `entrasim status` shows a single code (architecture contract:
	// Active | Quarantine | Disabled), so it lives here.
	CodeDisabled Code = "Disabled"
)

// Execution states (synchronizationTaskExecution.state).
const (
	StateSucceeded        = "Succeeded"
	StateFailed           = "Failed"
	StateEntryLevelErrors = "EntryLevelErrors"
)

// Error is Graph's synchronizationError.
type Error struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	TenantActionable bool   `json:"tenantActionable"`
}

// Execution is Graph's synchronizationTaskExecution: one cycle's summary.
type Execution struct {
	ActivityIdentifier string `json:"activityIdentifier,omitempty"`
	// CountEscrowed: entries escrowed after the run, reference failures
	// excluded.
	CountEscrowed int64 `json:"countEscrowed"`
	// CountEscrowedRaw: every escrowed entry, reference failures included
	// (Graph: "including system-generated escrows").
	CountEscrowedRaw int64 `json:"countEscrowedRaw"`
	// CountExported: exports that succeeded.
	CountExported int64 `json:"countExported"`
	// CountExports: exports attempted.
	CountExports int64     `json:"countExports"`
	Error        *Error    `json:"error,omitempty"`
	State        string    `json:"state"`
	TimeBegan    time.Time `json:"timeBegan"`
	TimeEnded    time.Time `json:"timeEnded"`
}

// Quarantine is Graph's synchronizationQuarantine (QUAR-06).
type Quarantine struct {
	// CurrentBegan: when the quarantine was last evaluated and imposed.
	CurrentBegan time.Time `json:"currentBegan"`
	// NextAttempt: when the next retry re-evaluates it (QUAR-04).
	NextAttempt time.Time `json:"nextAttempt,omitzero"`
	// Reason is why it was imposed.
	Reason Reason `json:"reason"`
	// SeriesBegan: when it was first imposed in this series, i.e. the first
	// failure that QUAR-04's schedule counts from.
	SeriesBegan time.Time `json:"seriesBegan"`
	// SeriesCount: how many times in this series it was re-evaluated and
	// left in effect (0 when just imposed).
	SeriesCount int64 `json:"seriesCount"`
	// Error describes what put the job in quarantine.
	Error *Error `json:"error,omitempty"`
}

// Status is Graph's synchronizationStatus, the fields QUAR-06/QUAR-07 name.
type Status struct {
	Code Code `json:"code"`
	// CountSuccessiveCompleteFailures: consecutive cycles that failed
	// completely (a job-level error, or every export failed).
	CountSuccessiveCompleteFailures int64 `json:"countSuccessiveCompleteFailures"`
	// EscrowsPruned: the thresholds were reached during the initial cycle,
	// so the escrows were cleared and the job paused (QUAR-07).
	EscrowsPruned bool `json:"escrowsPruned"`
	// LastExecution is the last cycle.
	LastExecution *Execution `json:"lastExecution,omitempty"`
	// LastSuccessfulExecution is the last cycle without any error.
	LastSuccessfulExecution *Execution `json:"lastSuccessfulExecution,omitempty"`
	// LastSuccessfulExecutionWithExports is the last cycle that exported
	// objects into the target (entry-level errors allowed).
	LastSuccessfulExecutionWithExports *Execution `json:"lastSuccessfulExecutionWithExports,omitempty"`
	// Quarantine is set while the job is quarantined, and kept on a job
	// disabled by quarantine so its status still says why.
	Quarantine *Quarantine `json:"quarantine,omitempty"`
}
