package store

import "strings"

// The in-memory form of one account's resources, shared by Cached (a
// mirror of the database) and MemStore (the only copy).

const (
	userFields  = int(UserByWorkEmail) + 1
	groupFields = int(GroupByDepartment) + 1
)

// mirror is one account's resources and indexes. The indexes map a key
// (see userKey, groupKey) to the ids holding it; UserByID and GroupByID
// have none (the records are keyed by id).
type mirror struct {
	seq      int64
	users    map[string]*userEntry
	uidx     [userFields]map[string]idSet
	groups   map[string]*groupEntry
	gidx     [groupFields]map[string]idSet
	members  map[string]map[string]int64 // group -> user -> seq
	memberOf map[string]idSet            // user -> groups
}

func newMirror() *mirror {
	m := &mirror{users: map[string]*userEntry{}, groups: map[string]*groupEntry{},
		members: map[string]map[string]int64{}, memberOf: map[string]idSet{}}
	for f := range m.uidx {
		m.uidx[f] = map[string]idSet{}
	}
	for f := range m.gidx {
		m.gidx[f] = map[string]idSet{}
	}
	return m
}

// idSet is a set of ids that holds a single id without a map: most index
// keys (userName, externalId, work email) belong to one resource, and a
// map per key would cost memory and GC scanning for 10k+ users.
type idSet struct {
	one  string              // the only id, when many is nil
	many map[string]struct{} // two or more ids
}

func (s idSet) len() int {
	if s.many != nil {
		return len(s.many)
	}
	if s.one != "" {
		return 1
	}
	return 0
}

func (s idSet) add(id string) idSet {
	switch {
	case s.many != nil:
		s.many[id] = struct{}{}
	case s.one == "" || s.one == id:
		s.one = id
	default:
		s.many = map[string]struct{}{s.one: {}, id: {}}
		s.one = ""
	}
	return s
}

func (s idSet) del(id string) idSet {
	if s.many == nil {
		if s.one == id {
			s.one = ""
		}
		return s
	}
	delete(s.many, id)
	if len(s.many) == 1 {
		for k := range s.many {
			s.one = k
		}
		s.many = nil
	}
	return s
}

// each calls fn for every id, in no order.
func (s idSet) each(fn func(id string)) {
	if s.many == nil {
		if s.one != "" {
			fn(s.one)
		}
		return
	}
	for id := range s.many {
		fn(id)
	}
}

// has reports whether id is in the set.
func (s idSet) has(id string) bool {
	if s.many == nil {
		return s.one == id && id != ""
	}
	_, ok := s.many[id]
	return ok
}

func addIdx(idx map[string]idSet, k, id string) { idx[k] = idx[k].add(id) }

func delIdx(idx map[string]idSet, k, id string) {
	if s := idx[k].del(id); s.len() == 0 {
		delete(idx, k)
	} else {
		idx[k] = s
	}
}

func userKey(f UserField, v string) string {
	if f == UserByUserName || f == UserByWorkEmail {
		return key(v)
	}
	return v
}

func groupKey(f GroupField, derived bool, v string) string {
	if f == GroupByDisplayName {
		v = key(v)
	}
	if derived {
		return "d" + v
	}
	return "s" + v
}

// userKeys are e's index keys by field (UserByID unused): strings of e,
// lower-cased copies where the key is case-insensitive, or interned.
func userKeys(e *userEntry) [userFields]string {
	var k [userFields]string
	k[UserByUserName] = userKey(UserByUserName, e.userName())
	k[UserByExternalID] = e.externalID()
	k[UserByManager] = e.manager.String()
	k[UserByDepartment] = e.department.String()
	if e.emailIsName {
		k[UserByWorkEmail] = k[UserByUserName]
	} else {
		k[UserByWorkEmail] = userKey(UserByWorkEmail, e.workEmail())
	}
	return k
}

// groupKeys are e's index keys by field (GroupByID unused).
func groupKeys(e *groupEntry) [groupFields]string {
	var k [groupFields]string
	k[GroupByDisplayName] = groupKey(GroupByDisplayName, e.derived, e.displayName())
	k[GroupByExternalID] = groupKey(GroupByExternalID, e.derived, e.externalID())
	k[GroupByDepartment] = groupKey(GroupByDepartment, e.derived, e.department.String())
	return k
}

