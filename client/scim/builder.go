package scim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// ManagerShape is the form of a manager PATCH (ENTRA-FLOW-08): its path
// and value shape. entrasim's --manager-form and Options.ManagerShape
// select it; ParseManagerShape reads the names.
type ManagerShape string

// The manager forms. ManagerObserved and ManagerDocumented are the names
// the --manager-form flag and options files use; they are the same values
// as ManagerString and ManagerArrayRef.
const (
	// ManagerString is the observed form, the default: path
	// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager,
	// the manager's target id as a bare string [OBS O3, O4, O5]:
	//	{"op":"Add","path":"urn:…:User:manager","value":"<id>"}
	ManagerString ManagerShape = "string"
	// ManagerObject sends {"value":"<id>"} on the same path (constructed:
	// the shape RFC 7643 gives manager, seen in no Entra traffic).
	ManagerObject ManagerShape = "object"
	// ManagerArrayRef is the documented form of the SCIM tutorial
	// (use-scim-to-provision-users-and-groups, "Handling provisioning and
	// deprovisioning of users > Example 5. Request from Microsoft Entra ID
	// to an SCIM endpoint to update a user"): path "manager", a one-element
	// array with the manager's $ref under the tenant URL and its id:
	//	{"op":"Add","path":"manager","value":[{"$ref":"<tenant>/Users/<id>","value":"<id>"}]}
	ManagerArrayRef ManagerShape = "array-with-$ref"

	// ManagerObserved is ManagerString under the name of --manager-form.
	ManagerObserved = ManagerString
	// ManagerDocumented is ManagerArrayRef under the name of --manager-form.
	ManagerDocumented = ManagerArrayRef
)

// ManagerFormNames are the names ParseManagerShape accepts for the two
// forms Entra is known to send, for flag help: "observed" (the default)
// and "documented".
var ManagerFormNames = []string{"observed", "documented"}

// ParseManagerShape reads a manager form: "observed" (or "string"),
// "documented" (or "array-with-$ref", "array") or "object", in any case.
// Empty is the default, ManagerObserved.
func ParseManagerShape(s string) (ManagerShape, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "observed", string(ManagerString):
		return ManagerString, nil
	case "documented", strings.ToLower(string(ManagerArrayRef)), "array":
		return ManagerArrayRef, nil
	case string(ManagerObject):
		return ManagerObject, nil
	}
	return "", fmt.Errorf("unknown manager form %q: want observed (bare id on the enterprise URN path, the default), documented (path manager, [{$ref,value}]) or object", s)
}

// DefaultBatchSize is the number of members per PATCH (UNC-07).
const DefaultBatchSize = 50

// Builder builds the requests Entra sends, without sending them. The zero
// value builds legacy requests with the default manager shape and batch size.
type Builder struct {
	Dialect      Dialect
	ManagerShape ManagerShape
	// BatchSize is the number of members per PATCH; <= 0 means 50.
	BatchSize int
	// TenantURL (without flags) is the base of the manager $ref in the
	// array-with-$ref shape.
	TenantURL string
	// AttributeOrder is the attribute mapping's row order (target paths);
	// PATCH operations, the keys of a path-less replace and the sub-objects
	// of a create follow it. Empty means DefaultAttributeOrder, the MAP-01
	// order of Microsoft's examples.
	AttributeOrder []string
}

func (b Builder) dialect() Dialect {
	if b.Dialect == Compliant {
		return Compliant
	}
	return Legacy
}

func (b Builder) batchSize() int {
	if b.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return b.BatchSize
}

// patchOp is one PATCH operation in Entra's key order (op, path, value).
// Value is omitted only when nil (compliant member removal).
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// member is a member reference; Ref has no omitempty so that legacy adds
// carry "$ref":null as Entra does (ENTRA-FLOW-16, PATCH-09).
type member struct {
	Ref   *string `json:"$ref"`
	Value string  `json:"value"`
}

// memberValue is a member reference without $ref (legacy removal, S2 form).
type memberValue struct {
	Value string `json:"value"`
}

