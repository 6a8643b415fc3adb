package mapping

import "github.com/quantive/entra-scim-harness/protocol"

// ActiveExpression is the default expression for "active" (MAP-01, MAP-03).
const ActiveExpression = `Switch([IsSoftDeleted], , "False", "True", "True", "False")`

// Enterprise extension paths used by the default mappings.
const (
	EnterpriseDepartment     = protocol.EnterpriseUserSchema + ":department"
	EnterpriseEmployeeNumber = protocol.EnterpriseUserSchema + ":employeeNumber"
	EnterpriseManager        = protocol.EnterpriseUserSchema + ":manager"
)

func direct(target, source string) *Attribute {
	return &Attribute{Target: target, Type: Direct, Source: source, Apply: Always}
}

func matching(a *Attribute, precedence int) *Attribute { a.Matching = precedence; return a }

func reference(a *Attribute) *Attribute { a.Reference = true; return a }

func expression(target, src string) *Attribute {
	return &Attribute{Target: target, Type: Expression, Expression: src, Apply: Always}
}

// userMapping is the enabled user mapping with every target object action
// on, as both user templates ship it.
func userMapping(attrs ...*Attribute) ObjectMapping {
	return ObjectMapping{
		Name:       "Provision Microsoft Entra ID Users",
		Enabled:    true,
		Actions:    Actions{Create: true, Update: true, Delete: true},
		Attributes: attrs,
	}
}

// GtmhubUsers is the default user mapping of the Gtmhub gallery app: the
// MAP-01 rows Gtmhub accepts (GTM-04, GTM-06). userName (UPN) matches
// first; externalId (mailNickname) matches second, since GTM-04 marks both
// as filterable and a second precedence lets a user whose UPN changed be
// found again [INF].
//
// The rows keep MAP-01's relative order (the order of NonGalleryUsers):
// requests list attributes in the mapping's order, and this is the order
// of Microsoft's examples (see scim.DefaultAttributeOrder). GTM-04's table
// (userName, externalId, manager) agrees with it.
func GtmhubUsers() ObjectMapping {
	return userMapping(
		matching(direct("userName", "userPrincipalName"), 1),
		expression("active", ActiveExpression),
		direct("displayName", "displayName"),
		direct("title", "jobTitle"),
		direct(`emails[type eq "work"].value`, "mail"),
		direct("name.givenName", "givenName"),
		direct("name.familyName", "surname"),
		expression("name.formatted", `Join(" ", [givenName], [surname])`),
		matching(direct("externalId", "mailNickname"), 2),
		direct(EnterpriseEmployeeNumber, "employeeId"),
		direct(EnterpriseDepartment, "department"),
		reference(direct(EnterpriseManager, "manager")),
	)
}

// NonGalleryUsers is the full MAP-01 user mapping of the non-gallery
// ("customappsso"/"scim") template, rows in MAP-01's order. Only userName
// matches.
func NonGalleryUsers() ObjectMapping {
	return userMapping(
		matching(direct("userName", "userPrincipalName"), 1),
		expression("active", ActiveExpression),
		direct("displayName", "displayName"),
		direct("title", "jobTitle"),
		direct(`emails[type eq "work"].value`, "mail"),
		direct("preferredLanguage", "preferredLanguage"),
		direct("name.givenName", "givenName"),
		direct("name.familyName", "surname"),
		expression("name.formatted", `Join(" ", [givenName], [surname])`),
		direct(`addresses[type eq "work"].formatted`, "physicalDeliveryOfficeName"),
		direct(`addresses[type eq "work"].streetAddress`, "streetAddress"),
		direct(`addresses[type eq "work"].locality`, "city"),
		direct(`addresses[type eq "work"].region`, "state"),
		direct(`addresses[type eq "work"].postalCode`, "postalCode"),
		direct(`addresses[type eq "work"].country`, "country"),
		direct(`phoneNumbers[type eq "work"].value`, "telephoneNumber"),
		direct(`phoneNumbers[type eq "mobile"].value`, "mobile"),
		direct(`phoneNumbers[type eq "fax"].value`, "facsimileTelephoneNumber"),
		direct("externalId", "mailNickname"),
		direct(EnterpriseEmployeeNumber, "employeeId"),
		direct(EnterpriseDepartment, "department"),
		reference(direct(EnterpriseManager, "manager")),
	)
}

// DefaultGroups is the MAP-02 group mapping.
func DefaultGroups() ObjectMapping {
	return ObjectMapping{
		Name:    "Provision Microsoft Entra ID Groups",
		Enabled: true,
		Actions: Actions{Create: true, Update: true, Delete: true},
		Attributes: []*Attribute{
			matching(direct("displayName", "displayName"), 1),
			direct("externalId", "objectId"),
			reference(direct("members", "members")),
		},
	}
}

// Builtin names accepted by LoadFile's "base" field.
const (
	BaseGtmhub     = "gtmhub"
	BaseNonGallery = "nonGallery"
)

// Gtmhub returns the default configuration: Gtmhub gallery user mapping,
// MAP-02 group mapping, accidental-deletion prevention on with threshold
// 500.
func Gtmhub() *Config {
	return builtin(GtmhubUsers())
}

// NonGallery returns the non-gallery configuration (full MAP-01 user set).
func NonGallery() *Config {
	return builtin(NonGalleryUsers())
}

// builtin is a built-in configuration: the given user mapping, the MAP-02
// group mapping and accidental-deletion prevention on at the default
// threshold. The tables are fixed, so a compile error is a bug: it panics.
func builtin(users ObjectMapping) *Config {
	c := &Config{Users: users, Groups: DefaultGroups(),
		AccidentalDeletionPrevention: true, DeletionThreshold: DefaultDeletionThreshold}
	if err := c.Compile(); err != nil {
		panic("built-in mapping invalid: " + err.Error())
	}
	return c
}