// indexUser adds e's index entries. An update unindexes the old record
// first rather than skipping the unchanged keys: a key whose set empties
// is deleted and added again as e's string, so that the maps do not keep
// a replaced record's buffer alive.
func (m *mirror) indexUser(e *userEntry) {
	k := userKeys(e)
	id := e.id
	for f := 1; f < userFields; f++ {
		addIdx(m.uidx[f], k[f], id)
	}
}

func (m *mirror) unindexUser(e *userEntry) {
	k := userKeys(e)
	id := e.id
	for f := 1; f < userFields; f++ {
		delIdx(m.uidx[f], k[f], id)
	}
}

func (m *mirror) indexGroup(e *groupEntry) {
	k := groupKeys(e)
	id := e.id
	for f := 1; f < groupFields; f++ {
		addIdx(m.gidx[f], k[f], id)
	}
}

func (m *mirror) unindexGroup(e *groupEntry) {
	k := groupKeys(e)
	id := e.id
	for f := 1; f < groupFields; f++ {
		delIdx(m.gidx[f], k[f], id)
	}
}

// putUser stores u as a new record, keeping its creation order on update.
func (m *mirror) putUser(u *User) {
	seq, id := m.seq+1, ""
	if old := m.users[u.ID]; old != nil {
		seq, id = old.seq, old.id
		m.dropUser(id)
	} else {
		m.seq++
	}
	m.setUser(newUserEntry(u, id, seq))
}

// setUser adds a record (its id not in m.users) and its index entries.
func (m *mirror) setUser(e *userEntry) {
	m.users[e.id] = e
	m.indexUser(e)
}

func (m *mirror) deleteUser(id string) {
	old := m.users[id]
	if old == nil {
		return
	}
	m.unindexUser(old)
	delete(m.users, id)
	m.memberOf[id].each(func(gid string) { delete(m.members[gid], id) })
	delete(m.memberOf, id)
}

func (m *mirror) putGroup(g *Group) {
	seq, id := m.seq+1, ""
	if old := m.groups[g.ID]; old != nil {
		seq, id = old.seq, old.id
		m.dropGroup(id)
	} else {
		m.seq++
	}
	m.setGroup(newGroupEntry(g, id, seq))
}

// setGroup adds a record (its id not in m.groups) and its index entries.
func (m *mirror) setGroup(e *groupEntry) {
	m.groups[e.id] = e
	m.indexGroup(e)
}

func (m *mirror) deleteGroup(id string) {
	old := m.groups[id]
	if old == nil {
		return
	}
	m.unindexGroup(old)
	delete(m.groups, id)
	for uid := range m.members[id] {
		delIdx(m.memberOf, uid, id)
	}
	delete(m.members, id)
}

func (m *mirror) addMember(gid, uid string) {
	if _, ok := m.members[gid][uid]; ok {
		return
	}
	m.seq++
	m.putMember(gid, uid, m.seq)
}

// putMember records a membership with the given order. The ids kept are
// the records' own strings (the callers' may be cut out of a request body).
func (m *mirror) putMember(gid, uid string, seq int64) {
	gid, uid = m.groupID(gid), m.userID(uid)
	ms := m.members[gid]
	if ms == nil {
		ms = map[string]int64{}
		m.members[gid] = ms
	}
	ms[uid] = seq
	addIdx(m.memberOf, uid, gid)
}

// userID and groupID return the record's own string for an id (a copy
// when there is no record, which the stores' rules never leave).
func (m *mirror) userID(id string) string {
	if e := m.users[id]; e != nil {
		return e.id
	}
	return strings.Clone(id)
}

func (m *mirror) groupID(id string) string {
	if e := m.groups[id]; e != nil {
		return e.id
	}
	return strings.Clone(id)
}

func (m *mirror) removeMember(gid, uid string) {
	delete(m.members[gid], uid)
	delIdx(m.memberOf, uid, gid)
}