// memberValues lists member ids as references without $ref.
func memberValues(ids []string) []memberValue {
	vs := make([]memberValue, len(ids))
	for i, id := range ids {
		vs[i] = memberValue{Value: id}
	}
	return vs
}

type patchBody struct {
	Schemas    []string  `json:"schemas"`
	Operations []patchOp `json:"Operations"`
}

func patch(flow, path string, ops ...patchOp) Request {
	return Request{Flow: flow, Method: http.MethodPatch, Path: path,
		Body: mustMarshal(patchBody{Schemas: []string{protocol.PatchOpSchema}, Operations: ops})}
}

func mustMarshal(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		// Bodies are built here from strings, booleans and maps; failing to
		// encode them is a programming error.
		panic("scim: cannot encode request body: " + err.Error())
	}
	return b
}

func usersPath(id string) string  { return "/Users/" + escapeID(id) }
func groupsPath(id string) string { return "/Groups/" + escapeID(id) }

// ProbeUsers is Test Connection's user probe: a filter on the matching
// attribute with a random value that must match nothing (ENTRA-FLOW-01).
func (b Builder) ProbeUsers(attr, random string) Request {
	if attr == "" {
		attr = "userName"
	}
	return Request{Flow: "ENTRA-FLOW-01", Method: http.MethodGet, Path: "/Users", Query: filterQuery(attr, random)}
}

// ProbeGroups is Test Connection's group probe, shaped like FLOW-12 with a
// random displayName (ENTRA-FLOW-01 [UNC][INF]).
func (b Builder) ProbeGroups(random string) Request {
	r := b.MatchGroup(random)
	r.Flow = "ENTRA-FLOW-01"
	return r
}

// GetSchemas is schema discovery (ENTRA-FLOW-02).
func (b Builder) GetSchemas() Request {
	return Request{Flow: "ENTRA-FLOW-02", Method: http.MethodGet, Path: "/Schemas"}
}

// MatchUser queries users by a matching attribute (ENTRA-FLOW-03).
func (b Builder) MatchUser(attr, value string) Request {
	return Request{Flow: "ENTRA-FLOW-03", Method: http.MethodGet, Path: "/Users", Query: filterQuery(attr, value)}
}

// CreateUser posts a new user built from attributes (ENTRA-FLOW-04).
func (b Builder) CreateUser(attrs Attributes) Request {
	return Request{Flow: "ENTRA-FLOW-04", Method: http.MethodPost, Path: "/Users", Body: mustMarshal(userCreateBody(attrs, rankOf(b.AttributeOrder)))}
}

// GetUser reads a user by id (ENTRA-FLOW-05).
func (b Builder) GetUser(id string) Request {
	return Request{Flow: "ENTRA-FLOW-05", Method: http.MethodGet, Path: usersPath(id)}
}

// CheckManager asks whether the user already has the manager; the only
// place Entra uses "and" (ENTRA-FLOW-06).
func (b Builder) CheckManager(userID, managerID string) Request {
	f := FilterEq("id", userID) + " and " + FilterEq("manager", managerID)
	return Request{Flow: "ENTRA-FLOW-06", Method: http.MethodGet, Path: "/Users",
		Query: "filter=" + queryEscape(f) + "&attributes=id"}
}

