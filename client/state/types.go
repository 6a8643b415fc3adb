package state

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// Kind is a source object type.
type Kind string

// Object kinds.
const (
	KindUser  Kind = "user"
	KindGroup Kind = "group"
)

// Key identifies a source object.
type Key struct {
	Kind     Kind
	SourceID string
}

// ObjectStatus is what the job did last to a linked target object.
type ObjectStatus string

// Object statuses.
const (
	// StatusNone is an object seen but never provisioned (out of scope,
	// disabled at creation time, skipped).
	StatusNone ObjectStatus = ""
	// StatusActive is a provisioned, enabled target object.
	StatusActive ObjectStatus = "active"
	// StatusDisabled is a target user disabled by the job (DEPROV-01).
	StatusDisabled ObjectStatus = "disabled"
	// StatusUnmanaged is a target user disabled after being unassigned:
	// Entra no longer manages it (ENTRA-DEPROV-05).
	StatusUnmanaged ObjectStatus = "unmanaged"
)

// Object is the job's memory of one source object.
type Object struct {
	Kind        Kind
	SourceID    string
	DisplayName string
	// TargetID is the linked target id; "" when not linked.
	TargetID string
	// MatchedBy is the matching attribute that found the target object, or
	// "created" when the job created it.
	MatchedBy string
	Status    ObjectStatus
	// DisableReason says why a user was disabled (unassigned,
	// outOfScope, softDeleted, blocked).
	DisableReason string
	// Watermark is the source fingerprint and scope seen at the last cycle;
	// an incremental cycle looks only at objects whose value changed.
	Watermark string
	// Exported holds the attribute values last sent (or read back) for the
	// target, keyed by target path.
	Exported map[string]any
	// Manager is the source object id of the manager last exported.
	Manager string
	// Members are the source object ids of the members last exported.
	Members []string

	// Objects read by Store.Objects leave Exported and Members in the
	// file until Decode, so that a cycle with few changes does not pay
	// for reading every object's values (cost follows changes,
	// ENTRA-CYCLE-02).
	store   *Store
	pending bool
	// sealed: Exported is held as its stored JSON text (exportedText)
	// until Decode (Seal).
	sealed       bool
	exportedText string
	// cold, when set, holds that text instead of exportedText (SealTo);
	// coldRef locates it there.
	cold    *provlog.SpillFile
	coldRef provlog.SpillRef
}

// Seal keeps Exported as the JSON text the state stores instead of a map,
// for an object whose values this cycle will not read again: a mapped
// user's values take about twice as much memory as a map as they do as
// text, and every object of an initial cycle is held until its commit
// (issue 16). Decode brings the map back. Values that cannot be encoded
// are left as they are, for Commit to report.
func (o *Object) Seal() { o.SealTo(nil) }

// SealTo is Seal with the text kept in f, the cycle's spill file, rather
// than in memory: at a million objects the text alone is about 500 MB
// (issue 16). f must outlive the object's commit. When f is nil or fails,
// SealTo is Seal.
func (o *Object) SealTo(f *provlog.SpillFile) {
	if o.pending || o.sealed || o.Exported == nil {
		return
	}
	b, err := json.Marshal(o.Exported)
	if err != nil {
		return
	}
	if f != nil {
		if ref, err := f.Put(b); err == nil {
			o.cold, o.coldRef, o.Exported, o.sealed = f, ref, nil, true
			return
		}
	}
	o.exportedText, o.Exported, o.sealed = string(b), nil, true
}

// sealedText is the stored JSON text of a sealed object's Exported.
func (o *Object) sealedText() (string, error) {
	if o.cold == nil {
		return o.exportedText, nil
	}
	b, err := o.cold.Get(o.coldRef)
	if err != nil {
		return "", fmt.Errorf("state: object %s %s: exported values: %w", o.Kind, o.SourceID, err)
	}
	return string(b), nil
}

// Decode reads Exported and Members of an object returned by
// Store.Objects, or Exported of a sealed object; it is a no-op for new or
// already decoded objects.
func (o *Object) Decode(ctx context.Context) error {
	if o.sealed {
		text, err := o.sealedText()
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(text), &o.Exported); err != nil {
			return fmt.Errorf("state: object %s %s: exported values: %w", o.Kind, o.SourceID, err)
		}
		o.exportedText, o.sealed, o.cold = "", false, nil
		return nil
	}
	if !o.pending {
		return nil
	}
	var exported, members string
	err := o.store.db.QueryRowContext(ctx, `SELECT exported, members FROM objects WHERE kind=? AND source_id=?`,
		o.Kind, o.SourceID).Scan(&exported, &members)
	if err != nil {
		return fmt.Errorf("state: object %s %s: %w", o.Kind, o.SourceID, err)
	}
	o.Exported, o.Members = nil, nil
	if err := json.Unmarshal([]byte(exported), &o.Exported); err != nil {
		return fmt.Errorf("state: object %s %s: exported values: %w", o.Kind, o.SourceID, err)
	}
	if err := json.Unmarshal([]byte(members), &o.Members); err != nil {
		return fmt.Errorf("state: object %s %s: members: %w", o.Kind, o.SourceID, err)
	}
	if len(o.Members) == 0 {
		o.Members = nil
	}
	o.pending = false
	return nil
}

// Key returns the object's key.
func (o *Object) Key() Key { return Key{o.Kind, o.SourceID} }

// Linked reports whether the object has a target id.
func (o *Object) Linked() bool { return o.TargetID != "" }

