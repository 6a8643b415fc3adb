package directory

import (
	"fmt"
	"os"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// maxErrors bounds the problems collected from one file, so a huge broken
// file yields a readable report.
const maxErrors = 50

// Load reads and validates a source directory: a YAML file, or a folder
// holding a Microsoft Graph export (see LoadGraph). A big YAML file is
// read and parsed in chunks (see parseStream), so memory stays close to
// the size of the loaded directory.
func Load(path string) (*Directory, error) {
	return loadWith(path, defaultChunking, nil)
}

// LoadCached is Load with a cache of decoded chunks (see ChunkCache): the
// chunks of a big YAML file that an earlier load decoded are taken from
// the cache's store, the others parsed. Results and errors are Load's.
// Afterwards cache.Chunks tells what the store should keep.
func LoadCached(path string, cache *ChunkCache) (*Directory, error) {
	return loadWith(path, defaultChunking, cache)
}

func loadWith(path string, c chunking, cache *ChunkCache) (*Directory, error) {
	if cache != nil {
		cache.reset()
	}
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		return LoadGraph(path)
	}
	if err == nil && fi.Size() >= c.threshold {
		if f, err := os.Open(path); err == nil {
			d, err, ok := parseStream(path, f, c, cache)
			_ = f.Close()
			if ok {
				return d, err
			}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read directory: %w", err)
	}
	return parseWhole(path, data)
}

// Parse decodes a directory from YAML. name is used in error messages.
// Every problem is reported as file:line:col: field: message; all problems
// found are returned together in a *LoadError.
func Parse(name string, data []byte) (*Directory, error) {
	return parseWith(name, data, defaultChunking)
}

func parseWith(name string, data []byte, c chunking) (*Directory, error) {
	if int64(len(data)) >= c.threshold {
		if d, err, ok := parseStreamBytes(name, data, c); ok {
			return d, err
		}
	}
	return parseWhole(name, data)
}

// parseWhole decodes the whole document into one yaml node tree.
func parseWhole(name string, data []byte) (*Directory, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := newBuilder(name)
	if len(doc.Content) == 0 {
		b.p.errf(&doc, "", "empty directory file")
		return nil, b.p.result()
	}
	b.p.mapping(doc.Content[0], "", b.field)
	return b.finish()
}

// builder turns the top-level fields of a directory file into a
// Directory. Both the whole-document and the chunked parse feed it, so
// they decode nodes the same way.
type builder struct {
	p             *parser
	d             *Directory
	users, groups int // index of the next user and group item
	// userChunks are the chunks the users came from (evict.go).
	userChunks []userChunk
}

func newBuilder(name string) *builder {
	return &builder{p: &parser{file: name}, d: &Directory{App: App{Scope: ScopeAssigned}}}
}

// field decodes one top-level field.
func (b *builder) field(key string, k, v *yaml.Node) {
	switch key {
	case "app":
		b.p.app(v, &b.d.App)
	case "users":
		b.p.seq(v, "users", func(_ int, n *yaml.Node) { b.item(key, n) })
	case "groups":
		b.p.seq(v, "groups", func(_ int, n *yaml.Node) { b.item(key, n) })
	default:
		b.p.errf(k, key, "unknown field (want app, users, groups)")
	}
}

// item decodes the next item of the users or groups list.
func (b *builder) item(key string, n *yaml.Node) {
	if key == "users" {
		if u := b.p.user(n, index("users", b.users)); u != nil {
			b.d.Users = append(b.d.Users, u)
		}
		b.users++
		return
	}
	if g := b.p.group(n, index("groups", b.groups)); g != nil {
		b.d.Groups = append(b.d.Groups, g)
	}
	b.groups++
}

// absorb appends part, the next items (items of them) of the key list
// decoded by a builder of their own, as if b had decoded them itself:
// errors up to the limit, the kept objects and where their fields were
// written.
func (b *builder) absorb(part *builder, key string, items int) {
	p, q := b.p, part.p
	for _, e := range q.errs {
		if len(p.errs) >= maxErrors {
			break
		}
		p.errs = append(p.errs, e)
	}
	if key == "users" {
		b.d.Users = append(b.d.Users, part.d.Users...)
		p.pos.userID = append(p.pos.userID, q.pos.userID...)
		p.pos.userManager = append(p.pos.userManager, q.pos.userManager...)
		b.users += items
		return
	}
	b.d.Groups = append(b.d.Groups, part.d.Groups...)
	p.pos.groupID = append(p.pos.groupID, q.pos.groupID...)
	// The part's member runs start at 0; here they follow b's.
	off := int32(len(p.pos.memberPos))
	for _, s := range q.pos.memberStart {
		p.pos.memberStart = append(p.pos.memberStart, s+off)
	}
	p.pos.memberPos = append(p.pos.memberPos, q.pos.memberPos...)
	b.groups += items
}

// finish validates and indexes the decoded directory.
func (b *builder) finish() (*Directory, error) {
	if err := b.p.result(); err != nil {
		return nil, err
	}
	if err := b.d.validate(yamlLocator{b.p.file, &b.p.pos}); err != nil {
		return nil, err
	}
	b.d.index()
	b.d.shareIDs()
	b.d.dropIndex()
	return b.d, nil
}

// shareIDs points every reference (manager, member, assignment) at the
// string of the referenced object's id, so that the loaded directory
// holds each id once instead of once per reference.
func (d *Directory) shareIDs() {
	id := func(s string) string {
		if u, ok := d.users[s]; ok {
			return u.ObjectID
		}
		if g, ok := d.groups[s]; ok {
			return g.ObjectID
		}
		return s
	}
	for _, u := range d.Users {
		if u.Manager != "" {
			u.Manager = id(u.Manager)
		}
	}
	for _, g := range d.Groups {
		for j, m := range g.Members {
			g.Members[j] = id(m)
		}
	}
	for i, s := range d.App.AssignedUsers {
		d.App.AssignedUsers[i] = id(s)
	}
	for i, s := range d.App.AssignedGroups {
		d.App.AssignedGroups[i] = id(s)
	}
}

// parser walks yaml nodes, collecting errors and remembering where each
// reference was written so validation can point at it.
type parser struct {
	file string
	errs []*FieldError
	pos  positions
	// strings interns values of low cardinality (see intern).
	strings map[string]string
}

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	if field == "" {
		field = "(document)"
	}
	p.errs = append(p.errs, &FieldError{File: p.file, Line: n.Line, Column: n.Column, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) result() error {
	if len(p.errs) == 0 {
		return nil
	}
	return &LoadError{Errs: p.errs}
}

func posOf(n *yaml.Node) pos { return pos{int32(n.Line), int32(n.Column)} }

// index returns the path of item i of a list ("users[3]"), without fmt:
// it is made for every item of a big file.
func index(list string, i int) string {
	return list + "[" + strconv.Itoa(i) + "]"
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// smallMapping is the most keys a mapping may have for mapping to find
// duplicates by comparing with the earlier keys rather than with a map:
// users and groups have a dozen, and a map per item is costly.
const smallMapping = 16

// mapping calls fn for each key of a mapping node, rejecting duplicate keys.
func (p *parser) mapping(n *yaml.Node, field string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errf(n, field, "expected a mapping, got %s", kindName(n))
		return
	}
	var seen map[string]bool
	if len(n.Content) > 2*smallMapping {
		seen = map[string]bool{}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen != nil && seen[k.Value] || seen == nil && seenBefore(n.Content[:i], k.Value) {
			p.errf(k, join(field, k.Value), "duplicate field")
			continue
		}
		if seen != nil {
			seen[k.Value] = true
		}
		fn(k.Value, k, v)
	}
}

// seenBefore reports whether key is one of the keys of content, a
// mapping node's keys and values.
func seenBefore(content []*yaml.Node, key string) bool {
	for i := 0; i < len(content); i += 2 {
		if content[i].Value == key {
			return true
		}
	}
	return false
}

func (p *parser) seq(n *yaml.Node, field string, fn func(i int, n *yaml.Node)) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errf(n, field, "expected a list, got %s", kindName(n))
		return
	}
	for i, c := range n.Content {
		fn(i, c)
	}
}

