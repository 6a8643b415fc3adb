package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
)

// renderUser renders the full representation of a user (no attributes or
// excludedAttributes asked): the stored document with the server's
// attributes (id, meta, groups) spliced in front. It equals
// resource.Project + Marshal (TestSpliceMatchesProject) without cloning
// and re-encoding the whole resource, which is most of the CPU of a match
// query (ENTRA-FLOW-03) otherwise.
func renderUser(res resource.Resource, doc json.RawMessage) ([]byte, error) {
	extra := map[string]any{"id": res["id"], "meta": res["meta"]}
	if g, ok := res["groups"]; ok {
		extra["groups"] = g
	}
	head, err := marshal(extra)
	if err != nil {
		return nil, fmt.Errorf("render user: %w", err)
	}
	doc = bytes.TrimSpace(doc)
	if len(doc) < 2 || doc[0] != '{' {
		return nil, fmt.Errorf("render user: stored document is not an object")
	}
	if bytes.Equal(doc, []byte("{}")) {
		return head, nil
	}
	out := make([]byte, 0, len(head)+len(doc))
	out = append(out, head[:len(head)-1]...)
	out = append(out, ',')
	return append(out, doc[1:]...), nil
}
