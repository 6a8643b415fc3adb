package scim

import (
	"cmp"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// defaultAttributeOrder is the row order of the default user mapping of
// the non-gallery template (MAP-01), which is the order Microsoft's
// examples write attributes in: "Requests to replace multiple attributes"
// on the compatibility page (application-provisioning-config-problem-
// scim-compatibility, "Flags to alter the SCIM behavior") sends
// displayName, emails[type eq "work"].value, name.givenName,
// name.familyName, externalId, then the enterprise employeeNumber; "Update
// User [Multi-valued properties]" of the SCIM tutorial
// (use-scim-to-provision-users-and-groups, "User Operations") sends the
// work email before name.familyName. The built-in mappings of
// client/mapping keep their rows in this order (its tests hold them to it).
var defaultAttributeOrder = []string{
	"userName",
	"active",
	"displayName",
	"title",
	`emails[type eq "work"].value`,
	"preferredLanguage",
	"name.givenName",
	"name.familyName",
	"name.formatted",
	`addresses[type eq "work"].formatted`,
	`addresses[type eq "work"].streetAddress`,
	`addresses[type eq "work"].locality`,
	`addresses[type eq "work"].region`,
	`addresses[type eq "work"].postalCode`,
	`addresses[type eq "work"].country`,
	`phoneNumbers[type eq "work"].value`,
	`phoneNumbers[type eq "mobile"].value`,
	`phoneNumbers[type eq "fax"].value`,
	"externalId",
	protocol.EnterpriseUserSchema + ":employeeNumber",
	protocol.EnterpriseUserSchema + ":department",
	protocol.ManagerPath,
}

// DefaultAttributeOrder returns the attribute order requests follow when
// Options.AttributeOrder (Builder.AttributeOrder) is empty: the MAP-01 row
// order of the non-gallery user mapping, the order of Microsoft's examples.
func DefaultAttributeOrder() []string { return slices.Clone(defaultAttributeOrder) }

// attributeRank orders target paths by a mapping's row order: a path's
// rank is its row (case-insensitive); paths the order does not list come
// after every listed one, among themselves by path, so that the order is
// deterministic whatever the caller's map iteration.
type attributeRank map[string]int

func rankOf(order []string) attributeRank {
	if len(order) == 0 {
		order = defaultAttributeOrder
	}
	r := make(attributeRank, len(order))
	for i, p := range order {
		k := strings.ToLower(p)
		if _, dup := r[k]; !dup {
			r[k] = i
		}
	}
	return r
}

// compare orders two paths: ranked ones first, by rank, then the rest by name.
func (r attributeRank) compare(a, b string) int {
	ra, oka := r[strings.ToLower(a)]
	rb, okb := r[strings.ToLower(b)]
	switch {
	case oka && okb && ra != rb:
		return cmp.Compare(ra, rb)
	case oka != okb:
		if oka {
			return -1
		}
		return 1
	}
	return cmp.Compare(a, b)
}

// paths returns the keys of attrs in order.
func (r attributeRank) paths(attrs Attributes) []string {
	out := make([]string, 0, len(attrs))
	for p := range attrs {
		out = append(out, p)
	}
	slices.SortFunc(out, r.compare)
	return out
}

// sortChanges puts changes in order, stably.
func (r attributeRank) sortChanges(changes []Change) []Change {
	out := slices.Clone(changes)
	slices.SortStableFunc(out, func(a, b Change) int { return r.compare(a.Path, b.Path) })
	return out
}
