package suites_test

import (
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// schemaAttr is the part of an RFC 7643 §7 attribute definition the specs read.
type schemaAttr struct {
	Name          string       `json:"name"`
	Type          string       `json:"type"`
	MultiValued   *bool        `json:"multiValued"`
	Mutability    string       `json:"mutability"`
	Returned      string       `json:"returned"`
	Uniqueness    string       `json:"uniqueness"`
	SubAttributes []schemaAttr `json:"subAttributes"`
}

type schemaResource struct {
	ID         string       `json:"id"`
	Schemas    []string     `json:"schemas"`
	Attributes []schemaAttr `json:"attributes"`
}

func decodeSchemas(f *framework.Framework) []schemaResource {
	GinkgoHelper()
	x := f.Get("/Schemas", nil)
	Expect(x).To(matchers.BeListResponse())
	var list struct {
		Resources []schemaResource `json:"Resources"`
	}
	Expect(x.DecodeJSON(&list)).To(Succeed())
	return list.Resources
}

// walkAttrs visits every attribute and sub-attribute with its dotted path.
func walkAttrs(schema string, attrs []schemaAttr, visit func(path string, a schemaAttr)) {
	for _, a := range attrs {
		p := schema + ":" + a.Name
		visit(p, a)
		for _, s := range a.SubAttributes {
			visit(p+"."+s.Name, s)
		}
	}
}

// nullPaths lists the JSON paths holding null, which Entra's discovery does not accept.
func nullPaths(v any, path string) []string {
	switch t := v.(type) {
	case nil:
		return []string{path}
	case map[string]any:
		var out []string
		for k, e := range t {
			out = append(out, nullPaths(e, path+"."+k)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range t {
			out = append(out, nullPaths(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	return nil
}

var _ = Describe("Discovery", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-FLOW-02"), "GET /Schemas answers a ListResponse of Schema resources with camelCase values and no nulls", func() {
		x := f.Get("/Schemas", nil)
		Expect(x).To(matchers.BeListResponse())
		var raw any
		Expect(x.DecodeJSON(&raw)).To(Succeed())
		Expect(nullPaths(raw, "$")).To(BeEmpty(), "absent values must be omitted, not sent as null")

		schemas := decodeSchemas(f)
		Expect(schemas).NotTo(BeEmpty())
		for _, s := range schemas {
			Expect(s.ID).NotTo(BeEmpty(), "every Schema resource needs its URN as id")
			Expect(s.Schemas).To(ContainElement(protocol.SchemaSchema), "schema %s", s.ID)
			walkAttrs(s.ID, s.Attributes, func(path string, a schemaAttr) {
				if a.Mutability != "" {
					Expect([]string{"readOnly", "readWrite", "immutable", "writeOnly"}).To(ContainElement(a.Mutability), "mutability of %s", path)
				}
				if a.Returned != "" {
					Expect([]string{"always", "never", "default", "request"}).To(ContainElement(a.Returned), "returned of %s", path)
				}
				if a.Uniqueness != "" {
					Expect([]string{"none", "server", "global"}).To(ContainElement(a.Uniqueness), "uniqueness of %s", path)
				}
			})
		}
	})

	framework.Spec(framework.Req("ENTRA-FLOW-02"), "/Schemas lists the User schema, and the Group schema when groups are served", func() {
		var ids []string
		for _, s := range decodeSchemas(f) {
			ids = append(ids, s.ID)
		}
		Expect(ids).To(ContainElement(protocol.UserSchema))
		if !slices.Contains(f.Target.Unsupported, requirements.FeatureGroups) {
			// Gallery validation fails (not skips) group tests when the Group schema is missing (VAL-06).
			Expect(ids).To(ContainElement(protocol.GroupSchema))
		}
	})

	framework.Spec(framework.Req("ENTRA-REQ-09"), "GET /ServiceProviderConfig declares PATCH and filter support", func() {
		x := f.Get("/ServiceProviderConfig", nil)
		Expect(x).To(matchers.HaveStatus(200))
		var spc struct {
			Schemas []string `json:"schemas"`
			Patch   struct {
				Supported bool `json:"supported"`
			} `json:"patch"`
			Filter struct {
				Supported bool `json:"supported"`
			} `json:"filter"`
		}
		Expect(x.DecodeJSON(&spc)).To(Succeed())
		Expect(spc.Schemas).To(ContainElement(protocol.ServiceProviderConfigSchema))
		Expect(spc.Patch.Supported).To(BeTrue(), "Entra updates everything with PATCH (ENTRA-REQ-02)")
		Expect(spc.Filter.Supported).To(BeTrue(), "Entra matches with eq filters (ENTRA-REQ-04)")
	})

	framework.Spec(framework.Req("ENTRA-REQ-09"), "GET /ResourceTypes lists the User resource type at /Users", func() {
		x := f.Get("/ResourceTypes", nil)
		Expect(x).To(matchers.BeListResponse())
		var list struct {
			Resources []struct {
				Schemas  []string `json:"schemas"`
				Name     string   `json:"name"`
				Endpoint string   `json:"endpoint"`
				Schema   string   `json:"schema"`
			} `json:"Resources"`
		}
		Expect(x.DecodeJSON(&list)).To(Succeed())
		found := false
		for _, rt := range list.Resources {
			Expect(rt.Schemas).To(ContainElement(protocol.ResourceTypeSchema), "resource type %q", rt.Name)
			if rt.Name == "User" {
				found = true
				Expect(rt.Endpoint).To(Equal("/Users"))
				Expect(rt.Schema).To(Equal(protocol.UserSchema))
			}
		}
		Expect(found).To(BeTrue(), "no resource type named User")
	})

	framework.SpecTable(framework.Req("ENTRA-REQ-16"), "discovery answers use application/scim+json",
		func(path string) {
			Expect(f.Get(path, nil)).To(SatisfyAll(matchers.HaveStatus(200), matchers.HaveSCIMContentType()))
		},
		Entry("/Schemas", "/Schemas"),
		Entry("/ResourceTypes", "/ResourceTypes"),
		Entry("/ServiceProviderConfig", "/ServiceProviderConfig"),
	)

	framework.Spec(framework.Req("RFC-09"), "every schema attribute declares a valid type and multiValued", func() {
		types := []string{"string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"}
		for _, s := range decodeSchemas(f) {
			walkAttrs(s.ID, s.Attributes, func(path string, a schemaAttr) {
				Expect(a.Name).NotTo(BeEmpty(), "an attribute of %s has no name", s.ID)
				Expect(types).To(ContainElement(a.Type), "type of %s", path)
				Expect(a.MultiValued).NotTo(BeNil(), "multiValued of %s", path)
			})
		}
	})
})
