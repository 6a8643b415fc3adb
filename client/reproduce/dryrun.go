package reproduce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/quantive/entra-scim-harness/protocol"
)

// DryRunTransport returns an http.RoundTripper that sends nothing: it
// answers every request itself, as an empty healthy SCIM service would
// (queries find nothing, a create succeeds with a new id dry-run-N, a read
// returns the object asked for, a PATCH or DELETE succeeds), so that a
// replay runs through its requests without reaching any network. Give it to
// scim.Options.Transport for a dry run.
func DryRunTransport() http.RoundTripper { return &dryRun{} }

type dryRun struct {
	mu sync.Mutex
	n  int
}

func (d *dryRun) RoundTrip(req *http.Request) (*http.Response, error) {
	var in []byte
	if req.Body != nil {
		in, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	status, body := http.StatusNoContent, []byte(nil)
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	last := segs[len(segs)-1]
	collection := strings.EqualFold(last, "Users") || strings.EqualFold(last, "Groups")
	switch req.Method {
	case http.MethodGet:
		status = http.StatusOK
		if collection {
			body, _ = json.Marshal(map[string]any{"schemas": []string{protocol.ListResponseSchema},
				"totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []any{}})
			break
		}
		res := map[string]any{"schemas": []string{protocol.UserSchema}, "id": last, "userName": "dry-run", "active": true}
		if len(segs) > 1 && strings.EqualFold(segs[len(segs)-2], "Groups") {
			res = map[string]any{"schemas": []string{protocol.GroupSchema}, "id": last, "displayName": "dry-run"}
		}
		body, _ = json.Marshal(res)
	case http.MethodPost:
		status = http.StatusCreated
		m := map[string]any{}
		_ = json.Unmarshal(in, &m)
		d.mu.Lock()
		d.n++
		m["id"] = fmt.Sprintf("dry-run-%d", d.n)
		d.mu.Unlock()
		body, _ = json.Marshal(m)
	}
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", protocol.MediaType)
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}
