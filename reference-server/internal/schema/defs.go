package schema

import "github.com/quantive/entra-scim-harness/protocol"

// Helpers that keep the definitions below short. Every attribute starts
// from RFC 7643 §2.2 defaults: readWrite, returned default, no uniqueness,
// not required, not caseExact.

func attr(name, typ, desc string, opts ...func(*Attribute)) *Attribute {
	a := &Attribute{Name: name, Type: typ, Description: desc,
		Mutability: ReadWrite, Returned: ReturnedDefault, Uniqueness: UniqueNone}
	for _, o := range opts {
		o(a)
	}
	return a
}

func str(name, desc string, opts ...func(*Attribute)) *Attribute {
	return attr(name, TypeString, desc, opts...)
}

func complexAttr(name, desc string, subs []*Attribute, opts ...func(*Attribute)) *Attribute {
	a := attr(name, TypeComplex, desc, opts...)
	a.SubAttributes = subs
	return a
}

func multi(a *Attribute)     { a.MultiValued = true }
func required(a *Attribute)  { a.Required = true }
func caseExact(a *Attribute) { a.CaseExact = true }
func readOnly(a *Attribute)  { a.Mutability = ReadOnly }
func immutable(a *Attribute) { a.Mutability = Immutable }
func uniqueSrv(a *Attribute) { a.Uniqueness = UniqueServer }
func common(a *Attribute)    { a.Common = true }
func always(a *Attribute)    { a.Returned = ReturnedAlways }
func writeOnlyNever(a *Attribute) {
	a.Mutability = WriteOnly
	a.Returned = ReturnedNever
}

// uniqueTypes marks an attribute whose elements keep one per type
// (ENTRA-REQ-15) and says so in its description, since RFC 7643 has no
// schema field for it; resource.CheckMulti and the PATCH applier enforce it.
func uniqueTypes(a *Attribute) {
	a.UniqueTypes = true
	a.Description += " " + uniqueTypesNote
}

// uniqueTypesNote is how /Schemas describes the one-element-per-type rule.
const uniqueTypesNote = "At most one element per type (e.g. one \"work\" email; ENTRA-REQ-15): " +
	"a POST or PUT, or a PATCH replace, that leaves two elements of one type is refused with " +
	"400 invalidValue; a PATCH add of an element whose type is present replaces that element."

func canonical(vs ...string) func(*Attribute) {
	return func(a *Attribute) { a.CanonicalValues = vs }
}

func refTypes(vs ...string) func(*Attribute) {
	return func(a *Attribute) { a.ReferenceTypes = vs }
}

// commonAttrs are id, externalId and meta (RFC 7643 §3.1). externalId is
// listed in /Schemas because Entra maps it and its discoverability test
// looks every mapped attribute up there (VAL-06).
func commonAttrs() []*Attribute {
	return []*Attribute{
		str("id", "Unique identifier of the resource, assigned by the service provider.",
			caseExact, readOnly, always, uniqueSrv, common),
		str("externalId", "Identifier of the resource as defined by the provisioning client.",
			caseExact),
		complexAttr("meta", "Resource metadata.", []*Attribute{
			str("resourceType", "Name of the resource type.", caseExact, readOnly),
			attr("created", TypeDateTime, "When the resource was added.", readOnly),
			attr("lastModified", TypeDateTime, "When the resource was last changed.", readOnly),
			attr("location", TypeReference, "URI of the resource.", readOnly, caseExact, refTypes("uri")),
			str("version", "Version (ETag) of the resource.", caseExact, readOnly),
		}, readOnly, common),
	}
}

// multiValue builds the value/display/type/primary sub-attributes of the
// RFC 7643 §2.4 multi-valued attributes.
func multiValue(valueType string, types ...string) []*Attribute {
	return []*Attribute{
		attr("value", valueType, "The value."),
		str("display", "A human-readable name, primarily used for display purposes."),
		str("type", "A label indicating the attribute's function.", canonical(types...)),
		attr("primary", TypeBoolean, "Whether this is the primary value."),
	}
}

// photoValues are the photos sub-attributes: the value is an external URL.
func photoValues() []*Attribute {
	subs := multiValue(TypeReference, "photo", "thumbnail")
	subs[0].ReferenceTypes = []string{"external"}
	return subs
}

