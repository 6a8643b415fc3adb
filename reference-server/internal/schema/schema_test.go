package schema

import (
	"github.com/quantive/entra-scim-harness/golden"

	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
)

func TestFind(t *testing.T) {
	cases := []struct {
		path string
		want string // canonical Ref.String(); "" means not found
		ext  bool
	}{
		{"userName", "userName", false},
		{"USERNAME", "userName", false},
		{"name.givenName", "name.givenName", false},
		{"Name.GivenName", "name.givenName", false},
		{"meta.lastModified", "meta.lastModified", false},
		{"emails.value", "emails.value", false},
		{"manager", protocol.EnterpriseUserSchema + ":manager", true},
		{"manager.value", protocol.EnterpriseUserSchema + ":manager.value", true},
		{protocol.ManagerPath, protocol.EnterpriseUserSchema + ":manager", true},
		{strings.ToUpper(protocol.ManagerPath) + ".VALUE", protocol.EnterpriseUserSchema + ":manager.value", true},
		{protocol.EnterpriseUserSchema + ":employeeNumber", protocol.EnterpriseUserSchema + ":employeeNumber", true},
		{protocol.UserSchema + ":userName", "userName", false},
		{protocol.UserSchema + ":name.familyName", "name.familyName", false},
		{"nosuch", "", false},
		{"name.nosuch", "", false},
		{"name.givenName.x", "", false},
		{protocol.UserSchema + ":employeeNumber", "", false},
		{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			ref, ok := User().Find(c.path)
			if c.want == "" {
				if ok {
					t.Fatalf("found %s, want not found", ref)
				}
				return
			}
			if !ok {
				t.Fatalf("not found, want %s", c.want)
			}
			if ref.String() != c.want || ref.Extension != c.ext {
				t.Fatalf("got %s (ext=%v), want %s (ext=%v)", ref, ref.Extension, c.want, c.ext)
			}
		})
	}
}

func TestCharacteristics(t *testing.T) {
	cases := []struct {
		rt    *Resource
		path  string
		check func(a *Attribute) bool
		what  string
	}{
		{User(), "userName", func(a *Attribute) bool { return a.Required && !a.CaseExact && a.Uniqueness == UniqueServer }, "required, caseExact false, unique (ENTRA-FLOW-03)"},
		{User(), "externalId", func(a *Attribute) bool { return a.CaseExact && !a.Required }, "caseExact"},
		{User(), "id", func(a *Attribute) bool {
			return a.CaseExact && a.Mutability == ReadOnly && a.Returned == ReturnedAlways
		}, "readOnly always"},
		{User(), "password", func(a *Attribute) bool { return a.Mutability == WriteOnly && a.Returned == ReturnedNever }, "writeOnly never"},
		{User(), "groups", func(a *Attribute) bool { return a.Mutability == ReadOnly && a.MultiValued }, "readOnly multi"},
		{User(), "emails.type", func(a *Attribute) bool { return strings.Join(a.CanonicalValues, ",") == "work,home,other" }, "canonical work,home,other"},
		{User(), "emails", func(a *Attribute) bool { return a.UniqueTypes }, "unique types (ENTRA-REQ-15)"},
		{User(), "roles", func(a *Attribute) bool { return !a.UniqueTypes }, "roles may repeat a type (ENTRA-FLOW-19)"},
		{User(), "manager.displayName", func(a *Attribute) bool { return a.Mutability == ReadOnly }, "readOnly"},
		{User(), "active", func(a *Attribute) bool { return a.Type == TypeBoolean }, "boolean"},
		{Group(), "displayName", func(a *Attribute) bool { return a.Required && a.Uniqueness == UniqueServer }, "required unique (ENTRA-REQ-17)"},
		{Group(), "members.value", func(a *Attribute) bool { return a.Mutability == Immutable }, "immutable"},
		{Group(), "members", func(a *Attribute) bool { return a.MultiValued && !a.UniqueTypes }, "multi"},
	}
	for _, c := range cases {
		ref, ok := c.rt.Find(c.path)
		if !ok {
			t.Errorf("%s: not found", c.path)
			continue
		}
		if !c.check(ref.Target()) {
			t.Errorf("%s: want %s, got %+v", c.path, c.what, *ref.Target())
		}
	}
	if !Group().KnownSchema(protocol.ADSCIMGroupSchema) {
		t.Error("ENTRA-FLOW-13: ADSCIM group schema not accepted")
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	golden.Assert(t, filepath.Join("testdata", name), buf.Bytes())
}

func TestSchemasGolden(t *testing.T) {
	lr, err := ListSchemas("http://127.0.0.1:1/api/v1/scim/azure/acc/")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(lr)
	if err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "schemas.golden.json", b)

	// ENTRA-FLOW-02: no nulls anywhere, camelCase values, the Group schema listed.
	if bytes.Contains(b, []byte("null")) {
		t.Error("ENTRA-FLOW-02: /Schemas contains null")
	}
	for _, want := range []string{`"readWrite"`, `"readOnly"`, `"writeOnly"`, protocol.GroupSchema, protocol.EnterpriseUserSchema, `"externalId"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("ENTRA-FLOW-02: /Schemas lacks %s", want)
		}
	}
	for _, absent := range []string{`"ReadWrite"`, `"name":"meta"`, `"name":"id"`} {
		if bytes.Contains(b, []byte(absent)) {
			t.Errorf("ENTRA-FLOW-02: /Schemas contains %s", absent)
		}
	}
	if lr.TotalResults != 3 || len(lr.Resources) != 3 {
		t.Errorf("want 3 schemas, got %d", lr.TotalResults)
	}
}

func TestSchemaJSON(t *testing.T) {
	b, ok, err := SchemaJSON("http://h/t", strings.ToLower(protocol.EnterpriseUserSchema))
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	var doc struct {
		ID   string `json:"id"`
		Meta struct{ Location string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != protocol.EnterpriseUserSchema || doc.Meta.Location != "http://h/t/Schemas/"+protocol.EnterpriseUserSchema {
		t.Fatalf("got %s", b)
	}
	if _, ok, _ := SchemaJSON("http://h/t", "urn:nope"); ok {
		t.Fatal("unknown schema found")
	}
}

func TestResourceTypesGolden(t *testing.T) {
	lr, err := ListResourceTypes("http://127.0.0.1:1/api/v1/scim/azure/acc")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(lr)
	if err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "resourcetypes.golden.json", b)
	one, ok, err := ResourceTypeJSON("http://h", "group")
	if err != nil || !ok || !bytes.Contains(one, []byte(`"endpoint":"/Groups"`)) {
		t.Fatalf("ResourceTypeJSON(group) = %s %v %v", one, ok, err)
	}
	if _, ok, _ := ResourceTypeJSON("http://h", "Team"); ok {
		t.Fatal("unknown resource type found")
	}
}
