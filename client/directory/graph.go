package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The files of a Microsoft Graph export folder (docs/directory-format.md).
const (
	// GraphUsersFile holds GET /v1.0/users?$expand=manager; required.
	GraphUsersFile = "users.json"
	// GraphGroupsFile holds GET /v1.0/groups?$expand=members; required.
	GraphGroupsFile = "groups.json"
	// GraphAssignmentsFile holds GET
	// /v1.0/servicePrincipals/{id}/appRoleAssignedTo; optional. Without it
	// the scope is "all".
	GraphAssignmentsFile = "assignments.json"
)

// Graph's @odata.type values of the objects Entra provisions.
const (
	graphUser  = "#microsoft.graph.user"
	graphGroup = "#microsoft.graph.group"
)

// graphUserStrings maps Graph's user properties to the model's fields.
var graphUserStrings = map[string]func(u *User) *string{
	"userPrincipalName": func(u *User) *string { return &u.UserPrincipalName },
	"mailNickname":      func(u *User) *string { return &u.MailNickname },
	"mail":              func(u *User) *string { return &u.Mail },
	"givenName":         func(u *User) *string { return &u.GivenName },
	"surname":           func(u *User) *string { return &u.Surname },
	"displayName":       func(u *User) *string { return &u.DisplayName },
	"jobTitle":          func(u *User) *string { return &u.JobTitle },
	"department":        func(u *User) *string { return &u.Department },
	"employeeId":        func(u *User) *string { return &u.EmployeeID },
}

// graphUserFields is graphUserStrings' keys in the order problems are
// reported.
var graphUserFields = []string{"userPrincipalName", "mailNickname", "mail", "givenName", "surname",
	"displayName", "jobTitle", "department", "employeeId"}

// graphUserOther are the other user properties the model reads.
var graphUserOther = map[string]bool{"id": true, "accountEnabled": true, "manager": true, "deletedDateTime": true}

// LoadGraph reads a folder holding Microsoft Graph list responses:
// users.json (GET /v1.0/users?$expand=manager), groups.json (GET
// /v1.0/groups?$expand=members) and optionally assignments.json (GET
// /v1.0/servicePrincipals/{id}/appRoleAssignedTo). Each file is one page
// ({"@odata.context": …, "value": […]}) or a JSON array of such pages;
// @odata.nextLink is ignored. Without assignments.json the scope is "all",
// with it "assigned". Every problem is reported together in a *LoadError,
// each naming the file, line, record (index and id) and Graph field.
func LoadGraph(dir string) (*Directory, error) {
	read := func(name string, required bool) ([]byte, bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) && !required {
			return nil, false, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("read directory %s: %s is missing (a Graph export folder holds %s, %s and optionally %s)",
				dir, name, GraphUsersFile, GraphGroupsFile, GraphAssignmentsFile)
		}
		if err != nil {
			return nil, false, fmt.Errorf("read directory: %w", err)
		}
		return b, true, nil
	}
	users, _, err := read(GraphUsersFile, true)
	if err != nil {
		return nil, err
	}
	groups, _, err := read(GraphGroupsFile, true)
	if err != nil {
		return nil, err
	}
	assignments, haveAssignments, err := read(GraphAssignmentsFile, false)
	if err != nil {
		return nil, err
	}
	p := &graphParser{}
	d := &Directory{App: App{Scope: ScopeAll}}
	p.records(filepath.Join(dir, GraphUsersFile), users, func(r *graphRecord, v any) {
		if u := p.user(r, v); u != nil {
			d.Users = append(d.Users, u)
		}
	})
	p.records(filepath.Join(dir, GraphGroupsFile), groups, func(r *graphRecord, v any) {
		if g := p.group(r, v); g != nil {
			d.Groups = append(d.Groups, g)
		}
	})
	if haveAssignments {
		d.App.Scope = ScopeAssigned
		p.assignments(filepath.Join(dir, GraphAssignmentsFile), assignments, &d.App)
	}
	if len(p.errs) > 0 {
		return nil, &LoadError{Errs: p.errs}
	}
	if err := d.validate(p); err != nil {
		return nil, err
	}
	d.index()
	d.dropIndex()
	return d, nil
}

