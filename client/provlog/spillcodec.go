package provlog

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"
)

// The spill file's encoding: compact and exact. Strings and counts are
// uvarint-length-prefixed, optional values (pointers) have a presence
// byte, maps are written in key order, and the activity time in
// time.Time's binary form (its instant and zone offset), so that a
// decoded record marshals to the same JSON bytes. Empty details maps
// decode to the shared noDetails, as Begin and Step make them.

// Segment kinds.
const (
	kindRecord byte = 1 // a whole record
	kindDelta  byte = 2 // previous segment, fieldSet, then a delta
)

func appendRecord(b []byte, r *Record) []byte {
	b = append(b, kindRecord)
	b = appendString(b, r.ID)
	t, _ := r.ActivityDateTime.MarshalBinary() // fails only for a zone offset outside ±32767 min
	b = appendBytes(b, t)
	b = appendString(b, r.ChangeID)
	b = appendString(b, r.CycleID)
	b = appendString(b, r.JobID)
	b = binary.AppendVarint(b, int64(r.DurationInMilliseconds))
	b = appendString(b, string(r.ProvisioningAction))
	b = appendStatus(b, r.ProvisioningStatusInfo)
	b = appendSteps(b, r.ProvisioningSteps)
	b = appendIdentity(b, r.SourceIdentity)
	b = appendIdentity(b, r.TargetIdentity)
	b = appendSystem(b, r.SourceSystem)
	b = appendSystem(b, r.TargetSystem)
	b = appendModified(b, r.ModifiedProperties)
	b = appendString(b, r.ServicePrincipal.ID)
	b = appendString(b, r.ServicePrincipal.DisplayName)
	b = appendString(b, r.InitiatedBy.ID)
	b = appendString(b, r.InitiatedBy.DisplayName)
	b = appendString(b, string(r.InitiatedBy.InitiatorType))
	return appendString(b, r.TenantID)
}

// appendDelta encodes a delta: only the fields set says were set, and
// the steps and modified properties added.
func appendDelta(b []byte, prev segment, set fieldSet, d *Record) []byte {
	b = append(b, kindDelta)
	b = binary.AppendVarint(b, prev.off)
	b = binary.AppendUvarint(b, uint64(prev.n))
	b = append(b, byte(set))
	if set&setAction != 0 {
		b = appendString(b, string(d.ProvisioningAction))
	}
	if set&setTarget != 0 {
		b = appendIdentity(b, d.TargetIdentity)
	}
	if set&setStatus != 0 {
		b = appendStatus(b, d.ProvisioningStatusInfo)
	}
	b = appendSteps(b, d.ProvisioningSteps)
	return appendModified(b, d.ModifiedProperties)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendOptional(b []byte, s *string) []byte {
	if s == nil {
		return append(b, 0)
	}
	return appendString(append(b, 1), *s)
}

func appendMap(b []byte, m map[string]string) []byte {
	b = binary.AppendUvarint(b, uint64(len(m)))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendString(appendString(b, k), m[k])
	}
	return b
}

func appendStatus(b []byte, s StatusInfo) []byte {
	b = appendString(b, string(s.Status))
	e := s.ErrorInformation
	if e == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendString(b, e.ErrorCode)
	b = appendString(b, e.Reason)
	b = appendString(b, e.AdditionalDetails)
	b = appendString(b, string(e.ErrorCategory))
	return appendString(b, e.RecommendedAction)
}

func appendSteps(b []byte, steps []Step) []byte {
	b = binary.AppendUvarint(b, uint64(len(steps)))
	for _, s := range steps {
		b = appendString(b, s.Name)
		b = appendString(b, s.Description)
		b = appendMap(b, s.Details)
		b = appendString(b, string(s.ProvisioningStepType))
		b = appendString(b, string(s.Status))
	}
	return b
}

func appendIdentity(b []byte, i Identity) []byte {
	b = appendString(b, i.ID)
	b = appendString(b, i.DisplayName)
	b = appendString(b, i.IdentityType)
	return appendMap(b, i.Details)
}

func appendSystem(b []byte, s System) []byte {
	b = appendString(b, s.ID)
	b = appendString(b, s.DisplayName)
	return appendMap(b, s.Details)
}

func appendModified(b []byte, ms []ModifiedProperty) []byte {
	b = binary.AppendUvarint(b, uint64(len(ms)))
	for _, m := range ms {
		b = appendString(b, m.DisplayName)
		b = appendOptional(b, m.OldValue)
		b = appendOptional(b, m.NewValue)
	}
	return b
}

