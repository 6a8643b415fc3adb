package patch

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

var requestSeeds = []string{
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m1"}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"a"},{"$ref":null,"value":"b"}]}]}`,
	`{"Operations":[{"op":"remove","path":"members[value eq \"a\"]"}]}`,
	`{"Operations":[{"op":"replace","value":{"displayName":"x","name.givenName":"G"}},{"op":"replace","path":"active","value":"False"}]}`,
	`{"Operations":[{"op":"add","path":"x","value":null}]}`, `{"Operations":[]}`, `{}`, `null`, `[]`, `{"Operations":null}`,
	`{"operations":[{"op":"add"}]}`, `{"Operations":[{"OP":"add","Path":"p","VALUE":1}]}`, `{"Operations":[{"op":1}]}`,
	`{"Operations":[{"op":"add","path":"x","value":1}],"Operations":[{"op":"remove"}]}`, `{"Operations":[null,{"op":"add"}]}`,
	`{"schemas":"x","Operations":[]}`, `{"schemas":[1]}`, `{"Operations":[{"op":"add","value":1,"value":2}]}`,
	`{"Operations":[{"op":"add","path":"p","value":[1,2,{"a":"b"}],"extra":true}],"other":{}}`,
	`{"Operations":[{"op":"add","value":{"a":1}}]} x`, `{"Operations":[{"op":"add","value":tru}]}`, `{"Operations":[{"op":"add","value":"\ud800"}]}`,
	"{\"Operations\":[{\"op\":\"add\",\"path\":\"p\",\"val\u212ae\":1}]}", "{\"\u212aey\":1,\"Operations\":[]}",
}

// TestDecodeRequestAgrees: DecodeRequest gives what json.Unmarshal into a
// protocol.PatchRequest gives, values decoded as the applier decodes them,
// on the shapes clients send and on odd ones.
func TestDecodeRequestAgrees(t *testing.T) {
	for _, s := range requestSeeds {
		checkDecodeRequest(t, s)
	}
	if _, ok := decodePlainRequest([]byte(requestSeeds[1])); !ok {
		t.Fatal("the plain path does not take Entra's member add")
	}
}

func checkDecodeRequest(t *testing.T, s string) {
	t.Helper()
	got, err := DecodeRequest([]byte(s))
	var req protocol.PatchRequest
	werr := json.Unmarshal([]byte(s), &req)
	if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("%s: error %v, json.Unmarshal %v", s, err, werr)
	}
	if err != nil {
		return
	}
	if describeOps(got) != describeOps(FromProtocol(req.Operations)) {
		t.Fatalf("%s:\nDecodeRequest %s\njson.Unmarshal %s", s, describeOps(got), describeOps(FromProtocol(req.Operations)))
	}
}

// describeOps renders operations with their decoded values.
func describeOps(ops []Operation) string {
	out := fmt.Sprintf("%d:", len(ops))
	for i := range ops {
		v, has, err := ops[i].Decoded()
		out += fmt.Sprintf(" {%q %q %#v %v %v}", ops[i].Op, ops[i].Path, v, has, err)
	}
	return out
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkDecodeRequest(t, s)
	})
}

// TestApplyOperationsDecodesInOrder: a bad value in a later operation does
// not hide an error in an earlier one (values are decoded as they are
// applied, as before ENTRA-PATCH-11's first failing operation wins).
func TestApplyOperationsDecodesInOrder(t *testing.T) {
	raw := []protocol.PatchOperation{{Op: "frobnicate", Path: "active", Value: json.RawMessage(`true`)}, {Op: "add", Path: "active", Value: json.RawMessage(`tru`)}}
	_, err := ApplyOperations(schema.User(), nil, FromProtocol(raw))
	if err == nil || !strings.Contains(err.Error(), `Operations[0]: unknown op "frobnicate"`) {
		t.Fatalf("got %v", err)
	}
}