// scalarValue is scalar without reporting: the value of a scalar node ("" for
// null), and whether n is one.
func scalarValue(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

func (p *parser) scalar(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errf(n, field, "expected a scalar value, got %s", kindName(n))
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// stringList decodes a list of object ids, appending the position of each
// one kept to *at.
func (p *parser) stringList(n *yaml.Node, field string, at *[]pos) []string {
	var out []string
	p.seq(n, field, func(i int, c *yaml.Node) {
		// The path is only made for a problem: lists may be long.
		s, ok := scalarValue(c)
		if !ok {
			p.scalar(c, index(field, i))
			return
		}
		if s == "" {
			p.errf(c, index(field, i), "empty object id")
			return
		}
		*at = append(*at, posOf(c))
		out = append(out, s)
	})
	return out
}

func (p *parser) app(n *yaml.Node, app *App) {
	p.mapping(n, "app", func(key string, k, v *yaml.Node) {
		f := "app." + key
		switch key {
		case "scope":
			s, ok := p.scalar(v, f)
			if !ok {
				return
			}
			switch ScopeMode(s) {
			case ScopeAssigned, ScopeAll:
				app.Scope = ScopeMode(s)
			default:
				p.errf(v, f, "invalid value %q (want assigned or all)", s)
			}
		case "assignments":
			p.mapping(v, f, func(key string, k, v *yaml.Node) {
				switch key {
				case "users":
					app.AssignedUsers = p.stringList(v, f+".users", &p.pos.assignedUsers)
				case "groups":
					app.AssignedGroups = p.stringList(v, f+".groups", &p.pos.assignedGroups)
				default:
					p.errf(k, f+"."+key, "unknown field (want users, groups)")
				}
			})
		default:
			p.errf(k, f, "unknown field (want scope, assignments)")
		}
	})
}

func (p *parser) deletion(v *yaml.Node, f string) Deletion {
	s, ok := p.scalar(v, f)
	if !ok {
		return NotDeleted
	}
	switch s {
	case "", "absent":
		return NotDeleted
	case "soft":
		return SoftDeleted
	case "hard":
		return HardDeleted
	}
	p.errf(v, f, "invalid value %q (want absent, soft or hard)", s)
	return NotDeleted
}

func (p *parser) user(n *yaml.Node, field string) *User {
	u := &User{AccountEnabled: true, Line: n.Line}
	var idPos, managerPos pos
	p.mapping(n, field, func(key string, k, v *yaml.Node) {
		if dst := userString(u, key); dst != nil {
			if p.setString(dst, v, field, key) {
				switch key {
				case "objectId":
					idPos = posOf(v)
				case "manager":
					managerPos = posOf(v)
				}
			}
			return
		}
		f := field + "." + key
		switch key {
		case "accountEnabled":
			if s, good := p.scalar(v, f); good {
				b, err := strconv.ParseBool(s)
				if err != nil || v.Tag != "!!bool" {
					p.errf(v, f, "invalid value %q (want true or false)", s)
					return
				}
				u.AccountEnabled = b
			}
		case "deleted":
			u.Deleted = p.deletion(v, f)
		case "attributes":
			u.Attributes = p.attributes(v, f)
		default:
			p.errf(k, f, "unknown field")
		}
	})
	if !p.identified(n, field, u.ObjectID) {
		return nil
	}
	// Few distinct values, repeated across users: share one copy.
	u.GivenName, u.Surname = p.intern(u.GivenName), p.intern(u.Surname)
	u.JobTitle, u.Department = p.intern(u.JobTitle), p.intern(u.Department)
	p.pos.userID = append(p.pos.userID, idPos)
	p.pos.userManager = append(p.pos.userManager, managerPos)
	return u
}

// userString returns the field of u that holds the string attribute key,
// or nil.
func userString(u *User, key string) *string {
	switch key {
	case "objectId":
		return &u.ObjectID
	case "userPrincipalName":
		return &u.UserPrincipalName
	case "mailNickname":
		return &u.MailNickname
	case "mail":
		return &u.Mail
	case "givenName":
		return &u.GivenName
	case "surname":
		return &u.Surname
	case "displayName":
		return &u.DisplayName
	case "jobTitle":
		return &u.JobTitle
	case "department":
		return &u.Department
	case "employeeId":
		return &u.EmployeeID
	case "manager":
		return &u.Manager
	}
	return nil
}

// intern returns the first copy of s seen in this file.
func (p *parser) intern(s string) string {
	if s == "" {
		return s
	}
	if c, ok := p.strings[s]; ok {
		return c
	}
	if p.strings == nil {
		p.strings = map[string]string{}
	}
	p.strings[s] = s
	return s
}

func (p *parser) group(n *yaml.Node, field string) *Group {
	g := &Group{Line: n.Line}
	var idPos pos
	members := len(p.pos.memberPos)
	p.mapping(n, field, func(key string, k, v *yaml.Node) {
		switch key {
		case "objectId":
			if p.setString(&g.ObjectID, v, field, key) {
				idPos = posOf(v)
			}
			return
		case "displayName":
			p.setString(&g.DisplayName, v, field, key)
			return
		}
		f := field + "." + key
		switch key {
		case "members":
			g.Members = p.stringList(v, f, &p.pos.memberPos)
		case "deleted":
			g.Deleted = p.deletion(v, f)
		case "attributes":
			g.Attributes = p.attributes(v, f)
		default:
			p.errf(k, f, "unknown field")
		}
	})
	if !p.identified(n, field, g.ObjectID) {
		p.pos.memberPos = p.pos.memberPos[:members]
		return nil
	}
	p.pos.groupID = append(p.pos.groupID, idPos)
	p.pos.memberStart = append(p.pos.memberStart, int32(members))
	return g
}

// setString stores the scalar value of the field key of the object at
// field at dst, reporting whether it was one. The field's path is only
// made for a problem.
func (p *parser) setString(dst *string, v *yaml.Node, field, key string) bool {
	s, ok := scalarValue(v)
	if !ok {
		p.scalar(v, field+"."+key)
		return false
	}
	*dst = s
	return true
}

// identified reports whether a parsed user or group is kept: its node must
// be a mapping (mapping reported it otherwise) and it needs an objectId.
func (p *parser) identified(n *yaml.Node, field, objectID string) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	if objectID == "" {
		p.errf(n, field+".objectId", "required field missing")
		return false
	}
	return true
}

// attributes decodes the free-form attribute map. Scalars keep their YAML
// type (string, bool, int64, float64); lists of scalars become []string
// (multi-valued attributes); null means absent.
func (p *parser) attributes(n *yaml.Node, field string) map[string]any {
	out := map[string]any{}
	p.mapping(n, field, func(key string, k, v *yaml.Node) {
		f := field + "." + key
		if key == "" {
			p.errf(k, f, "empty attribute name")
			return
		}
		switch v.Kind {
		case yaml.ScalarNode:
			switch v.Tag {
			case "!!null":
				return
			case "!!bool":
				b, _ := strconv.ParseBool(v.Value)
				out[key] = b
			case "!!int":
				i, err := strconv.ParseInt(v.Value, 0, 64)
				if err != nil {
					p.errf(v, f, "integer out of range: %s", v.Value)
					return
				}
				out[key] = i
			case "!!float":
				x, err := strconv.ParseFloat(v.Value, 64)
				if err != nil {
					out[key] = v.Value
					return
				}
				out[key] = x
			default:
				out[key] = v.Value
			}
		case yaml.SequenceNode:
			var vals []string
			for i, c := range v.Content {
				if s, good := p.scalar(c, fmt.Sprintf("%s[%d]", f, i)); good {
					vals = append(vals, s)
				}
			}
			out[key] = vals
		default:
			p.errf(v, f, "expected a scalar or a list of scalars, got %s", kindName(v))
		}
	})
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	if n.Tag == "!!null" {
		return "null"
	}
	return "scalar " + strconv.Quote(n.Value)
}
