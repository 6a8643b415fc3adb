// Package reproduce turns a provisioning-log record into the requests Entra
// sent for it and replays them against a tenant URL, to see whether the
// same error code results (issue 6: "a developer can turn a log entry into
// a failing test"). It reads our own JSON export, Graph's
// provisioningObjectSummary (LOG-01, also inside a {"value":[…]} page) and
// the JSON download of the Entra portal, where action, jobId and changeId
// sit at the top level and the beta names action/statusInfo may appear
// (LOG-11).
//
// A record does not hold everything Entra knew; Entry.Gaps lists what the
// replay had to assume (attributes not in modifiedProperties, the mapping,
// the manager's and members' target ids, the target object's earlier state).
package reproduce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadInput reports a record file that cannot be read or does not name
// one record.
var ErrBadInput = errors.New("bad provisioning-log input")

// Identity is sourceIdentity or targetIdentity.
type Identity struct {
	ID, DisplayName, Type string
}

// Property is one modifiedProperties entry; nil means null.
type Property struct {
	Name     string
	Old, New *string
}

// Entry is the part of a record the replay uses, whatever its shape.
type Entry struct {
	ID, ChangeID, CycleID, JobID string
	// Action is the lower-case provisioningAction: create, update, disable,
	// delete, stagedDelete, other.
	Action string
	// Status is success, failure, skipped, warning.
	Status string
	// ErrorCode is errorInformation.errorCode ("" on success).
	ErrorCode string
	Reason    string
	Source    Identity
	Target    Identity
	Modified  []Property
	// Shape names where the record came from: "graph" (our export or
	// Graph) or "portal" (the download, top-level action).
	Shape string
}

// IsGroup reports whether the record is about a group.
func (e *Entry) IsGroup() bool {
	t := strings.ToLower(e.Source.Type + " " + e.Target.Type)
	return strings.Contains(t, "group")
}

// Prop returns the modified property with the given name (case-insensitive).
func (e *Entry) Prop(name string) (Property, bool) {
	for _, p := range e.Modified {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Property{}, false
}

// Select picks one record from data: the one whose changeId (or id) is
// changeID, else the index-th (from 0) when index >= 0, else the only one.
func Select(data []byte, changeID string, index int) (*Entry, int, error) {
	recs, err := records(data)
	if err != nil {
		return nil, 0, err
	}
	if len(recs) == 0 {
		return nil, 0, fmt.Errorf("%w: no records", ErrBadInput)
	}
	var chosen map[string]any
	switch {
	case changeID != "":
		for _, r := range recs {
			if str(r, "changeId") == changeID || str(r, "id") == changeID {
				chosen = r
				break
			}
		}
		if chosen == nil {
			return nil, len(recs), fmt.Errorf("%w: no record with changeId %q among %d", ErrBadInput, changeID, len(recs))
		}
	case index >= 0:
		if index >= len(recs) {
			return nil, len(recs), fmt.Errorf("%w: index %d, but the file holds %d record(s)", ErrBadInput, index, len(recs))
		}
		chosen = recs[index]
	case len(recs) == 1:
		chosen = recs[0]
	default:
		var ids []string
		for i, r := range recs {
			ids = append(ids, fmt.Sprintf("%d: %s %s %s %s", i, str(r, "changeId"), action(r), statusOf(r).status, obj(r, "sourceIdentity").DisplayName))
		}
		return nil, len(recs), fmt.Errorf("%w: the file holds %d records; pick one with --change-id or --index:\n  %s",
			ErrBadInput, len(recs), strings.Join(ids, "\n  "))
	}
	e, err := toEntry(chosen)
	return e, len(recs), err
}

// records reads a record, an array of records or a Graph page.
func records(data []byte) ([]map[string]any, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) // portal files may carry a BOM
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %w", ErrBadInput, err)
	}
	switch t := v.(type) {
	case []any:
		return asMaps(t)
	case map[string]any:
		if page, ok := get(t, "value").([]any); ok {
			return asMaps(page)
		}
		return []map[string]any{t}, nil
	}
	return nil, fmt.Errorf("%w: want a record, an array of records or a Graph page", ErrBadInput)
}

