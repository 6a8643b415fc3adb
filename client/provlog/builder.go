package provlog

import (
	"time"
)

// Job holds what every record of a provisioning job shares. NewID and
// Now default to random GUIDs and the wall clock; the engine passes its
// simulated clock and tests a deterministic id source. Now dates the
// records (activityDateTime); their duration is the wall time the engine
// reports with Builder.Elapsed, not a difference of Now readings.
type Job struct {
	JobID            string
	TenantID         string
	ServicePrincipal ServicePrincipal
	SourceSystem     System
	TargetSystem     System
	InitiatedBy      Initiator
	NewID            func() string
	Now              func() time.Time
}

func (j *Job) id() string {
	if j.NewID != nil {
		return j.NewID()
	}
	return NewGUID()
}

func (j *Job) now() time.Time {
	if j.Now != nil {
		return j.Now().UTC()
	}
	return time.Now().UTC()
}

// Builder assembles one record while the engine processes an object.
// Methods return the builder so calls can be chained; Build finishes it.
// A builder is used by one goroutine at a time. Spill moves the record
// out of the heap while the engine works on other objects (spill.go).
type Builder struct {
	job *Job
	// r is the record; while spilled, nil or what was set and added
	// since the last spill (the delta), set saying which fields were set.
	r       *Record
	set     fieldSet
	elapsed time.Duration
	// spill and seg locate the record's last segment while spilled.
	spill *SpillFile
	seg   segment
}

// begun lets Begin allocate a builder with its record at once (a cycle
// begins a record per object, issue 16).
type begun struct {
	b Builder
	r Record
}

// Begin starts a record for one object in a cycle. The activity time is
// the job clock's now. The target identity starts empty with the source's
// identityType: a create that fails leaves it so, as in [LIST] Example 2
// ({"id": "", "displayName": "", "identityType": "Group", "details": {}}).
func (j *Job) Begin(cycleID string, action Action, source Identity) *Builder {
	now := j.now()
	p := &begun{r: Record{
		ID:                     j.id(),
		ActivityDateTime:       now,
		ChangeID:               j.id(),
		CycleID:                cycleID,
		JobID:                  j.JobID,
		ProvisioningAction:     action,
		ProvisioningStatusInfo: StatusInfo{Status: StatusSuccess},
		ProvisioningSteps:      []Step{},
		SourceIdentity:         withDetails(source),
		TargetIdentity:         Identity{IdentityType: source.IdentityType, Details: noDetails},
		SourceSystem:           shareSystem(j.SourceSystem),
		TargetSystem:           shareSystem(j.TargetSystem),
		ModifiedProperties:     []ModifiedProperty{},
		ServicePrincipal:       j.ServicePrincipal,
		InitiatedBy:            j.InitiatedBy,
		TenantID:               j.TenantID,
	}}
	p.b = Builder{job: j, r: &p.r}
	return &p.b
}

// noDetails is the detailsInfo of every identity and step without details
// (Graph writes {}: [DETAILS], every [LIST] example). Records of a job
// share it and their systems' Details maps with the job: a cycle holds a
// record per object until it commits them, and a map apiece cost about
// 500 bytes a record (issue 16). Built records' Details maps are
// therefore read-only; nothing in the harness writes one.
var noDetails = map[string]string{}

// shareSystem gives the record the job's system, its details map shared
// (never nil).
func shareSystem(s System) System {
	if s.Details == nil {
		s.Details = noDetails
	}
	return s
}

func withDetails(i Identity) Identity {
	if i.Details == nil {
		i.Details = noDetails
	}
	return i
}

// Action changes the record's action (e.g. once matching decides between
// create and update).
func (b *Builder) Action(a Action) *Builder {
	b.cur().ProvisioningAction = a
	b.set |= setAction
	return b
}

// Target sets the target identity (known after matching or creation).
func (b *Builder) Target(t Identity) *Builder {
	b.cur().TargetIdentity = withDetails(t)
	b.set |= setTarget
	return b
}

// cur is the record the methods change: the whole record, or while
// spilled the delta, begun on first use.
func (b *Builder) cur() *Record {
	if b.r == nil {
		b.r = &Record{}
	}
	return b.r
}

// Elapsed adds d to the time the action took: durationInMilliseconds is
// "how long this provisioning action took to finish. Measured in
// milliseconds." ([POS] "Properties"). The engine reports the wall time it
// spends on the object; negative durations are ignored.
func (b *Builder) Elapsed(d time.Duration) *Builder {
	if d > 0 {
		b.elapsed += d
	}
	return b
}