// graphRecord is one object of a Graph list response: where it is.
type graphRecord struct {
	file      string
	line, col int
	path      string // "value[3]", or "[1].value[3]" in an array of pages
	id        string // the record's "id", once known
}

// label names the record in messages: its path and id.
func (r *graphRecord) label() string {
	if r.id == "" {
		return r.path
	}
	return fmt.Sprintf("%s (id %q)", r.path, r.id)
}

// graphParser collects the records' errors and remembers where each kept
// object came from, for validate (it is the locator of a Graph export).
type graphParser struct {
	errs []*FieldError
	// inRecord is true while a record is decoded: its problems wait in
	// recordErrs until the file's structure was read, so that they come
	// after the file's own problems as when records were split first.
	inRecord   bool
	recordErrs []*FieldError
	users      []*graphRecord
	groups     []*graphRecord
	members    [][]int // per kept group: Graph index of each kept member
	aUsers     []*graphRecord
	aGroups    []*graphRecord
}

func (p *graphParser) add(fe *FieldError) {
	if p.inRecord {
		if len(p.recordErrs) < maxErrors {
			p.recordErrs = append(p.recordErrs, fe)
		}
		return
	}
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, fe)
	}
}

// errf reports a problem with a field of a record.
func (p *graphParser) errf(r *graphRecord, field, format string, args ...any) {
	p.add(&FieldError{File: r.file, Line: r.line, Column: r.col, Record: r.label(), Field: field, Msg: fmt.Sprintf(format, args...)})
}

// docErr reports a problem with a file's structure at byte offset off.
func (p *graphParser) docErr(file string, data []byte, off int64, field, format string, args ...any) {
	line, col := position(data, int(min(off, int64(len(data)))))
	if field == "" {
		field = "(document)"
	}
	p.add(&FieldError{File: file, Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// position returns the 1-based line and column of byte offset off.
func position(data []byte, off int) (int, int) {
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	return line, off - bytes.LastIndexByte(data[:off], '\n')
}

// records reads a file's records, one page object or an array of page
// objects each with a "value" array, and calls each with every record
// and its decoded JSON as it is read. Each record is decoded once,
// straight from the file's bytes, and not kept as JSON: a big export is
// no longer held twice, as bytes and as its records' raw JSON.
func (p *graphParser) records(file string, data []byte, each func(r *graphRecord, v any)) {
	p.split(file, data, each)
	for _, fe := range p.recordErrs {
		p.add(fe)
	}
	p.recordErrs = nil
}

// split reads the records of a file for records.
func (p *graphParser) split(file string, data []byte, each func(r *graphRecord, v any)) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	out := recordSink{p: p, each: each}
	tok, err := dec.Token()
	if err == io.EOF {
		p.docErr(file, data, 0, "", "empty file (want a Graph list response {\"value\": [...]} or an array of them)")
		return
	}
	if err != nil {
		p.jsonErr(file, data, dec, err)
		return
	}
	// lines counts newlines incrementally: records come in file order.
	lc := &lineCounter{data: data}
	switch tok {
	case json.Delim('{'):
		if !p.page(file, data, dec, lc, "", out) {
			return
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			t, err := dec.Token()
			if err != nil {
				p.jsonErr(file, data, dec, err)
				return
			}
			if t != json.Delim('{') {
				p.docErr(file, data, dec.InputOffset()-1, fmt.Sprintf("[%d]", i), "expected a page object {\"value\": [...]}, got %s", tokenKind(t))
				return
			}
			if !p.page(file, data, dec, lc, fmt.Sprintf("[%d].", i), out) {
				return
			}
		}
		if _, err := dec.Token(); err != nil {
			p.jsonErr(file, data, dec, err)
			return
		}
	default:
		p.docErr(file, data, 0, "", "expected a Graph list response {\"value\": [...]} or an array of them, got %s", tokenKind(tok))
		return
	}
	end := skipSpace(data, int(dec.InputOffset()))
	if _, err := dec.Token(); err != io.EOF {
		p.docErr(file, data, int64(end), "", "unexpected data after the end of the list response")
	}
}

// recordSink hands records to their consumer, collecting the problems it
// finds apart (see graphParser.inRecord).
type recordSink struct {
	p    *graphParser
	each func(r *graphRecord, v any)
}

func (s recordSink) put(r *graphRecord, v any) {
	s.p.inRecord = true
	s.each(r, v)
	s.p.inRecord = false
}

// page reads one page object after its '{': the records of "value", other
// keys (@odata.context, @odata.nextLink, …) skipped. It reports whether
// reading may go on.
func (p *graphParser) page(file string, data []byte, dec *json.Decoder, lc *lineCounter, prefix string, out recordSink) bool {
	start := dec.InputOffset() - 1
	sawValue, sawError := false, false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			p.jsonErr(file, data, dec, err)
			return false
		}
		key, _ := t.(string)
		if key != "value" {
			sawError = sawError || key == "error"
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				p.jsonErr(file, data, dec, err)
				return false
			}
			continue
		}
		sawValue = true
		t, err = dec.Token()
		if err != nil {
			p.jsonErr(file, data, dec, err)
			return false
		}
		if t != json.Delim('[') {
			p.docErr(file, data, dec.InputOffset()-1, prefix+"value", "expected an array of objects, got %s", tokenKind(t))
			return false
		}
		for i := 0; dec.More(); i++ {
			off := skipSpace(data, int(dec.InputOffset()))
			var v any
			if err := dec.Decode(&v); err != nil {
				p.jsonErr(file, data, dec, err)
				return false
			}
			line, col := lc.at(off)
			out.put(&graphRecord{file: file, line: line, col: col, path: prefix + "value[" + strconv.Itoa(i) + "]"}, v)
		}
		if _, err := dec.Token(); err != nil {
			p.jsonErr(file, data, dec, err)
			return false
		}
	}
	if _, err := dec.Token(); err != nil {
		p.jsonErr(file, data, dec, err)
		return false
	}
	if !sawValue {
		hint := ""
		if sawError {
			hint = " (this is a Graph error response)"
		}
		field := strings.TrimSuffix(prefix, ".")
		p.docErr(file, data, start, field, "page has no \"value\" array%s", hint)
	}
	return true
}

