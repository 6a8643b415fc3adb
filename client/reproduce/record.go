// Package reproduce turns provisioning-log records into the requests Entra
// sent for them and replays those requests against a tenant URL, to see
// whether the same error code results (issue 6: "a developer can turn a log
// entry into a failing test").
//
// Inputs (Parse, ReadPath): Graph's list response
// ({"@odata.context":…,"value":[…]}, what `entrasim logs --format json`
// writes), a bare JSON array of records (its earlier output), a single
// provisioningObjectSummary, the Entra portal's JSON download (an array in
// which action, jobId and changeId sit at the top level and the beta names
// action/statusInfo may appear, LOG-11), and the three-file CSV download
// (ProvisioningLogs, ProvisioningLogs_ProvisioningSteps and
// ProvisioningLogs_ModifiedProperties joined on changeId, LOG-11), from the
// portal or from `entrasim logs --format csv`.
//
// A record does not hold everything Entra knew; Report.Gaps lists what the
// replay had to assume (attributes not in modifiedProperties, the mapping,
// the manager's and members' target ids, the target object's earlier state).
package reproduce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrBadInput reports a record file that cannot be read, a selection that
// names no record, or a record that cannot be replayed as it stands.
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

// Step is one provisioningSteps entry (LOG-05).
type Step struct {
	Name, Type, Status, Description string
	Details                         map[string]string
}

// Entry is the part of a record the replay uses, whatever its shape.
type Entry struct {
	ID, ChangeID, CycleID, JobID string
	// Index is the record's position in its file, from 0.
	Index int
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
	Steps     []Step
	// App is the application's name (servicePrincipal.displayName, else the
	// target system's): Entra prefixes some error codes with it (BaseCode).
	App string
	// Shape names where the record came from: "graph" (Graph or our JSON),
	// "portal" (the JSON download, top-level action) or "csv".
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

// Label is a one-line description of the record for lists and headers.
func (e *Entry) Label() string {
	code := ""
	if e.ErrorCode != "" {
		code = " " + e.ErrorCode
	}
	name := e.Source.DisplayName
	if name == "" {
		name = e.Target.DisplayName
	}
	return fmt.Sprintf("%d: id %s, changeId %s: %s %s %q, %s%s", e.Index, orNone(e.ID), orNone(e.ChangeID),
		e.Action, kindOf(e), name, e.Status, code)
}

// Pick selects records: the one whose id or changeId is id, else the
// index-th (from 0) when index >= 0, else all of them.
func Pick(entries []*Entry, id string, index int) ([]*Entry, error) {
	switch {
	case len(entries) == 0:
		return nil, fmt.Errorf("%w: no records", ErrBadInput)
	case id != "" && index >= 0:
		return nil, fmt.Errorf("%w: give --id or --index, not both", ErrBadInput)
	case id != "":
		var out []*Entry
		for _, e := range entries {
			if e.ID == id || e.ChangeID == id {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: no record with id or changeId %q among %d:\n  %s", ErrBadInput, id, len(entries), List(entries))
		}
		return out[:1], nil
	case index >= 0:
		if index >= len(entries) {
			return nil, fmt.Errorf("%w: index %d, but the input holds %d record(s) (indexes start at 0)", ErrBadInput, index, len(entries))
		}
		return entries[index : index+1], nil
	}
	return entries, nil
}

// List renders records one per line, for messages.
func List(entries []*Entry) string {
	var lines []string
	for i, e := range entries {
		if i == 20 {
			lines = append(lines, fmt.Sprintf("… and %d more", len(entries)-i))
			break
		}
		lines = append(lines, e.Label())
	}
	return strings.Join(lines, "\n  ")
}

// Parse reads records from one file's content: JSON (a record, an array of
// records, a Graph list response, the portal's JSON download) or the
// ProvisioningLogs CSV file alone (without its steps and modified
// properties; ReadPath finds those next to it).
func Parse(data []byte) ([]*Entry, string, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) // portal files may carry a BOM
	if len(data) == 0 {
		return nil, "", fmt.Errorf("%w: the input is empty", ErrBadInput)
	}
	if data[0] != '{' && data[0] != '[' {
		recs, err := csvRecords(data, nil, nil)
		if err != nil {
			return nil, "", err
		}
		es, err := toEntries(recs, "csv")
		return es, "CSV (ProvisioningLogs only: no steps or modified properties)", err
	}
	recs, format, err := jsonRecords(data)
	if err != nil {
		return nil, "", err
	}
	es, err := toEntries(recs, "")
	return es, format, err
}

func toEntries(recs []map[string]any, shape string) ([]*Entry, error) {
	out := make([]*Entry, 0, len(recs))
	for i, r := range recs {
		e, err := toEntry(r)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		e.Index = i
		if shape != "" {
			e.Shape = shape
		}
		out = append(out, e)
	}
	return out, nil
}

// jsonRecords reads a record, an array of records or a Graph page.
func jsonRecords(data []byte) ([]map[string]any, string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, "", fmt.Errorf("%w: not JSON: %w", ErrBadInput, err)
	}
	switch t := v.(type) {
	case []any:
		recs, err := asMaps(t)
		return recs, "JSON array of records", err
	case map[string]any:
		if raw, ok := t["value"]; ok {
			page, ok := raw.([]any)
			if !ok {
				return nil, "", fmt.Errorf("%w: \"value\" is not an array of records", ErrBadInput)
			}
			recs, err := asMaps(page)
			return recs, "Graph list response", err
		}
		return []map[string]any{t}, "single JSON record", nil
	}
	return nil, "", fmt.Errorf("%w: want a record, an array of records or a Graph list response", ErrBadInput)
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
	if steps, ok := get(r, "provisioningSteps").([]any); ok {
		for _, x := range steps {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			typ := str(m, "provisioningStepType")
			if typ == "" {
				typ = str(m, "stepType")
			}
			e.Steps = append(e.Steps, Step{Name: str(m, "name"), Type: lowerFirst(typ), Status: strings.ToLower(str(m, "status")),
				Description: str(m, "description"), Details: details(get(m, "details"))})
		}
	}
	if sp, ok := get(r, "servicePrincipal").(map[string]any); ok {
		e.App = str(sp, "displayName")
		if e.App == "" {
			e.App = str(sp, "name")
		}
	}
	if e.App == "" {
		if ts, ok := get(r, "targetSystem").(map[string]any); ok {
			e.App = str(ts, "displayName")
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

// details reads a step's details: a JSON object, or Graph's older list of
// {key, value} pairs.
func details(v any) map[string]string {
	out := map[string]string{}
	switch t := v.(type) {
	case map[string]any:
		for k := range t {
			out[k] = str(t, k)
		}
	case []any:
		for _, x := range t {
			if m, ok := x.(map[string]any); ok && str(m, "key") != "" {
				out[str(m, "key")] = str(m, "value")
			}
		}
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(t), &m) == nil {
			return details(m)
		}
	}
	return out
}

// get reads a key case-insensitively (the portal capitalises some).
func get(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic when two keys differ only in case
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return m[k]
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
	return lowerFirst(strings.TrimSpace(a))
}

func lowerFirst(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToLower(s[:1]) + s[1:]
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
	s.code = strings.TrimSpace(s.code)
	if strings.EqualFold(s.code, "none") {
		s.code = "" // Azure Monitor's ResultSignature on success
	}
	return s
}
