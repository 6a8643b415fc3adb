package query

import filter "github.com/scim2/filter-parser/v2"

// Indexed attribute names returned by IndexLookup.
const (
	IndexID          = "id"
	IndexUserName    = "userName"
	IndexExternalID  = "externalId"
	IndexDisplayName = "displayName"
	// IndexManager is the enterprise manager's value (manager.value).
	IndexManager = "manager"
	// IndexWorkEmail is the value of the emails element of type "work".
	IndexWorkEmail = "emails.work"
)

// IndexCaseExact reports whether values of the indexed attribute compare
// case-sensitively (id, externalId, manager) or not (userName, displayName,
// emails.work); a store must fold case for the latter when it looks up.
func IndexCaseExact(attr string) bool {
	switch attr {
	case IndexID, IndexExternalID, IndexManager:
		return true
	}
	return false
}

// IndexLookup finds an equality `attr eq "value"` on an indexed attribute
// that must hold for the whole of expr to hold (a top-level term, or a term
// on every side of an `and`), e.g. the id of `id eq "x" and manager eq "y"`.
// The store can fetch the candidates by index and then call Match on each.
// ok is false when no such equality exists (scan everything). Preference:
// id, userName, externalId, displayName, manager, emails.work.
func IndexLookup(expr filter.Expression) (attr, value string, ok bool) {
	return "", "", false
}
