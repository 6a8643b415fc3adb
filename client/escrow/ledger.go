package escrow

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Kind is the type of source object.
type Kind string

// Object kinds.
const (
	KindUser  Kind = "user"
	KindGroup Kind = "group"
)

// Object names one source object (an Entra object id and its kind).
type Object struct {
	ID   string `json:"objectId"`
	Kind Kind   `json:"kind"`
}

// Attempt is what happened to one export of an object in a cycle (the
// engine's outcome.Outcome classifies the call; this is what the ledger
// keeps of it).
type Attempt struct {
	// Success is true when the target accepted the export.
	Success bool
	// Action is the provisioningAction attempted (create, update, disable,
	// delete, …) as the provisioning log names it.
	Action string
	// ErrorCode is the provisioning-log errorCode of a failure.
	ErrorCode string
	// Reference is true for a reference update (manager, group members),
	// which QUAR-03 counts apart from other failures.
	Reference bool
	// RetryAfter is the delay the target asked for (429 Retry-After,
	// ENTRA-RESP-12); the next attempt is never earlier than that.
	RetryAfter time.Duration
}

// Entry is one escrowed failure: an object whose export, or whose reference
// update, failed and waits for a retry.
type Entry struct {
	Object
	// Reference is true for a failed reference update (QUAR-03).
	Reference bool `json:"reference"`
	// Action is the action that failed last.
	Action string `json:"action"`
	// ErrorCode is the errorCode of the last failure.
	ErrorCode string `json:"errorCode"`
	// FirstFailure is when the object first failed in this series.
	FirstFailure time.Time `json:"firstFailure"`
	// LastFailure is when it failed last.
	LastFailure time.Time `json:"lastFailure"`
	// Attempts counts consecutive failures, the first one included.
	Attempts int `json:"attempts"`
	// NextAttempt is the earliest time a cycle should retry the object.
	NextAttempt time.Time `json:"nextAttempt"`
}

// Counts are the ledger's totals as QUAR-03 needs them.
type Counts struct {
	// Failures counts entries that are not reference failures.
	Failures int64 `json:"failures"`
	// ReferenceFailures counts failed reference updates.
	ReferenceFailures int64 `json:"referenceFailures"`
}

// Total is every escrowed failure, reference failures included.
func (c Counts) Total() int64 { return c.Failures + c.ReferenceFailures }

// Ledger holds the escrow entries of one job. Its zero value is empty and
// ready to use. Policy is configuration, not state: it is not serialised, and
// its zero value means the documented defaults.
type Ledger struct {
	// Policy spaces the retries.
	Policy Policy `json:"-"`
	// Entries by Key, so lookups stay cheap at QUAR-03's 60,000 failures;
	// encoding/json writes map keys sorted, so the JSON is deterministic.
	Entries map[string]Entry `json:"entries"`
}

// ErrInvalidObject reports an object without id or with an unknown kind.
var ErrInvalidObject = errors.New("escrow: invalid object")

// Key is the ledger key of an object's own failure (reference false) or of
// its reference-update failure (reference true).
func Key(obj Object, reference bool) string {
	if reference {
		return string(obj.Kind) + "/" + obj.ID + "/ref"
	}
	return string(obj.Kind) + "/" + obj.ID
}

func (o Object) validate() error {
	if o.ID == "" {
		return fmt.Errorf("%w: empty object id", ErrInvalidObject)
	}
	if o.Kind != KindUser && o.Kind != KindGroup {
		return fmt.Errorf("%w: kind %q (want %q or %q)", ErrInvalidObject, o.Kind, KindUser, KindGroup)
	}
	return nil
}

// Record notes the outcome of one export at time now. A failure adds an
// entry or counts one more attempt on it and schedules the next attempt with
// Policy; a success removes the matching entry (the object's own, or its
// reference entry when out.Reference is set). It returns the entry after the
// change, and false when the object is no longer escrowed.
func (l *Ledger) Record(now time.Time, obj Object, out Attempt) (Entry, bool, error) {
	if err := obj.validate(); err != nil {
		return Entry{}, false, fmt.Errorf("record %s: %w", Key(obj, out.Reference), err)
	}
	key := Key(obj, out.Reference)
	if out.Success {
		delete(l.Entries, key)
		return Entry{}, false, nil
	}
	if l.Entries == nil {
		l.Entries = make(map[string]Entry)
	}
	e, ok := l.Entries[key]
	if !ok {
		e = Entry{Object: obj, Reference: out.Reference, FirstFailure: now}
	}
	e.Attempts++
	e.Action = out.Action
	e.ErrorCode = out.ErrorCode
	e.LastFailure = now
	e.NextAttempt = now.Add(max(l.Policy.Delay(e.Attempts), out.RetryAfter))
	l.Entries[key] = e
	return e, true, nil
}

// Succeeded removes every entry of obj (its own and its reference failure),
// for when the object was exported successfully as a whole or left scope.
func (l *Ledger) Succeeded(obj Object) {
	delete(l.Entries, Key(obj, false))
	delete(l.Entries, Key(obj, true))
}

// Get returns the entry for obj and reference, if escrowed.
func (l *Ledger) Get(obj Object, reference bool) (Entry, bool) {
	e, ok := l.Entries[Key(obj, reference)]
	return e, ok
}

// Due returns the entries whose NextAttempt is at or before now, ordered by
// NextAttempt and then key, so cycles retry in a deterministic order.
func (l *Ledger) Due(now time.Time) []Entry {
	var due []Entry
	for _, e := range l.Entries {
		if !e.NextAttempt.After(now) {
			due = append(due, e)
		}
	}
	sortEntries(due)
	return due
}

// All returns every entry in the same order as Due. A quarantine retry
// (QUAR-04) retries all of them: its own schedule replaces per-object spacing.
func (l *Ledger) All() []Entry {
	all := make([]Entry, 0, len(l.Entries))
	for _, e := range l.Entries {
		all = append(all, e)
	}
	sortEntries(all)
	return all
}

// Counts returns the failures and reference failures held (QUAR-03).
func (l *Ledger) Counts() Counts {
	var c Counts
	for _, e := range l.Entries {
		if e.Reference {
			c.ReferenceFailures++
		} else {
			c.Failures++
		}
	}
	return c
}

// Len is the number of entries.
func (l *Ledger) Len() int { return len(l.Entries) }

// DropAll removes every entry and returns how many there were: on restart
// (ENTRA-CYCLE-05, QUAR-05), when the job is disabled after 28 days in
// quarantine (QUAR-04), and when the initial cycle prunes escrows (QUAR-07).
func (l *Ledger) DropAll() int {
	n := len(l.Entries)
	l.Entries = nil
	return n
}

func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int {
		return cmp.Or(a.NextAttempt.Compare(b.NextAttempt), cmp.Compare(Key(a.Object, a.Reference), Key(b.Object, b.Reference)))
	})
}