var userSchema = &Schema{
	ID:          protocol.UserSchema,
	Name:        "User",
	Description: "User Account",
	Attributes: append(commonAttrs(),
		str("userName", "Unique identifier for the User, typically used to sign in.", required, uniqueSrv),
		complexAttr("name", "The components of the user's real name.", []*Attribute{
			str("formatted", "The full name, formatted for display."),
			str("familyName", "The family name of the User."),
			str("givenName", "The given name of the User."),
			str("middleName", "The middle name(s) of the User."),
			str("honorificPrefix", "The honorific prefix(es) of the User."),
			str("honorificSuffix", "The honorific suffix(es) of the User."),
		}),
		str("displayName", "The name of the User, suitable for display to end-users."),
		str("nickName", "The casual way to address the user."),
		attr("profileUrl", TypeReference, "A URI pointing to the user's online profile.", refTypes("external")),
		str("title", "The user's title, such as \"Vice President\"."),
		str("userType", "The relationship between the organization and the user."),
		str("preferredLanguage", "The user's preferred written or spoken language."),
		str("locale", "The user's default location for localization."),
		str("timezone", "The User's time zone in IANA Time Zone database format."),
		attr("active", TypeBoolean, "The User's administrative status."),
		str("password", "The User's cleartext password; never returned.", writeOnlyNever),
		complexAttr("emails", "Email addresses for the user.",
			multiValue(TypeString, "work", "home", "other"), multi, uniqueTypes),
		complexAttr("phoneNumbers", "Phone numbers for the User.",
			multiValue(TypeString, "work", "home", "mobile", "fax", "pager", "other"), multi, uniqueTypes),
		complexAttr("ims", "Instant messaging addresses for the User.",
			multiValue(TypeString, "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"), multi, uniqueTypes),
		complexAttr("photos", "URLs of images of the user.",
			photoValues(), multi, uniqueTypes),
		complexAttr("addresses", "A physical mailing address for this User.", []*Attribute{
			str("formatted", "The full mailing address, formatted for display."),
			str("streetAddress", "The full street address component."),
			str("locality", "The city or locality component."),
			str("region", "The state or region component."),
			str("postalCode", "The zip code or postal code component."),
			str("country", "The country name component."),
			str("type", "A label indicating the attribute's function.", canonical("work", "home", "other")),
			attr("primary", TypeBoolean, "Whether this is the primary address."),
		}, multi, uniqueTypes),
		complexAttr("groups", "A list of groups to which the user belongs.", []*Attribute{
			str("value", "The identifier of the User's group.", readOnly, caseExact),
			attr("$ref", TypeReference, "The URI of the Group resource.", readOnly, refTypes("Group")),
			str("display", "A human-readable name of the group.", readOnly),
			str("type", "Membership type.", readOnly, canonical("direct", "indirect")),
		}, multi, readOnly),
		complexAttr("entitlements", "A list of entitlements for the User.", multiValue(TypeString), multi),
		complexAttr("roles", "A list of roles for the User.", multiValue(TypeString), multi),
	),
}

// Reference values (manager.value, members.value, groups.value) hold
// resource ids, which are caseExact like id itself (RFC 7643 leaves them
// caseExact false); filters and member changes then compare them exactly,
// as the store's indexes do.
var enterpriseSchema = &Schema{
	ID:          protocol.EnterpriseUserSchema,
	Name:        "EnterpriseUser",
	Description: "Enterprise User",
	Attributes: []*Attribute{
		str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
		str("costCenter", "Identifies the name of a cost center."),
		str("organization", "Identifies the name of an organization."),
		str("division", "Identifies the name of a division."),
		str("department", "Identifies the name of a department."),
		complexAttr("manager", "The User's manager.", []*Attribute{
			str("value", "The id of the SCIM resource representing the User's manager.", caseExact),
			attr("$ref", TypeReference, "The URI of the manager's User resource.", refTypes("User")),
			str("displayName", "The displayName of the User's manager.", readOnly),
		}),
	},
}

// membersDescription is what /Schemas says of a group's members.
const membersDescription = "A list of members of the Group. Members must be Users of this account: " +
	"groups cannot be members (no nested groups), and a create, replace or PATCH naming an id that is " +
	"not a User of the account is refused with 400 invalidValue and changes nothing. A group may hold " +
	"any number of Users; they are not unique per type."

var groupSchema = &Schema{
	ID:          protocol.GroupSchema,
	Name:        "Group",
	Description: "Group",
	Attributes: append(commonAttrs(),
		// Required and unique although RFC 7643 leaves both off: Entra
		// matches groups by displayName (ENTRA-FLOW-12, ENTRA-REQ-17).
		str("displayName", "A human-readable name for the Group.", required, uniqueSrv),
		// Members are users only: the store keeps user ids, and a member
		// that is not a user of the account is refused (members.go).
		complexAttr("members", membersDescription, []*Attribute{
			str("value", "The id of a User of this account.", immutable, required, caseExact),
			attr("$ref", TypeReference, "The URI of the member's User resource.", immutable, refTypes("User")),
			str("display", "A human-readable name of the member."),
			str("type", "The type of the member: always \"User\".", immutable, canonical("User")),
		}, multi),
	),
}