// jsonErr reports a JSON syntax or read error where it is. The decoder
// locates syntax errors within the value it was reading, so the file is
// checked again as a whole to find the place.
func (p *graphParser) jsonErr(file string, data []byte, dec *json.Decoder, err error) {
	off := dec.InputOffset()
	var v any
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(data, &v), &se) {
		err, off = se, max(0, se.Offset-1)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		off, err = int64(len(data)), errors.New("unexpected end of JSON input")
	}
	p.docErr(file, data, off, "", "invalid JSON: %v", err)
}

// skipSpace returns the offset of the next value from off: past
// whitespace and the comma separating array elements.
func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// lineCounter turns increasing offsets into line and column in linear time.
type lineCounter struct {
	data      []byte
	off, line int // line is 0-based
	lineStart int
}

func (c *lineCounter) at(off int) (int, int) {
	for ; c.off < off && c.off < len(c.data); c.off++ {
		if c.data[c.off] == '\n' {
			c.line++
			c.lineStart = c.off + 1
		}
	}
	return c.line + 1, off - c.lineStart + 1
}

func tokenKind(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return strconv.Quote(v.String())
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", t)
}

func valueKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// object returns a record's properties; a non-object is reported.
func (r *graphRecord) object(p *graphParser, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		p.errf(r, "(record)", "expected an object, got %s", valueKind(v))
		return nil, false
	}
	return m, true
}

// identify reads the record's required "id".
func (p *graphParser) identify(r *graphRecord, m map[string]any) bool {
	v, present := m["id"]
	s, isStr := v.(string)
	switch {
	case !present || v == nil:
		p.errf(r, "id", "required field missing")
	case !isStr:
		p.errf(r, "id", "expected a string, got %s", valueKind(v))
	case strings.TrimSpace(s) == "":
		p.errf(r, "id", "empty id")
	default:
		r.id = s
		return true
	}
	return false
}

// str reads an optional string property (null is absent).
func (p *graphParser) str(r *graphRecord, m map[string]any, key string) (string, bool) {
	v := m[key]
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	if !ok {
		p.errf(r, key, "expected a string or null, got %s", valueKind(v))
	}
	return s, ok
}

