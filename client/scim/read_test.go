package scim

import (
	"reflect"
	"strings"
	"testing"
)

// TestReadAttributesRoundTrip proves that what CreateUser writes reads back
// as the same attributes, so that an unchanged user gives an empty diff
// (ENTRA-FLOW-07: only differences are sent).
func TestReadAttributesRoundTrip(t *testing.T) {
	attrs := flow04Attributes()
	delete(attrs, "title")
	delete(attrs, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
	attrs["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"] = "Finance"
	attrs[`phoneNumbers[type eq "mobile"].value`] = "+1 555"
	body := Builder{}.CreateUser(attrs).Body
	paths := make([]string, 0, len(attrs))
	for p := range attrs {
		paths = append(paths, p)
	}
	got, err := ReadAttributes(body, append(paths, "nickName", `emails[type eq "other"].value`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, attrs) {
		t.Fatalf("read back\n%v\nwant\n%v", got, attrs)
	}
	if d := Diff(got, attrs); len(d) != 0 {
		t.Fatalf("diff of a round trip: %+v", d)
	}
}

// TestReadAttributesServerForms reads the forms servers return: active as
// a string, the manager in complex form, keys in another case.
func TestReadAttributesServerForms(t *testing.T) {
	res := []byte(`{"id":"u1","Active":"False","UserName":"a",
	 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}},
	 "emails":[{"Type":"Work","value":"a@x"}]}`)
	got, err := ReadAttributes(res, []string{"active", "userName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", `emails[type eq "work"].value`})
	if err != nil {
		t.Fatal(err)
	}
	want := Attributes{"active": false, "userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "m1", `emails[type eq "work"].value`: "a@x"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := ReadAttributes([]byte("nope"), nil); err == nil {
		t.Error("bad JSON accepted")
	}
}

// TestExportUserSequence_FLOW22 checks the sequence on a scripted target.
func TestExportUserSequence_FLOW22(t *testing.T) {
	t.Run("unmatched disabled user is not created", func(t *testing.T) {
		ft := newTarget(t, ok200)
		c := newClient(t, ft.URL, nil)
		r, err := c.ExportUser(ctx(), UserExport{Matchers: []Matcher{{"userName", "a"}}, Attributes: Attributes{"userName": "a", "active": false}})
		if err != nil || !r.Outcome.Success || r.Action != ActionOther || len(ft.requests()) != 1 {
			t.Fatalf("%v %+v, %d requests", err, r, len(ft.requests()))
		}
	})
	t.Run("duplicate match stops", func(t *testing.T) {
		ft := newTarget(t, reply{status: 200, body: `{"totalResults":2,"Resources":[{"id":"a"},{"id":"b"}]}`})
		c := newClient(t, ft.URL, nil)
		r, err := c.ExportUser(ctx(), UserExport{Matchers: []Matcher{{"userName", "a"}}, Attributes: Attributes{"userName": "a"}})
		if err != nil || r.Outcome.ErrorCode != "DuplicateTargetEntries" || len(ft.requests()) != 1 {
			t.Fatalf("%v %+v", err, r)
		}
	})
	t.Run("unmatched: create then manager", func(t *testing.T) {
		ft := newTarget(t, ok200, created, ok200, ok204)
		c := newClient(t, ft.URL, nil)
		r, err := c.ExportUser(ctx(), UserExport{Matchers: []Matcher{{"userName", "a"}}, Attributes: Attributes{"userName": "a"}, ManagerID: "m1"})
		if err != nil || !r.Outcome.Success || r.Action != ActionCreate || r.TargetID == "" {
			t.Fatalf("%v %+v", err, r)
		}
		var seq []string
		for _, q := range ft.requests() {
			seq = append(seq, q.Method)
		}
		if want := "GET,POST,GET,PATCH"; strings.Join(seq, ",") != want {
			t.Errorf("sequence %s, want %s", strings.Join(seq, ","), want)
		}
	})
	t.Run("linked: anchor gone", func(t *testing.T) {
		ft := newTarget(t, reply{status: 404})
		c := newClient(t, ft.URL, nil)
		r, err := c.ExportUser(ctx(), UserExport{TargetID: "u1", Attributes: Attributes{"userName": "a"}})
		if err != nil || r.Outcome.ErrorCode != "InvalidAnchor" {
			t.Fatalf("%v %+v", err, r)
		}
	})
}

// FuzzReadAttributes proves that no resource body, however odd, panics the
// reader (seed corpus runs in go test).
func FuzzReadAttributes(f *testing.F) {
	for _, s := range []string{userBody, `{"emails":"x"}`, `{"emails":[1,null,{"type":null}]}`, `{"name":[]}`,
		`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":[{"value":1}]}}`, `{"active":"maybe"}`, `null`, `[]`} {
		f.Add([]byte(s))
	}
	paths := []string{"userName", "active", "name.givenName", `emails[type eq "work"].value`,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", `roles[primary eq "True"].value`}
	f.Fuzz(func(t *testing.T, body []byte) {
		attrs, err := ReadAttributes(body, paths)
		if err == nil {
			for k, v := range attrs {
				if v == nil {
					t.Fatalf("nil value kept for %s", k)
				}
			}
		}
	})
}