// UpdateUser sends the changed attributes (ENTRA-FLOW-07) in the mapping's
// attribute order (AttributeOrder), in the dialect's forms:
//
//   - An attribute the target has no value for is added with its path, in
//     both dialects (ENTRA-PATCH-03): the compatibility page's "Requests
//     made to add a single-value string attribute" shows
//     {"op":"Add","path":"nickName","value":"Babs"} without the
//     aadOptscim062020 flag and {"op":"add",…} with it.
//   - Legacy replaces each changed attribute with its own op and path
//     (the page's "Requests to replace multiple attributes", "Without
//     feature flag"; the tutorial's "Update User [Multi-valued
//     properties]" and "Update User [Single-valued properties]").
//   - Compliant, when the request replaces several attributes, gives
//     valuePath attributes (emails[type eq "work"].value) their own op with
//     a path and puts every other replaced attribute into one path-less
//     replace whose value object has the flattened paths as keys, after the
//     ops with a path (the same section, "With feature flag";
//     ENTRA-PATCH-04). active always keeps its path, as "Requests made to
//     disable users" shows.
//   - Compliant, when the request replaces one attribute, sends
//     {"op":"replace","path":"<attr>","value":…}. No Microsoft page shows
//     this case: the page lists the four kinds of request the flag alters,
//     and a single replace is not among them ("Requests to replace multiple
//     attributes" is); its one single-attribute replace with the flag,
//     the disable, keeps the path; and every request it shows with the flag
//     spells op in lower case. A path-less replace of one attribute would be
//     the page's multiple-attribute form applied where it shows none.
func (b Builder) UpdateUser(id string, changes []Change) Request {
	d := b.dialect()
	changes = rankOf(b.AttributeOrder).sortChanges(changes)
	replaces := 0
	for _, c := range changes {
		if c.HadOld {
			replaces++
		}
	}
	pathless := d == Compliant && replaces > 1
	ops := make([]patchOp, 0, len(changes))
	var flat *object
	for _, c := range changes {
		v := c.New
		if isActivePath(c.Path) {
			if bv, ok := activeValue(v); ok {
				v = d.active(bv)
			}
		}
		if pathless && c.HadOld && !isValuePath(c.Path) && !isActivePath(c.Path) {
			if flat == nil {
				flat = newObject()
			}
			flat.set(c.Path, v)
			continue
		}
		name := protocol.OpAdd
		if c.HadOld {
			name = protocol.OpReplace
		}
		ops = append(ops, patchOp{Op: d.op(name), Path: c.Path, Value: v})
	}
	if flat != nil {
		ops = append(ops, patchOp{Op: d.op(protocol.OpReplace), Value: flat})
	}
	return patch("ENTRA-FLOW-07", usersPath(id), ops...)
}

// SetManager sets or changes the manager (ENTRA-FLOW-08) in the configured
// shape; the default is the observed bare-string form.
func (b Builder) SetManager(userID, managerID string) Request {
	d := b.dialect()
	op := patchOp{Op: d.op(protocol.OpAdd), Path: protocol.ManagerPath, Value: managerID}
	switch b.ManagerShape {
	case ManagerObject:
		op.Value = map[string]string{"value": managerID}
	case ManagerArrayRef:
		ref := strings.TrimRight(b.TenantURL, "/") + "/Users/" + escapeID(managerID)
		op.Path = "manager"
		op.Value = []member{{Ref: &ref, Value: managerID}}
	}
	return patch("ENTRA-FLOW-08", usersPath(userID), op)
}

// ClearManager sends the validator's removal form, a replace with an empty
// value (ENTRA-FLOW-08, UNC-10); the sync engine sends it only when enabled.
func (b Builder) ClearManager(userID string) Request {
	return patch("ENTRA-FLOW-08", usersPath(userID),
		patchOp{Op: b.dialect().op(protocol.OpReplace), Path: protocol.ManagerPath, Value: map[string]string{"value": ""}})
}

// DisableUser soft-deletes a user (ENTRA-FLOW-09, PATCH-02).
func (b Builder) DisableUser(id string) Request {
	r := b.setActive(id, false)
	r.Flow = "ENTRA-FLOW-09"
	return r
}

// EnableUser re-enables a user with the same shape (ENTRA-FLOW-10).
func (b Builder) EnableUser(id string) Request {
	r := b.setActive(id, true)
	r.Flow = "ENTRA-FLOW-10"
	return r
}

func (b Builder) setActive(id string, v bool) Request {
	d := b.dialect()
	return patch("", usersPath(id), patchOp{Op: d.op(protocol.OpReplace), Path: "active", Value: d.active(v)})
}

// DeleteUser hard-deletes a user (ENTRA-FLOW-11).
func (b Builder) DeleteUser(id string) Request {
	return Request{Flow: "ENTRA-FLOW-11", Method: http.MethodDelete, Path: usersPath(id)}
}

// ListUsers reads one page of users (ENTRA-FLOW-21, gallery validation).
func (b Builder) ListUsers(startIndex, count int) Request {
	return Request{Flow: "ENTRA-FLOW-21", Method: http.MethodGet, Path: "/Users",
		Query: "startIndex=" + strconv.Itoa(startIndex) + "&count=" + strconv.Itoa(count)}
}

