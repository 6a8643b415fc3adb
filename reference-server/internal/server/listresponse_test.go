package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
)

// RFC-03: the hand-written ListResponse equals protocol.ListResponse.
func TestListResponseMatchesProtocol_RFC03(t *testing.T) {
	for _, raws := range [][]json.RawMessage{nil, {json.RawMessage(`{"id":"1"}`)}, {json.RawMessage(`{"id":"1"}`), json.RawMessage(`{"id":"2","a":[1,{"b":null}]}`)}} {
		got := listResponse(7, 3, raws)
		want, _ := json.Marshal(protocol.NewListResponse(7, 3, raws))
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
}