// deletion maps deletedDateTime (set on objects listed from
// /directory/deletedItems) to a soft deletion.
func (p *graphParser) deletion(r *graphRecord, m map[string]any) Deletion {
	if s, ok := p.str(r, m, "deletedDateTime"); ok && s != "" {
		return SoftDeleted
	}
	return NotDeleted
}

// typeOf is an object's @odata.type, "" when absent.
func typeOf(m map[string]any) string {
	s, _ := m["@odata.type"].(string)
	return s
}

func (p *graphParser) user(r *graphRecord, v any) *User {
	m, ok := r.object(p, v)
	if !ok || !p.identify(r, m) {
		return nil
	}
	u := &User{ObjectID: r.id, AccountEnabled: true, Line: r.line}
	for _, key := range graphUserFields {
		if s, ok := p.str(r, m, key); ok {
			*graphUserStrings[key](u) = s
		}
	}
	switch b := m["accountEnabled"].(type) {
	case nil:
	case bool:
		u.AccountEnabled = b
	default:
		p.errf(r, "accountEnabled", "expected true, false or null, got %s", valueKind(b))
	}
	u.Manager = p.manager(r, m["manager"])
	u.Deleted = p.deletion(r, m)
	for key, v := range m {
		if _, known := graphUserStrings[key]; !known && !graphUserOther[key] {
			u.Attributes = graphAttribute(u.Attributes, key, v)
		}
	}
	p.users = append(p.users, r)
	return u
}

// manager reads the expanded manager: an object with an id, or null. A
// manager that is not a user (an organizational contact) is left out, as
// Entra provisions only users' managers.
func (p *graphParser) manager(r *graphRecord, v any) string {
	if v == nil {
		return ""
	}
	mm, ok := v.(map[string]any)
	if !ok {
		p.errf(r, "manager", "expected the expanded manager object (with an id) or null, got %s (was the list requested with $expand=manager?)", valueKind(v))
		return ""
	}
	if t := typeOf(mm); t != "" && t != graphUser {
		return ""
	}
	id, isStr := mm["id"].(string)
	if !isStr || id == "" {
		p.errf(r, "manager.id", "expected the manager's id (a non-empty string), got %s", valueKind(mm["id"]))
		return ""
	}
	return id
}

func (p *graphParser) group(r *graphRecord, v any) *Group {
	m, ok := r.object(p, v)
	if !ok || !p.identify(r, m) {
		return nil
	}
	g := &Group{ObjectID: r.id, Line: r.line}
	if s, ok := p.str(r, m, "displayName"); ok {
		g.DisplayName = s
	}
	var idx []int
	g.Members, idx = p.groupMembers(r, m["members"])
	g.Deleted = p.deletion(r, m)
	for key, v := range m {
		switch key {
		case "id", "displayName", "members", "deletedDateTime":
		default:
			g.Attributes = graphAttribute(g.Attributes, key, v)
		}
	}
	p.groups = append(p.groups, r)
	p.members = append(p.members, idx)
	return g
}

// groupMembers reads the expanded members: users and groups are kept,
// other directory objects (devices, service principals, contacts) left
// out, as Entra provisions none of them. It returns the member ids and the
// Graph index of each.
func (p *graphParser) groupMembers(r *graphRecord, v any) ([]string, []int) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		p.errf(r, "members", "expected the expanded members array or null, got %s (was the list requested with $expand=members?)", valueKind(v))
		return nil, nil
	}
	var ids []string
	var idx []int
	for j, e := range list {
		f := fmt.Sprintf("members[%d]", j)
		mm, ok := e.(map[string]any)
		if !ok {
			p.errf(r, f, "expected a directory object, got %s", valueKind(e))
			continue
		}
		if t := typeOf(mm); t != "" && t != graphUser && t != graphGroup {
			continue
		}
		id, isStr := mm["id"].(string)
		if !isStr || id == "" {
			p.errf(r, f+".id", "expected the member's id (a non-empty string), got %s", valueKind(mm["id"]))
			continue
		}
		ids = append(ids, id)
		idx = append(idx, j)
	}
	return ids, idx
}

