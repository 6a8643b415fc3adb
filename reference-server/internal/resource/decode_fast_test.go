package resource

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// referenceDecode is what Decode and DecodeValue did before the fast
// decoder: encoding/json with UseNumber, then nothing but whitespace.
func referenceDecode(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

var decodeSeeds = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.25E-3`, `"x"`, ` {"a" : [ 1 , 2 ] } `,
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@b","active":true,"emails":[{"primary":true,"type":"work","value":"a@b"}],"name":{"givenName":"G","familyName":"F"}}`,
	`{"a":1,"a":2}`, `{"a":{"b":{"c":[[],[{}],null]}}}`, `{"k":"tab\there","q":"\"quoted\"","u":"\u00e9\u2028","s":"\ud83d\ude00"}`,
	`{"lone":"\ud800x","bad":"\ud800\u0041"}`, "{\"raw\":\"caf\xc3\xa9\",\"inv\":\"\xff\xfe\"}", `{"slash":"a\/b","esc":"\b\f\n\r\\"}`,
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":nul}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `{"a":1}x`, `{"a":1} {}`,
	"{\"ctl\":\"a\x01b\"}", `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"unterminated}`, `{`, `[`, `"`, ``, `   `, `{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}`,
	strings.Repeat("[", 250) + strings.Repeat("]", 250), strings.Repeat(`{"a":`, 250) + "1" + strings.Repeat("}", 250),
	"\ufeff{}", `{"a":1E+2,"b":-0.0e-0}`,
}

// TestFastDecodeAgreesWithEncodingJSON: on every input the fast decoder
// either gives up or gives exactly encoding/json's value (types included),
// and it gives up on every input encoding/json rejects.
func TestFastDecodeAgreesWithEncodingJSON(t *testing.T) {
	handled := 0
	for _, s := range decodeSeeds {
		if checkFastDecode(t, s) {
			handled++
		}
	}
	if handled < 15 {
		t.Fatalf("the fast decoder handled only %d of the valid seeds", handled)
	}
}

func checkFastDecode(t *testing.T, s string) bool {
	t.Helper()
	want, wantOK := referenceDecode([]byte(s))
	got, ok := decodeFast([]byte(s))
	if !ok {
		return false
	}
	if !wantOK {
		t.Fatalf("%q: encoding/json rejects it, the fast decoder gave %#v", s, got)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast %#v\njson %#v", s, got, want)
	}
	return true
}

// TestDecodeErrorsUnchanged: Decode's errors are still encoding/json's.
func TestDecodeErrorsUnchanged(t *testing.T) {
	for _, s := range []string{`[]`, `null`, `"x"`, `{"a":1}x`, `{"a":}`, ``, `{"a":1} {}`} {
		_, err := Decode([]byte(s))
		if err == nil {
			t.Fatalf("%q: no error", s)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var m map[string]any
		derr := dec.Decode(&m)
		if derr != nil && !strings.Contains(err.Error(), derr.Error()) {
			t.Fatalf("%q: error %q does not carry encoding/json's %q", s, err, derr)
		}
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFastDecode(t, s)
	})
}

// BenchmarkDecode compares Decode with the encoding/json path it replaces
// on a stored user document.
func BenchmarkDecode(b *testing.B) {
	doc := []byte(`{"active":true,"displayName":"User 7","emails":[{"primary":true,"type":"work","value":"u7@contoso.com"}],"externalId":"ext7","name":{"familyName":"F7","givenName":"G7"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept7","employeeNumber":"7","manager":{"value":"0b8f6c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}},"userName":"u7@contoso.com"}`)
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := referenceDecode(doc); !ok {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFastDecodeConcurrent: decodes running at the same time on pooled
// decoders each get their own document back.
func TestFastDecodeConcurrent(t *testing.T) {
	const workers, rounds = 8, 300
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range rounds {
				tag := strings.Repeat("w", w+1) + "-" + strings.Repeat("i", i%7)
				doc := `{"id":"` + tag + `","list":[` + strings.Repeat(`{"v":"`+tag+`"},`, i%5) + `{"v":"` + tag + `"}],"n":{"d":{"e":"` + tag + `"}}}`
				v, ok := decodeFast([]byte(doc))
				want, _ := referenceDecode([]byte(doc))
				if !ok || !reflect.DeepEqual(v, want) {
					errs <- errors.New("worker got another document: " + doc)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
