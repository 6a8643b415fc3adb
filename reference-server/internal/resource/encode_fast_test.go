package resource

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestMarshalAgreesWithEncodingJSON: MarshalObject gives json.Marshal's
// bytes, or its error, for every shape a resource can hold and some it
// should not.
func TestMarshalAgreesWithEncodingJSON(t *testing.T) {
	values := []map[string]any{
		nil, {},
		{"b": "x", "a": []any{true, false, nil, json.Number("1.5e3"), json.Number("")}, "B": map[string]any{}},
		{"html": "<a href=\"x\">&amp;</a>", "ctl": "\x00\x01\b\f\n\r\t\x1f\x7f", "bs": `a\b`},
		{"utf8": "café ☃ \U0001F600", "bad": "a\xffb\xc3", "sep": "x\u2028y\u2029z", "keyé<": 1},
		{"nested": Resource{"z": []any{map[string]any{"y": "1"}}}, "ss": map[string]string{"b": "2", "a": "<"}},
		{"f": 1.5, "f2": 1e21, "i": 3, "nilslice": []any(nil), "nilmap": map[string]any(nil), "strs": []string{"a"}},
	}
	for _, m := range values {
		checkMarshal(t, m)
	}
	for _, bad := range []map[string]any{
		{"n": json.Number("01")}, {"f": math.NaN()}, {"c": make(chan int)},
	} {
		_, err := MarshalObject(bad, nil)
		_, want := json.Marshal(bad)
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Fatalf("%v: error %v, encoding/json %v", bad, err, want)
		}
	}
}

func checkMarshal(t *testing.T, m map[string]any) {
	t.Helper()
	got, err := MarshalObject(m, nil)
	want, werr := json.Marshal(m)
	if werr != nil {
		if err == nil {
			t.Fatalf("%v: encoding/json fails (%v), MarshalObject gave %s", m, werr, got)
		}
		return
	}
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("MarshalObject:\n%s (%v)\njson.Marshal:\n%s", got, err, want)
	}
}

// TestMarshalObjectOmits leaves out exactly the named top-level keys.
func TestMarshalObjectOmits(t *testing.T) {
	m := map[string]any{"id": "1", "meta": map[string]any{"id": "x"}, "userName": "a", "groups": []any{}}
	got, err := MarshalObject(m, func(k string) bool { return k == "id" || k == "meta" || k == "groups" })
	if err != nil || string(got) != `{"userName":"a"}` {
		t.Fatalf("got %s %v", got, err)
	}
}

// TestMarshalConcurrent: marshals running at the same time on pooled
// encoders each get their own document.
func TestMarshalConcurrent(t *testing.T) {
	const workers, rounds = 8, 300
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range rounds {
				tag := strings.Repeat("w", w+1) + strings.Repeat("i", i%9)
				m := map[string]any{"id": tag, "list": []any{map[string]any{"v": tag}}, "n": strings.Repeat(tag, i%50)}
				got, err := MarshalObject(m, nil)
				want, _ := json.Marshal(m)
				if err != nil || !bytes.Equal(got, want) {
					errs <- errors.New("worker got another document: " + string(got))
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

// FuzzMarshal: every JSON object, decoded as Decode does, renders as
// json.Marshal renders it.
func FuzzMarshal(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := referenceDecode([]byte(s))
		m, isObj := v.(map[string]any)
		if !ok || !isObj {
			return
		}
		checkMarshal(t, m)
	})
}

// BenchmarkMarshal compares MarshalObject with json.Marshal on a stored
// user document.
func BenchmarkMarshal(b *testing.B) {
	m, err := Decode([]byte(`{"active":true,"displayName":"User 7","emails":[{"primary":true,"type":"work","value":"u7@contoso.com"}],"externalId":"ext7","name":{"familyName":"F7","givenName":"G7"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept7","employeeNumber":"7","manager":{"value":"0b8f6c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}},"userName":"u7@contoso.com"}`))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(map[string]any(m))
		}
	})
	b.Run("MarshalObject", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = MarshalObject(m, nil)
		}
	})
}