// TargetSystemName is the target system's displayName, which Microsoft's
// reasons and step descriptions name the app by ([LIST] Example 2).
func (b *Builder) TargetSystemName() string { return b.job.TargetSystem.DisplayName }

// Step appends a step. details may be nil (an empty object).
func (b *Builder) Step(t StepType, name string, status Status, description string, details map[string]string) *Builder {
	if details == nil {
		details = noDetails
	}
	r := b.cur()
	r.ProvisioningSteps = append(r.ProvisioningSteps, Step{Name: name, Description: description,
		Details: details, ProvisioningStepType: t, Status: status})
	return b
}

// Grow makes room for steps more steps and modified more modified
// properties, so that a record whose size the engine knows is held in
// slices of its size rather than append's doubling (a cycle holds a
// record per object until it commits them, issue 16).
func (b *Builder) Grow(steps, modified int) *Builder {
	r := b.cur()
	r.ProvisioningSteps = grow(r.ProvisioningSteps, steps)
	r.ModifiedProperties = grow(r.ModifiedProperties, modified)
	return b
}

// grow is slices.Grow to exactly n more, not append's doubling.
func grow[E any](s []E, n int) []E {
	if n <= cap(s)-len(s) {
		return s
	}
	out := make([]E, len(s), len(s)+n)
	copy(out, s)
	return out
}

// Modified records a changed property; nil means "no value" (LOG-07).
func (b *Builder) Modified(name string, oldValue, newValue *string) *Builder {
	r := b.cur()
	r.ModifiedProperties = append(r.ModifiedProperties, ModifiedProperty{DisplayName: name, OldValue: oldValue, NewValue: newValue})
	return b
}

// Fail marks the record failed with an error (LOG-04). An empty category
// is filled from the error code (CategoryFor).
func (b *Builder) Fail(e ErrorInfo) *Builder {
	if e.ErrorCategory == "" {
		e.ErrorCategory = CategoryFor(e.ErrorCode)
	}
	b.cur().ProvisioningStatusInfo = StatusInfo{Status: StatusFailure, ErrorInformation: &e}
	b.set |= setStatus
	return b
}

// Warn marks the record as a warning with error information.
func (b *Builder) Warn(e ErrorInfo) *Builder {
	b.Fail(e)
	b.cur().ProvisioningStatusInfo.Status = StatusWarning
	return b
}

// Skip marks the record skipped (out of scope, already in sync, missing
// matching value; LOG-03). Skipped records carry no error information.
func (b *Builder) Skip() *Builder {
	b.cur().ProvisioningStatusInfo = StatusInfo{Status: StatusSkipped}
	b.set |= setStatus
	return b
}

// Build returns the finished record with its duration: the time reported
// with Elapsed, in whole milliseconds, capped at Int32's maximum ([POS]:
// Int32). A spilled builder must be brought back with Unspill first.
func (b *Builder) Build() Record {
	r := b.built()
	r.ProvisioningSteps = append([]Step{}, r.ProvisioningSteps...)
	r.ModifiedProperties = append([]ModifiedProperty{}, r.ModifiedProperties...)
	return r
}

// Finish is Build for the builder's last use: the record takes the
// builder's steps and modified properties without copying them, and the
// builder is left empty (a cycle of a million objects would otherwise
// hold each record's slices twice while it commits them, issue 16).
func (b *Builder) Finish() Record {
	r := b.built()
	b.r = nil
	return r
}

// built is the record as it stands, its slices shared with the builder.
// Building a spilled record without Unspill would lose what was spilled:
// a bug of the caller, so it panics.
func (b *Builder) built() Record {
	if b.spill != nil {
		panic("provlog: Build or Finish of a spilled record; call Unspill first")
	}
	var r Record
	if b.r != nil {
		r = *b.r
	}
	d := b.elapsed.Milliseconds()
	if d > int64(^uint32(0)>>1) {
		d = int64(^uint32(0) >> 1)
	}
	r.DurationInMilliseconds = int32(d)
	if r.ProvisioningSteps == nil {
		r.ProvisioningSteps = []Step{}
	}
	if r.ModifiedProperties == nil {
		r.ModifiedProperties = []ModifiedProperty{}
	}
	return r
}

// serviceFailures are the codes Entra attributes to its own service.
var serviceFailures = map[string]bool{"InternalError": true}

// CategoryFor returns the errorCategory for an error code: failure for
// provisioning-service errors, nonServiceFailure for everything caused by
// the target or the data (an inference, LOG-13 [INF]).
func CategoryFor(code string) ErrorCategory {
	if serviceFailures[code] {
		return CategoryFailure
	}
	return CategoryNonServiceFailure
}

// Str returns a pointer to s, for ModifiedProperty values.
func Str(s string) *string { return &s }
