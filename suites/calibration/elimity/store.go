package elimity

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// record is one stored resource.
type record struct {
	seq      uint64 // creation order, for stable list pages
	attrs    scim.ResourceAttributes
	created  time.Time
	modified time.Time
	version  uint64
}

// store is an in-memory scim.ResourceHandler, one per resource type, in the
// manner of the "Simple In Memory Example" the README links to, plus a lock,
// filtering through the FilterValidator the library hands to GetAll, and a
// uniqueness check on the attribute the schema declares server-unique.
type store struct {
	name       string
	schema     schema.Schema
	extensions []schema.Schema
	unique     string // attribute that must be unique (case-insensitively); "" for none

	mu    sync.Mutex
	next  uint64
	items map[string]*record
}

var _ scim.ResourceHandler = (*store)(nil)

func newStore(name string, s schema.Schema, exts []schema.Schema, unique string) *store {
	return &store{name: name, schema: s, extensions: exts, unique: unique, items: map[string]*record{}}
}

// newID returns a random RFC 4122 version 4 UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// resource renders a record; the attributes are a deep copy so the library can
// marshal them after the lock is released.
func (s *store) resource(id string, rec *record) scim.Resource {
	attrs := deepCopy(rec.attrs).(scim.ResourceAttributes)
	created, modified := rec.created, rec.modified
	return scim.Resource{
		ID:         id,
		ExternalID: externalID(attrs),
		Attributes: attrs,
		Meta: scim.Meta{
			Created:      &created,
			LastModified: &modified,
			Version:      fmt.Sprintf(`W/"%d"`, rec.version),
		},
	}
}

func externalID(attrs scim.ResourceAttributes) optional.String {
	if v, ok := attrs["externalId"].(string); ok {
		return optional.NewString(v)
	}
	return optional.String{}
}

// conflict reports whether another resource already holds attrs' unique value.
func (s *store) conflict(self string, attrs scim.ResourceAttributes) bool {
	if s.unique == "" {
		return false
	}
	v, ok := attrs[s.unique].(string)
	if !ok {
		return false
	}
	for id, rec := range s.items {
		if id == self {
			continue
		}
		if other, ok := rec.attrs[s.unique].(string); ok && strings.EqualFold(other, v) {
			return true
		}
	}
	return false
}

// Create stores a new resource.
func (s *store) Create(_ *http.Request, attributes scim.ResourceAttributes) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conflict("", attributes) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	now := time.Now().UTC()
	s.next++
	id := newID()
	rec := &record{
		seq:      s.next,
		attrs:    deepCopy(attributes).(scim.ResourceAttributes),
		created:  now,
		modified: now,
		version:  1,
	}
	s.items[id] = rec
	return s.resource(id, rec), nil
}

// Get returns one resource.
func (s *store) Get(_ *http.Request, id string) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.items[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return s.resource(id, rec), nil
}

// GetAll returns the page of resources that pass the request's filter, in
// creation order.
func (s *store) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	ids := make([]string, 0, len(s.items))
	for id, rec := range s.items {
		if params.FilterValidator != nil {
			candidate := scim.ResourceAttributes{}
			for k, v := range rec.attrs {
				candidate[k] = v
			}
			candidate["id"] = id
			if err := params.FilterValidator.PassesFilter(candidate); err != nil {
				continue
			}
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return s.items[ids[i]].seq < s.items[ids[j]].seq })

	page := scim.Page{TotalResults: len(ids), Resources: []scim.Resource{}}
	start := max(params.StartIndex, 1) - 1
	for i := start; i < len(ids) && len(page.Resources) < params.Count; i++ {
		page.Resources = append(page.Resources, s.resource(ids[i], s.items[ids[i]]))
	}
	return page, nil
}

// Replace replaces all attributes of a resource (PUT).
func (s *store) Replace(_ *http.Request, id string, attributes scim.ResourceAttributes) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.items[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	if s.conflict(id, attributes) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	rec.attrs = deepCopy(attributes).(scim.ResourceAttributes)
	rec.modified = time.Now().UTC()
	rec.version++
	return s.resource(id, rec), nil
}

// Delete removes a resource.
func (s *store) Delete(_ *http.Request, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return scimerrors.ScimErrorResourceNotFound(id)
	}
	delete(s.items, id)
	return nil
}

// Patch applies the operations the library validated, all or nothing, and
// returns the patched resource (200).
func (s *store) Patch(_ *http.Request, id string, operations []scim.PatchOperation) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.items[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	attrs := deepCopy(rec.attrs).(scim.ResourceAttributes)
	for _, op := range operations {
		if err := s.apply(attrs, op); err != nil {
			return scim.Resource{}, err
		}
	}
	if s.conflict(id, attrs) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	rec.attrs = attrs
	rec.modified = time.Now().UTC()
	rec.version++
	return s.resource(id, rec), nil
}

// deepCopy copies the maps and slices of a decoded JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case scim.ResourceAttributes:
		out := make(scim.ResourceAttributes, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}