// errShort is a segment that ends before its last field.
var errShort = errors.New("segment ends early")

// decoder reads a segment held as one string: the strings it returns
// share it. The first error sticks; later reads return zero values.
type decoder struct {
	s   string
	i   int
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.i = len(d.s)
}

func (d *decoder) byte() byte {
	if d.i >= len(d.s) {
		d.fail(errShort)
		return 0
	}
	c := d.s[d.i]
	d.i++
	return c
}

func (d *decoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *decoder) varint() int64 { return readVarint(d, binary.Varint) }

// readVarint reads one varint with read (binary.Uvarint or Varint).
func readVarint[T uint64 | int64](d *decoder, read func([]byte) (T, int)) T {
	v, n := read([]byte(d.s[d.i:min(len(d.s), d.i+binary.MaxVarintLen64)]))
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail(errShort)
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// count is a slice or map length, bounded by the bytes left (each
// element takes at least one).
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail(errShort)
		return 0
	}
	return int(n)
}

func (d *decoder) optional() *string {
	if d.byte() == 0 {
		return nil
	}
	s := d.string()
	return &s
}

func (d *decoder) details() map[string]string {
	n := d.count()
	if n == 0 {
		return noDetails
	}
	m := make(map[string]string, n)
	for range n {
		k := d.string()
		m[k] = d.string()
	}
	return m
}

func (d *decoder) segment() segment {
	off := d.varint()
	return segment{off: off, n: uint32(d.uvarint())}
}

func (d *decoder) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary([]byte(d.string())); err != nil {
		d.fail(err)
	}
	return t
}

func (d *decoder) status() StatusInfo {
	s := StatusInfo{Status: Status(d.string())}
	if d.byte() == 0 {
		return s
	}
	s.ErrorInformation = &ErrorInfo{ErrorCode: d.string(), Reason: d.string(), AdditionalDetails: d.string(),
		ErrorCategory: ErrorCategory(d.string()), RecommendedAction: d.string()}
	return s
}

func (d *decoder) steps() []Step {
	n := d.count()
	out := make([]Step, n)
	for i := range out {
		out[i] = Step{Name: d.string(), Description: d.string(), Details: d.details(),
			ProvisioningStepType: StepType(d.string()), Status: Status(d.string())}
	}
	return out
}

func (d *decoder) identity() Identity {
	return Identity{ID: d.string(), DisplayName: d.string(), IdentityType: d.string(), Details: d.details()}
}

func (d *decoder) system() System {
	return System{ID: d.string(), DisplayName: d.string(), Details: d.details()}
}

func (d *decoder) modified() []ModifiedProperty {
	n := d.count()
	out := make([]ModifiedProperty, n)
	for i := range out {
		out[i] = ModifiedProperty{DisplayName: d.string(), OldValue: d.optional(), NewValue: d.optional()}
	}
	return out
}

// record reads a whole record (after its kind byte). Go evaluates the
// fields of a composite literal in order, which the reads rely on.
func (d *decoder) record() *Record {
	return &Record{
		ID:                     d.string(),
		ActivityDateTime:       d.time(),
		ChangeID:               d.string(),
		CycleID:                d.string(),
		JobID:                  d.string(),
		DurationInMilliseconds: int32(d.varint()),
		ProvisioningAction:     Action(d.string()),
		ProvisioningStatusInfo: d.status(),
		ProvisioningSteps:      d.steps(),
		SourceIdentity:         d.identity(),
		TargetIdentity:         d.identity(),
		SourceSystem:           d.system(),
		TargetSystem:           d.system(),
		ModifiedProperties:     d.modified(),
		ServicePrincipal:       ServicePrincipal{ID: d.string(), DisplayName: d.string()},
		InitiatedBy:            Initiator{ID: d.string(), DisplayName: d.string(), InitiatorType: InitiatorType(d.string())},
		TenantID:               d.string(),
	}
}

// delta reads a delta's fields (after its previous segment).
func (d *decoder) delta() (fieldSet, *Record) {
	set := fieldSet(d.byte())
	r := &Record{}
	if set&setAction != 0 {
		r.ProvisioningAction = Action(d.string())
	}
	if set&setTarget != 0 {
		r.TargetIdentity = d.identity()
	}
	if set&setStatus != 0 {
		r.ProvisioningStatusInfo = d.status()
	}
	r.ProvisioningSteps = d.steps()
	r.ModifiedProperties = d.modified()
	return set, r
}
