package store

// Inverse writes on a mirror, for MemStore's undo log: they put back a
// record exactly as it was, creation order included (putMember puts back
// a membership).

// placeUser puts back e (a record replaced or deleted), reindexing it.
func (m *mirror) placeUser(e *userEntry) {
	m.dropUser(e.id)
	m.setUser(e)
}

// dropUser removes a user record and its index entries, leaving its
// memberships to their own undo entries.
func (m *mirror) dropUser(id string) {
	if old := m.users[id]; old != nil {
		m.unindexUser(old)
		delete(m.users, id)
	}
}

// placeGroup puts back e, reindexing it.
func (m *mirror) placeGroup(e *groupEntry) {
	m.dropGroup(e.id)
	m.setGroup(e)
}

// dropGroup removes a group record and its index entries.
func (m *mirror) dropGroup(id string) {
	if old := m.groups[id]; old != nil {
		m.unindexGroup(old)
		delete(m.groups, id)
	}
}
