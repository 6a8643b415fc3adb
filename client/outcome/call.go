package outcome

// Call says what kind of request an answer belongs to; the same status or
// body means different things for different calls (a 404 on a filter is
// non-compliance, on GET by id a lost anchor, on DELETE done).
type Call int

// The calls Entra makes (ENTRA-FLOW-01..22).
const (
	// QueryUsers is GET /Users?filter=… (FLOW-01 probe, FLOW-03, FLOW-06).
	QueryUsers Call = iota
	// QueryGroups is GET /Groups?excludedAttributes=members&filter=… (FLOW-12).
	QueryGroups
	// ListSchemas is GET /Schemas (FLOW-02).
	ListSchemas
	// CreateUser is POST /Users (FLOW-04).
	CreateUser
	// CreateGroup is POST /Groups (FLOW-13).
	CreateGroup
	// GetUser is GET /Users/{id} (FLOW-05).
	GetUser
	// GetGroup is GET /Groups/{id}?excludedAttributes=members (FLOW-14).
	GetGroup
	// PatchUser is PATCH /Users/{id} (FLOW-07..10).
	PatchUser
	// PatchGroup is PATCH /Groups/{id} (FLOW-15..17).
	PatchGroup
	// DeleteUser is DELETE /Users/{id} (FLOW-11).
	DeleteUser
	// DeleteGroup is DELETE /Groups/{id} (FLOW-18).
	DeleteGroup
)

var callNames = [...]string{"QueryUsers", "QueryGroups", "ListSchemas", "CreateUser", "CreateGroup",
	"GetUser", "GetGroup", "PatchUser", "PatchGroup", "DeleteUser", "DeleteGroup"}

// String names the call.
func (c Call) String() string {
	if c < 0 || int(c) >= len(callNames) {
		return "Call(?)"
	}
	return callNames[c]
}

func (c Call) isQuery() bool { return c == QueryUsers || c == QueryGroups || c == ListSchemas }

func (c Call) isDelete() bool { return c == DeleteUser || c == DeleteGroup }

func (c Call) isCreate() bool { return c == CreateUser || c == CreateGroup }

func (c Call) isAnchored() bool {
	switch c {
	case GetUser, GetGroup, PatchUser, PatchGroup:
		return true
	}
	return false
}

// membersExcluded is true for calls whose answers are groups read with
// excludedAttributes=members.
func (c Call) membersExcluded() bool { return c == QueryGroups || c == GetGroup }
