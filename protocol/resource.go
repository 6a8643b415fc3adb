package protocol

import (
	"encoding/json"
	"time"
)

// Meta is the resource metadata (RFC 7643 §3.1).
type Meta struct {
	ResourceType string     `json:"resourceType,omitempty"`
	Created      *time.Time `json:"created,omitempty"`
	LastModified *time.Time `json:"lastModified,omitempty"`
	Location     string     `json:"location,omitempty"`
	Version      string     `json:"version,omitempty"`
}

// Name is the user's name (RFC 7643 §4.1.1).
type Name struct {
	Formatted       string `json:"formatted,omitempty"`
	FamilyName      string `json:"familyName,omitempty"`
	GivenName       string `json:"givenName,omitempty"`
	MiddleName      string `json:"middleName,omitempty"`
	HonorificPrefix string `json:"honorificPrefix,omitempty"`
	HonorificSuffix string `json:"honorificSuffix,omitempty"`
}

// MultiValue is an element of emails, phoneNumbers, roles and similar
// multi-valued attributes. Primary is raw because the SCIM Validator sends
// "True" as a string (spec VAL-05) and Entra sends a boolean.
type MultiValue struct {
	Value   string          `json:"value,omitempty"`
	Display string          `json:"display,omitempty"`
	Type    string          `json:"type,omitempty"`
	Primary json.RawMessage `json:"primary,omitempty"`
}

// Address is an element of addresses (RFC 7643 §4.1.2).
type Address struct {
	Type          string          `json:"type,omitempty"`
	Formatted     string          `json:"formatted,omitempty"`
	StreetAddress string          `json:"streetAddress,omitempty"`
	Locality      string          `json:"locality,omitempty"`
	Region        string          `json:"region,omitempty"`
	PostalCode    string          `json:"postalCode,omitempty"`
	Country       string          `json:"country,omitempty"`
	Primary       json.RawMessage `json:"primary,omitempty"`
}

// Reference is a manager or group member reference. Ref is a pointer so
// that Entra's "$ref":null survives a round trip (ENTRA-FLOW-16, PATCH-09).
type Reference struct {
	Value       string  `json:"value"`
	Ref         *string `json:"$ref,omitempty"`
	Display     string  `json:"display,omitempty"`
	DisplayName string  `json:"displayName,omitempty"`
	Type        string  `json:"type,omitempty"`
}

// EnterpriseUser is the enterprise extension (RFC 7643 §4.3). Manager is
// raw because servers in the field return it as a string, an object or an
// array, and the client must tell them apart (ENTRA-FLOW-08, RESP-17).
type EnterpriseUser struct {
	EmployeeNumber string          `json:"employeeNumber,omitempty"`
	CostCenter     string          `json:"costCenter,omitempty"`
	Organization   string          `json:"organization,omitempty"`
	Division       string          `json:"division,omitempty"`
	Department     string          `json:"department,omitempty"`
	Manager        json.RawMessage `json:"manager,omitempty"`
}

// User is a typed view of a User resource, for reading answers and for
// tests. Attributes it does not name (custom extensions) are not kept: code
// that must preserve them works on a generic map.
type User struct {
	Schemas           []string        `json:"schemas"`
	ID                string          `json:"id,omitempty"`
	ExternalID        string          `json:"externalId,omitempty"`
	UserName          string          `json:"userName,omitempty"`
	Active            json.RawMessage `json:"active,omitempty"`
	DisplayName       string          `json:"displayName,omitempty"`
	NickName          string          `json:"nickName,omitempty"`
	Title             string          `json:"title,omitempty"`
	UserType          string          `json:"userType,omitempty"`
	PreferredLanguage string          `json:"preferredLanguage,omitempty"`
	Locale            string          `json:"locale,omitempty"`
	Timezone          string          `json:"timezone,omitempty"`
	Name              *Name           `json:"name,omitempty"`
	Emails            []MultiValue    `json:"emails,omitempty"`
	PhoneNumbers      []MultiValue    `json:"phoneNumbers,omitempty"`
	Addresses         []Address       `json:"addresses,omitempty"`
	Roles             []MultiValue    `json:"roles,omitempty"`
	Groups            []Reference     `json:"groups,omitempty"`
	Enterprise        *EnterpriseUser `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Meta              *Meta           `json:"meta,omitempty"`
}

// Group is a typed view of a Group resource (a Gtmhub team).
type Group struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id,omitempty"`
	ExternalID  string      `json:"externalId,omitempty"`
	DisplayName string      `json:"displayName,omitempty"`
	Members     []Reference `json:"members,omitempty"`
	Meta        *Meta       `json:"meta,omitempty"`
}
