package store

// Inverse writes on a mirror, for MemStore's undo log: they put back a
// record or membership exactly as it was, creation order included.

// placeUser puts back e (a record replaced or deleted), reindexing it.
func (m *mirror) placeUser(e *userEntry) {
	m.dropUser(e.u.ID)
	m.users[e.u.ID] = e
	for f, k := range userKeys(e.u) {
		addIdx(m.uidx, f, k, e.u.ID)
	}
}

// dropUser removes a user record and its index entries, leaving its
// memberships to their own undo entries.
func (m *mirror) dropUser(id string) {
	if old := m.users[id]; old != nil {
		for f, k := range userKeys(old.u) {
			delIdx(m.uidx, f, k, id)
		}
		delete(m.users, id)
	}
}

// placeGroup puts back e, reindexing it.
func (m *mirror) placeGroup(e *groupEntry) {
	m.dropGroup(e.g.ID)
	m.groups[e.g.ID] = e
	for f, k := range groupKeys(e.g) {
		addIdx(m.gidx, f, k, e.g.ID)
	}
}

// dropGroup removes a group record and its index entries.
func (m *mirror) dropGroup(id string) {
	if old := m.groups[id]; old != nil {
		for f, k := range groupKeys(old.g) {
			delIdx(m.gidx, f, k, id)
		}
		delete(m.groups, id)
	}
}

// putMember puts back a membership with its original order.
func (m *mirror) putMember(gid, uid string, seq int64) {
	ms := m.members[gid]
	if ms == nil {
		ms = map[string]int64{}
		m.members[gid] = ms
	}
	ms[uid] = seq
	of := m.memberOf[uid]
	if of == nil {
		of = map[string]struct{}{}
		m.memberOf[uid] = of
	}
	of[gid] = struct{}{}
}
