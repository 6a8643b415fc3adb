package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// Fast path: splices the stored document instead of Project + Marshal (BenchmarkMemRequests/user-sequence).
//
// renderUser renders the full representation of a user (no attributes or
// excludedAttributes asked): the stored document with the server's
// attributes (id, meta, groups) spliced in front. It equals
// resource.Project + Marshal (TestSpliceMatchesProject) without cloning
// and re-encoding the whole resource, which is most of the CPU of a match
// query (ENTRA-FLOW-03) otherwise.
func renderUser(res resource.Resource, doc json.RawMessage) ([]byte, error) {
	doc = bytes.TrimSpace(doc)
	if len(doc) < 2 || doc[0] != '{' {
		return nil, fmt.Errorf("render user: stored document is not an object")
	}
	out := make([]byte, 0, len(doc)+400)
	out = append(out, `{"id":`...)
	id, _ := res["id"].(string)
	out = appendJSONString(out, id)
	out = append(out, `,"meta":`...)
	var err error
	if out, err = appendMeta(out, res["meta"]); err != nil {
		return nil, err
	}
	g, ok := res["groups"]
	return appendGroupsAndDoc(out, g, ok, doc)
}

// renderStoredUser is renderUser for a user straight from its record: id
// and meta are written from the record's fields, with no resource map and
// no meta map in between; groups (nil for none) is the user's groups
// attribute. Same bytes as renderUser with the resource userResource and
// enrich build (TestRenderStoredUserMatchesRenderUser).
func renderStoredUser(base string, u *store.User, groups []any) ([]byte, error) {
	return appendStoredUser(make([]byte, 0, len(u.Doc)+400), base, u, groups)
}

// appendStoredUser is renderStoredUser appending to out (a list answer's
// buffer, so that the user is not rendered apart and copied).
func appendStoredUser(out []byte, base string, u *store.User, groups []any) ([]byte, error) {
	doc := bytes.TrimSpace(u.Doc)
	if len(doc) < 2 || doc[0] != '{' {
		return nil, fmt.Errorf("render user: stored document is not an object")
	}
	out = append(out, `{"id":`...)
	out = appendJSONString(out, u.ID)
	out = append(out, `,"meta":{"resourceType":"User","created":"`...)
	out = u.Created.UTC().AppendFormat(out, timeLayout)
	out = append(out, `","lastModified":"`...)
	out = u.LastModified.UTC().AppendFormat(out, timeLayout)
	out = append(out, `","location":`...)
	if plainJSON(base) && plainJSON(u.ID) {
		out = append(append(append(append(out, '"'), base...), "/Users/"...), u.ID...)
		out = append(out, '"')
	} else {
		out = appendJSONString(out, base+"/Users/"+u.ID)
	}
	out = append(out, `,"version":"W/\"`...)
	out = strconv.AppendInt(out, u.Version, 10)
	out = append(out, `\""}`...)
	var g any // boxed only when there are groups, as marshal would anyway
	if len(groups) > 0 {
		g = groups
	}
	return appendGroupsAndDoc(out, g, g != nil, doc)
}

var metaKeys = []string{"resourceType", "created", "lastModified", "location", "version"}

// appendMeta writes meta (as metaOf builds it) without reflection.
func appendMeta(out []byte, meta any) ([]byte, error) {
	m, ok := meta.(map[string]any)
	plain := ok && len(m) == len(metaKeys)
	for _, k := range metaKeys {
		if _, isStr := m[k].(string); !isStr {
			plain = false
		}
	}
	if !plain {
		b, err := marshal(meta)
		return append(out, b...), err
	}
	out = append(out, '{')
	for i, k := range metaKeys {
		v := m[k].(string)
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(append(out, '"'), k...), `":`...)
		out = appendJSONString(out, v)
	}
	return append(out, '}'), nil
}

// appendJSONString appends s as a JSON string; plain strings (the ids,
// dates and URLs the server makes) skip the encoder.
func appendJSONString(out []byte, s string) []byte {
	if !plainJSON(s) {
		b, _ := marshal(s) // a string always marshals
		return append(out, b...)
	}
	return append(append(append(out, '"'), s...), '"')
}

// plainJSON reports whether s is written in JSON as it is, between quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

// appendGroupsAndDoc ends a spliced user: its groups when it has them, then
// the stored document's own attributes and the closing brace.
func appendGroupsAndDoc(out []byte, groups any, hasGroups bool, doc []byte) ([]byte, error) {
	if hasGroups {
		b, err := marshal(groups)
		if err != nil {
			return nil, fmt.Errorf("render user groups: %w", err)
		}
		out = append(append(out, `,"groups":`...), b...)
	}
	if bytes.Equal(doc, []byte("{}")) {
		return append(out, '}'), nil
	}
	return append(append(out, ','), doc[1:]...), nil
}