// MatchGroup queries groups by displayName without members (ENTRA-FLOW-12).
func (b Builder) MatchGroup(displayName string) Request {
	return Request{Flow: "ENTRA-FLOW-12", Method: http.MethodGet, Path: "/Groups",
		Query: "excludedAttributes=members&" + filterQuery("displayName", displayName)}
}

// groupCreate is the FLOW-13 body in Entra's key order.
type groupCreate struct {
	Schemas     []string          `json:"schemas"`
	ExternalID  string            `json:"externalId,omitempty"`
	DisplayName string            `json:"displayName"`
	Meta        map[string]string `json:"meta"`
}

// CreateGroup posts an empty group with the ADSCIM schema URI (ENTRA-FLOW-13).
func (b Builder) CreateGroup(externalID, displayName string) Request {
	return Request{Flow: "ENTRA-FLOW-13", Method: http.MethodPost, Path: "/Groups", Body: mustMarshal(groupCreate{
		Schemas:    []string{protocol.GroupSchema, protocol.ADSCIMGroupSchema},
		ExternalID: externalID, DisplayName: displayName,
		Meta: map[string]string{"resourceType": "Group"},
	})}
}

// GetGroup reads a group by id without members (ENTRA-FLOW-14).
func (b Builder) GetGroup(id string) Request {
	return Request{Flow: "ENTRA-FLOW-14", Method: http.MethodGet, Path: groupsPath(id), Query: "excludedAttributes=members"}
}

// RenameGroup replaces displayName (ENTRA-FLOW-15) with its path, as the
// tutorial's "Update Group [Non-member attributes]" shows; compliant spells
// the op in lower case and keeps the path, as for any single replace (see
// UpdateUser).
func (b Builder) RenameGroup(id, displayName string) Request {
	return patch("ENTRA-FLOW-15", groupsPath(id),
		patchOp{Op: b.dialect().op(protocol.OpReplace), Path: "displayName", Value: displayName})
}

// AddMembers adds members in batches of BatchSize (ENTRA-FLOW-16): one Add
// op per request whose value lists the members, each with "$ref":null in
// legacy and without it in compliant.
func (b Builder) AddMembers(groupID string, memberIDs []string) []Request {
	d := b.dialect()
	var out []Request
	for _, batch := range chunks(memberIDs, b.batchSize()) {
		var value any
		if d == Compliant {
			value = memberValues(batch)
		} else {
			vs := make([]member, len(batch))
			for i, id := range batch {
				vs[i] = member{Value: id}
			}
			value = vs
		}
		out = append(out, patch("ENTRA-FLOW-16", groupsPath(groupID),
			patchOp{Op: d.op(protocol.OpAdd), Path: "members", Value: value}))
	}
	return out
}

// RemoveMembers removes members in batches (ENTRA-FLOW-17, PATCH-05):
// legacy sends one Remove op with a value array; compliant sends one op per
// member with path members[value eq "<id>"] and no value.
func (b Builder) RemoveMembers(groupID string, memberIDs []string) []Request {
	d := b.dialect()
	var out []Request
	for _, batch := range chunks(memberIDs, b.batchSize()) {
		var ops []patchOp
		if d == Compliant {
			for _, id := range batch {
				ops = append(ops, patchOp{Op: d.op(protocol.OpRemove), Path: "members[" + FilterEq("value", id) + "]"})
			}
		} else {
			ops = []patchOp{{Op: d.op(protocol.OpRemove), Path: "members", Value: memberValues(batch)}}
		}
		out = append(out, patch("ENTRA-FLOW-17", groupsPath(groupID), ops...))
	}
	return out
}

// DeleteGroup deletes a group (ENTRA-FLOW-18).
func (b Builder) DeleteGroup(id string) Request {
	return Request{Flow: "ENTRA-FLOW-18", Method: http.MethodDelete, Path: groupsPath(id)}
}

func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > 0 {
		k := min(n, len(ids))
		out = append(out, ids[:k])
		ids = ids[k:]
	}
	return out
}
