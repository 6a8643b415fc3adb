package protocol

// Schema and message URNs (RFC 7643 §8.7, RFC 7644 §3).
const (
	UserSchema                  = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupSchema                 = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseUserSchema        = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	ListResponseSchema          = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpSchema               = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ErrorSchema                 = "urn:ietf:params:scim:api:messages:2.0:Error"
	SearchRequestSchema         = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	ServiceProviderConfigSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	ResourceTypeSchema          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaSchema                = "urn:ietf:params:scim:schemas:core:2.0:Schema"

	// ADSCIMGroupSchema is the Microsoft-specific schema URI Entra puts on
	// group creates (ENTRA-FLOW-13); servers must accept it.
	ADSCIMGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

	// ManagerPath is the fully qualified path of the enterprise manager.
	ManagerPath = EnterpriseUserSchema + ":manager"
)

// MediaType is the SCIM media type (RFC 7644 §8.1).
const MediaType = "application/scim+json"

// CompliantFlag is the tenant-URL feature flag that switches Entra to the
// RFC-compliant PATCH dialect (ENTRA-HTTP-01, ENTRA-PATCH-06).
const CompliantFlag = "aadOptscim062020"