// Job status codes, as Job.Code returns them: the quarantine state
// machine's (ENTRA-QUAR-07; Paused when an initial cycle pruned the
// escrows), and Disabled for a stopped job too.
const (
	CodeNotRun     = string(quarantine.CodeNotRun)
	CodeActive     = string(quarantine.CodeActive)
	CodePaused     = string(quarantine.CodePaused)
	CodeQuarantine = string(quarantine.CodeQuarantine)
	CodeDisabled   = string(quarantine.CodeDisabled)
)

// DefaultInterval is Entra's incremental cycle interval (ENTRA-CYCLE-03).
const DefaultInterval = 40 * time.Minute

// Epoch is the simulated clock's start for a new state file.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Counts are the per-action counts of a cycle.
type Counts struct {
	Created       int `json:"created"`
	Updated       int `json:"updated"`
	Disabled      int `json:"disabled"`
	Deleted       int `json:"deleted"`
	Skipped       int `json:"skipped"`
	Failed        int `json:"failed"`
	StagedDeletes int `json:"stagedDeletes"`
	// ReferenceFailures are failed manager and member updates, counted
	// separately because quarantine thresholds leave them out (QUAR-03).
	ReferenceFailures int `json:"referenceFailures"`
	// Requests is the number of HTTP requests sent in the cycle.
	Requests int `json:"requests"`
}

// Add adds other to c.
func (c *Counts) Add(o Counts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Disabled += o.Disabled
	c.Deleted += o.Deleted
	c.Skipped += o.Skipped
	c.Failed += o.Failed
	c.StagedDeletes += o.StagedDeletes
	c.ReferenceFailures += o.ReferenceFailures
	c.Requests += o.Requests
}

// Job is the provisioning job's status and schedule.
type Job struct {
	// Status is the job's status: the quarantine state machine (Graph's
	// synchronizationStatus with its quarantine, ENTRA-QUAR-06/07, and the
	// one-off "Allow deletes", ENTRA-DEL-01), the one truth Code and
	// Quarantine read. Store.Job sets it; it is stored as its own record.
	Status *quarantine.Machine `json:"-"`
	// JobID is the LOG-09 job id; TenantID the simulated Entra tenant.
	JobID    string `json:"jobId"`
	TenantID string `json:"tenantId"`
	// Clock is the simulated time of the next cycle.
	Clock time.Time `json:"clock"`
	// Interval between cycles (PT40M by default).
	Interval time.Duration `json:"interval"`
	// NeedsInitial is true until an initial cycle completes, and again
	// after a restart (ENTRA-CYCLE-05).
	NeedsInitial bool `json:"needsInitial"`
	// Stopped is set by `entrasim stop` (ENTRA-CYCLE-04) and cleared by
	// start; Code then reads Disabled.
	Stopped bool `json:"stopped,omitempty"`
	// Resume is set when an initial cycle was interrupted: the next cycle
	// is still initial but leaves out the objects the interrupted one
	// finished (their watermark is current), so it continues from there.
	Resume bool `json:"resume,omitempty"`
	// Cycles counts completed cycles (not interrupted ones).
	Cycles int `json:"cycles"`
	// LastCycle summarises the last cycle.
	LastCycle *Cycle `json:"lastCycle,omitempty"`
}

// Cycle is one entry of the cycle history.
type Cycle struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"` // initial | incremental
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Counts   Counts    `json:"counts"`
	// Objects is the number of source objects the cycle evaluated.
	Objects int `json:"objects"`
	// Stopped names why the cycle did not export (quarantine), "" if it ran.
	Stopped string `json:"stopped,omitempty"`
	// Interrupted is set for a cycle ended early by SIGINT or SIGTERM: its
	// counts are of the objects done; the next cycle does the rest.
	Interrupted bool `json:"interrupted,omitempty"`
	// SourceUnchanged is set for an incremental cycle that found the
	// source unchanged by its digest (state.SourceMark) and so read neither
	// the directory nor the objects; it did what a full no-change cycle
	// does. A harness field, not Entra's.
	SourceUnchanged bool `json:"sourceUnchanged,omitempty"`
}

// Config is the job's configuration kept with the state, so that later
// commands need not repeat it.
type Config struct {
	TenantURL   string `json:"tenantUrl"`
	Dialect     string `json:"dialect"`
	MappingFile string `json:"mappingFile"`
	// NotificationEmail receives the quarantine emails (QUAR-06).
	NotificationEmail string `json:"notificationEmail,omitempty"`
	// Outbox is the folder the emails are written to.
	Outbox string `json:"outbox,omitempty"`
	// Thresholds are the QUAR-03 numbers set by flags; zero means the
	// documented default.
	Thresholds Thresholds `json:"thresholds,omitzero"`
}

// Thresholds are the configurable failure thresholds (ENTRA-QUAR-03:
// "subject to change"); zero means the default, negative switches a rule
// off.
type Thresholds struct {
	MinFailures       int64 `json:"minFailures,omitempty"`
	ProportionPercent int64 `json:"proportionPercent,omitempty"`
	BaseFailures      int64 `json:"baseFailures,omitempty"`
	TotalFailures     int64 `json:"totalFailures,omitempty"`
}

// Escrow is one object whose export failed and will be retried (issue 6
// fills the table; the engine only reads and clears it for now).
type Escrow struct {
	Key          Key
	ErrorCode    string
	Reference    bool
	FirstFailure time.Time
	Attempts     int
	NextAttempt  time.Time
}