// assignments reads appRoleAssignment records into the app's assignments:
// principalType User or Group; ServicePrincipal assignments are left out.
// A principal assigned several app roles is assigned once.
func (p *graphParser) assignments(file string, data []byte, app *App) {
	seen := map[string]bool{}
	p.records(file, data, func(r *graphRecord, v any) {
		m, ok := r.object(p, v)
		if !ok {
			return
		}
		if id, ok := m["id"].(string); ok {
			r.id = id
		}
		principal, ok := p.str(r, m, "principalId")
		if !ok {
			return
		}
		if principal == "" {
			p.errf(r, "principalId", "required field missing")
			return
		}
		kind, ok := p.str(r, m, "principalType")
		if !ok {
			return
		}
		switch kind {
		case "User":
			if !seen[kind+principal] {
				app.AssignedUsers = append(app.AssignedUsers, principal)
				p.aUsers = append(p.aUsers, r)
			}
		case "Group":
			if !seen[kind+principal] {
				app.AssignedGroups = append(app.AssignedGroups, principal)
				p.aGroups = append(p.aGroups, r)
			}
		case "ServicePrincipal":
		case "":
			p.errf(r, "principalType", "required field missing")
			return
		default:
			p.errf(r, "principalType", "invalid value %q (want User, Group or ServicePrincipal)", kind)
			return
		}
		seen[kind+principal] = true
	})
}

// graphAttribute adds a further Graph property to attrs as a source
// attribute: strings, booleans and numbers as they are, arrays of scalars
// as multi-valued attributes, onPremisesExtensionAttributes as
// extensionAttribute1…15. OData annotations, null and other nested
// objects are left out.
func graphAttribute(attrs map[string]any, key string, v any) map[string]any {
	if strings.Contains(key, "@odata.") || v == nil {
		return attrs
	}
	set := func(k string, v any) {
		if attrs == nil {
			attrs = map[string]any{}
		}
		attrs[k] = v
	}
	switch t := v.(type) {
	case string, bool:
		set(key, t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			set(key, i)
		} else if f, err := t.Float64(); err == nil {
			set(key, f)
		}
	case []any:
		vals := make([]string, 0, len(t))
		for _, e := range t {
			switch s := e.(type) {
			case string:
				vals = append(vals, s)
			case json.Number:
				vals = append(vals, s.String())
			case bool:
				vals = append(vals, strconv.FormatBool(s))
			default:
				return attrs // an array of objects (licenses, identities)
			}
		}
		set(key, vals)
	case map[string]any:
		if key == "onPremisesExtensionAttributes" {
			for k, ev := range t {
				if s, ok := ev.(string); ok {
					set(k, s)
				}
			}
		}
	}
	return attrs
}

// graphField parses the model's field paths that validate reports.
var graphField = regexp.MustCompile(`^(users|groups|app\.assignments\.users|app\.assignments\.groups)\[(\d+)\](?:\.(objectId|manager)|\.members\[(\d+)\])?$`)

// at locates a model field in the export: file, record and Graph field.
func (p *graphParser) at(field string) FieldError {
	m := graphField.FindStringSubmatch(field)
	if m == nil {
		return FieldError{Field: field}
	}
	i, _ := strconv.Atoi(m[2])
	var recs []*graphRecord
	gf := ""
	switch m[1] {
	case "users":
		recs = p.users
	case "groups":
		recs = p.groups
	case "app.assignments.users":
		recs, gf = p.aUsers, "principalId"
	case "app.assignments.groups":
		recs, gf = p.aGroups, "principalId"
	}
	switch {
	case m[3] == "objectId":
		gf = "id"
	case m[3] == "manager":
		gf = "manager.id"
	case m[4] != "":
		j, _ := strconv.Atoi(m[4])
		if i < len(p.members) && j < len(p.members[i]) {
			j = p.members[i][j]
		}
		gf = fmt.Sprintf("members[%d].id", j)
	}
	if i >= len(recs) {
		return FieldError{Field: field}
	}
	r := recs[i]
	return FieldError{File: r.file, Line: r.line, Column: r.col, Record: r.label(), Field: gf}
}

// name names an object of the model by its place in the export.
func (p *graphParser) name(object string) string {
	fe := p.at(object)
	if fe.Record == "" {
		return object
	}
	return filepath.Base(fe.File) + " " + fe.Record
}