func asMaps(a []any) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(a))
	for i, x := range a {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: element %d is not an object", ErrBadInput, i)
		}
		out = append(out, m)
	}
	return out, nil
}

func toEntry(r map[string]any) (*Entry, error) {
	e := &Entry{ID: str(r, "id"), ChangeID: str(r, "changeId"), CycleID: str(r, "cycleId"), JobID: str(r, "jobId"),
		Source: obj(r, "sourceIdentity"), Target: obj(r, "targetIdentity"), Shape: "graph"}
	if get(r, "provisioningAction") == nil && get(r, "action") != nil {
		e.Shape = "portal"
	}
	e.Action = action(r)
	st := statusOf(r)
	e.Status, e.ErrorCode, e.Reason = st.status, st.code, st.reason
	if mp, ok := get(r, "modifiedProperties").([]any); ok {
		for _, x := range mp {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			e.Modified = append(e.Modified, Property{Name: str(m, "displayName"), Old: strPtr(get(m, "oldValue")), New: strPtr(get(m, "newValue"))})
		}
	}
	switch {
	case e.Action == "":
		return nil, fmt.Errorf("%w: the record has no provisioningAction (or action)", ErrBadInput)
	case e.Source.ID == "" && e.Target.ID == "":
		return nil, fmt.Errorf("%w: the record names neither a source nor a target identity", ErrBadInput)
	}
	return e, nil
}

// get reads a key case-insensitively (the portal capitalises some).
func get(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

func str(m map[string]any, key string) string {
	if p := strPtr(get(m, key)); p != nil {
		return *p
	}
	return ""
}

// strPtr renders a JSON value as the log does: strings as they are,
// booleans as True/False, null as nil.
func strPtr(v any) *string {
	var s string
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		s = t
	case bool:
		s = strings.ToUpper(strconv.FormatBool(t)[:1]) + strconv.FormatBool(t)[1:]
	case json.Number:
		s = t.String()
	default:
		b, _ := json.Marshal(t)
		s = string(b)
	}
	return &s
}

func obj(r map[string]any, key string) Identity {
	m, _ := get(r, key).(map[string]any)
	if m == nil {
		return Identity{}
	}
	typ := str(m, "identityType")
	if typ == "" {
		typ = str(m, "type")
	}
	return Identity{ID: str(m, "id"), DisplayName: str(m, "displayName"), Type: typ}
}

// action reads provisioningAction, or the portal's action ("Create",
// "StagedDelete"), as the lower-camel Graph value.
func action(r map[string]any) string {
	a := str(r, "provisioningAction")
	if a == "" {
		a = str(r, "action")
	}
	a = strings.TrimSpace(a)
	if a == "" {
		return ""
	}
	return strings.ToLower(a[:1]) + a[1:]
}

type status struct{ status, code, reason string }

// statusOf reads provisioningStatusInfo, the beta statusInfo, or flat
// status/errorCode fields (portal and Azure Monitor names).
func statusOf(r map[string]any) status {
	var s status
	info, _ := get(r, "provisioningStatusInfo").(map[string]any)
	if info == nil {
		info, _ = get(r, "statusInfo").(map[string]any)
	}
	if info != nil {
		s.status = strings.ToLower(str(info, "status"))
		ei, _ := get(info, "errorInformation").(map[string]any)
		if ei == nil {
			ei = info
		}
		s.code, s.reason = str(ei, "errorCode"), str(ei, "reason")
	}
	if s.status == "" {
		if v, ok := get(r, "status").(string); ok {
			s.status = strings.ToLower(v)
		} else if v := str(r, "resultType"); v != "" {
			s.status = strings.ToLower(v)
		}
	}
	if s.code == "" {
		s.code = str(r, "errorCode")
		if s.code == "" {
			s.code = str(r, "resultSignature")
		}
	}
	if s.reason == "" {
		s.reason = str(r, "reason")
	}
	return s
}
