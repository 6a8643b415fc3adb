package store

// The in-memory form of one account's resources, shared by Cached (a
// mirror of the database) and MemStore (the only copy).

type userEntry struct {
	u   *User
	seq int64
}

type groupEntry struct {
	g   *Group
	seq int64
}

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

// userKeys are u's index keys by field (UserByID unused).
func userKeys(u *User) [userFields]string {
	var k [userFields]string
	k[UserByUserName] = userKey(UserByUserName, u.UserName)
	k[UserByExternalID] = u.ExternalID
	k[UserByManager] = u.ManagerID
	k[UserByDepartment] = u.Department
	k[UserByWorkEmail] = userKey(UserByWorkEmail, u.WorkEmail)
	return k
}

// groupKeys are g's index keys by field (GroupByID unused).
func groupKeys(g *Group) [groupFields]string {
	var k [groupFields]string
	k[GroupByDisplayName] = groupKey(GroupByDisplayName, g.Derived, g.DisplayName)
	k[GroupByExternalID] = groupKey(GroupByExternalID, g.Derived, g.ExternalID)
	k[GroupByDepartment] = groupKey(GroupByDepartment, g.Derived, g.Department)
	return k
}

func (m *mirror) indexUser(u *User, old *User) {
	nk := userKeys(u)
	var ok [userFields]string
	if old != nil {
		ok = userKeys(old)
	}
	for f := 1; f < userFields; f++ {
		if old != nil {
			if ok[f] == nk[f] {
				continue // most updates change one indexed value or none
			}
			delIdx(m.uidx[f], ok[f], u.ID)
		}
		addIdx(m.uidx[f], nk[f], u.ID)
	}
}

func (m *mirror) unindexUser(u *User) {
	k := userKeys(u)
	for f := 1; f < userFields; f++ {
		delIdx(m.uidx[f], k[f], u.ID)
	}
}

func (m *mirror) indexGroup(g *Group, old *Group) {
	nk := groupKeys(g)
	var ok [groupFields]string
	if old != nil {
		ok = groupKeys(old)
	}
	for f := 1; f < groupFields; f++ {
		if old != nil {
			if ok[f] == nk[f] {
				continue
			}
			delIdx(m.gidx[f], ok[f], g.ID)
		}
		addIdx(m.gidx[f], nk[f], g.ID)
	}
}

func (m *mirror) unindexGroup(g *Group) {
	k := groupKeys(g)
	for f := 1; f < groupFields; f++ {
		delIdx(m.gidx[f], k[f], g.ID)
	}
}

// putUser stores a copy of u, keeping its creation order on update.
func (m *mirror) putUser(u *User) {
	cp := *u
	e := &userEntry{u: &cp, seq: m.seq + 1}
	var oldU *User
	if old := m.users[u.ID]; old != nil {
		e.seq, oldU = old.seq, old.u
	} else {
		m.seq++
	}
	m.users[u.ID] = e
	m.indexUser(&cp, oldU)
}

func (m *mirror) deleteUser(id string) {
	old := m.users[id]
	if old == nil {
		return
	}
	m.unindexUser(old.u)
	delete(m.users, id)
	m.memberOf[id].each(func(gid string) { delete(m.members[gid], id) })
	delete(m.memberOf, id)
}

func (m *mirror) putGroup(g *Group) {
	cp := *g
	e := &groupEntry{g: &cp, seq: m.seq + 1}
	var oldG *Group
	if old := m.groups[g.ID]; old != nil {
		e.seq, oldG = old.seq, old.g
	} else {
		m.seq++
	}
	m.groups[g.ID] = e
	m.indexGroup(&cp, oldG)
}

func (m *mirror) deleteGroup(id string) {
	old := m.groups[id]
	if old == nil {
		return
	}
	m.unindexGroup(old.g)
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

// putMember records a membership with the given order.
func (m *mirror) putMember(gid, uid string, seq int64) {
	ms := m.members[gid]
	if ms == nil {
		ms = map[string]int64{}
		m.members[gid] = ms
	}
	ms[uid] = seq
	addIdx(m.memberOf, uid, gid)
}

func (m *mirror) removeMember(gid, uid string) {
	delete(m.members[gid], uid)
	delIdx(m.memberOf, uid, gid)
}
