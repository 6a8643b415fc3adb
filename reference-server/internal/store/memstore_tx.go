package store

import (
	"context"
	"fmt"
)

// memTx is a MemStore transaction: writes go straight to the mirrors
// (the store's write lock is held), each with its inverse in undo.
type memTx struct {
	s    *MemStore
	undo []undoEntry
	// buf holds the first undo entries, so that a transaction of a few
	// writes (a create, a PATCH) allocates nothing for its undo log.
	buf [2]undoEntry
	// seqLogged lists the mirrors whose sequence counter undo restores
	// already: the oldest value is the one to put back.
	seqLogged [2]*mirror
}

var _ Tx = (*memTx)(nil)

// undoKind names the inverse write of an undo entry.
type undoKind uint8

const (
	undoSeq          undoKind = iota // m.seq = seq
	undoPlaceUser                    // m.placeUser(user)
	undoDropUser                     // m.dropUser(id)
	undoPlaceGroup                   // m.placeGroup(group)
	undoDropGroup                    // m.dropGroup(id)
	undoRemoveMember                 // m.removeMember(id, member)
	undoPutMember                    // m.putMember(id, member, seq)
	undoFunc                         // fn(): the rare multi-record inverses
)

// undoEntry is one inverse write: a plain record instead of a closure, so
// that logging it does not allocate.
type undoEntry struct {
	kind       undoKind
	m          *mirror
	seq        int64
	id, member string
	rec        any // *userEntry, *groupEntry or func() (pointer-shaped: no boxing)
}

func (e *undoEntry) run() {
	switch e.kind {
	case undoSeq:
		e.m.seq = e.seq
	case undoPlaceUser:
		e.m.placeUser(e.rec.(*userEntry))
	case undoDropUser:
		e.m.dropUser(e.id)
	case undoPlaceGroup:
		e.m.placeGroup(e.rec.(*groupEntry))
	case undoDropGroup:
		e.m.dropGroup(e.id)
	case undoRemoveMember:
		e.m.removeMember(e.id, e.member)
	case undoPutMember:
		e.m.putMember(e.id, e.member, e.seq)
	case undoFunc:
		e.rec.(func())()
	}
}

func (t *memTx) log(e undoEntry) {
	if t.undo == nil {
		t.undo = t.buf[:0]
	}
	t.undo = append(t.undo, e)
}

// rollback undoes every write, newest first.
func (t *memTx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i].run()
	}
	t.undo = nil
}

// write returns the mirror of account for a write, creating it, and logs
// the restore of its sequence counter (membership and creation order)
// the first time the transaction writes to it.
func (t *memTx) write(account string) *mirror {
	m := t.s.accs[account]
	if m == nil {
		m = newMirror()
		t.s.accs[account] = m
	}
	for i, l := range t.seqLogged {
		if l == m {
			return m
		}
		if l == nil {
			t.seqLogged[i] = m
			break
		}
	}
	t.log(undoEntry{kind: undoSeq, m: m, seq: m.seq})
	return m
}

// User implements Reader; a User the caller may modify (the mirror builds
// a new one on every read).
func (t *memTx) User(_ context.Context, account, id string) (*User, error) {
	return t.s.accs[account].user(id)
}

// UsersBy implements Reader (new Users, as User).
func (t *memTx) UsersBy(_ context.Context, account string, f UserField, v string) ([]*User, error) {
	if err := checkUserField(f); err != nil {
		return nil, err
	}
	return t.s.accs[account].usersBy(f, v), nil
}

// Users implements Reader.
func (t *memTx) Users(_ context.Context, account string, p Page) ([]*User, int, error) {
	us, total := t.s.accs[account].usersPage(p)
	return us, total, nil
}

// Group implements Reader (a new Group, as User).
func (t *memTx) Group(_ context.Context, account, id string, derived bool) (*Group, error) {
	return t.s.accs[account].group(id, derived)
}

// GroupsBy implements Reader (new Groups, as User).
func (t *memTx) GroupsBy(_ context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	if err := checkGroupField(f); err != nil {
		return nil, err
	}
	return t.s.accs[account].groupsBy(derived, f, v), nil
}

// Groups implements Reader.
func (t *memTx) Groups(_ context.Context, account string, derived bool, p Page) ([]*Group, int, error) {
	gs, total := t.s.accs[account].groupsPage(derived, p)
	return gs, total, nil
}

// Members implements Reader.
func (t *memTx) Members(_ context.Context, account, groupID string) ([]Member, error) {
	return t.s.accs[account].memberList(groupID), nil
}

// GroupsOf implements Reader.
func (t *memTx) GroupsOf(_ context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	return t.s.accs[account].groupsOf(userID, derived), nil
}

// PutUser implements Tx with the SQLite store's rules: userName unique per
// account case-insensitively, work email kept lower-cased, version +1 and
// creation time kept on update.
func (t *memTx) PutUser(_ context.Context, account string, u *User) error {
	if u.ID == "" || u.UserName == "" {
		return fmt.Errorf("put user: id and userName are required")
	}
	m := t.s.accs[account]
	if m != nil {
		if ids := m.uidx[UserByUserName][key(u.UserName)]; ids.len() > 1 || ids.len() == 1 && !ids.has(u.ID) {
			return fmt.Errorf("userName %q is already taken: %w", u.UserName, ErrConflict)
		}
	}
	m = t.write(account)
	u.WorkEmail = key(u.WorkEmail)
	ts := now()
	u.Version, u.Created, u.LastModified = 1, ts, ts
	old := m.users[u.ID]
	if old != nil {
		u.Version, u.Created = old.version+1, fromUnixNano(old.created)
		t.log(undoEntry{kind: undoPlaceUser, m: m, rec: old})
	} else {
		t.log(undoEntry{kind: undoDropUser, m: m, id: u.ID})
	}
	m.putUser(u)
	return nil
}

// DeleteUser implements Tx.
func (t *memTx) DeleteUser(_ context.Context, account, id string) error {
	m := t.s.accs[account]
	if m == nil || m.users[id] == nil {
		return fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	m = t.write(account)
	old := m.users[id]
	ms := map[string]int64{}
	m.memberOf[id].each(func(gid string) { ms[gid] = m.members[gid][id] })
	t.log(undoEntry{kind: undoFunc, rec: func() {
		m.placeUser(old)
		for gid, seq := range ms {
			m.putMember(gid, id, seq)
		}
	}})
	m.deleteUser(id)
	return nil
}

// PutGroup implements Tx: displayName unique per account and kind
// (derived or SCIM), case-insensitively; an id held by a group of the
// other kind is a conflict too, as in the SQLite store.
func (t *memTx) PutGroup(_ context.Context, account string, g *Group) error {
	if g.ID == "" || g.DisplayName == "" {
		return fmt.Errorf("put group: id and displayName are required")
	}
	m := t.s.accs[account]
	if m != nil {
		old := m.groups[g.ID]
		ids := m.gidx[GroupByDisplayName][groupKey(GroupByDisplayName, g.Derived, g.DisplayName)]
		if old != nil && old.derived != g.Derived || ids.len() > 1 || ids.len() == 1 && !ids.has(g.ID) {
			return fmt.Errorf("displayName %q is already taken: %w", g.DisplayName, ErrConflict)
		}
	}
	m = t.write(account)
	ts := now()
	g.Version, g.Created, g.LastModified = 1, ts, ts
	old := m.groups[g.ID]
	if old != nil {
		g.Version, g.Created = old.version+1, fromUnixNano(old.created)
		t.log(undoEntry{kind: undoPlaceGroup, m: m, rec: old})
	} else {
		t.log(undoEntry{kind: undoDropGroup, m: m, id: g.ID})
	}
	m.putGroup(g)
	return nil
}

// DeleteGroup implements Tx.
func (t *memTx) DeleteGroup(_ context.Context, account, id string) error {
	m := t.s.accs[account]
	if m == nil || m.groups[id] == nil {
		return fmt.Errorf("group %s: %w", id, ErrNotFound)
	}
	m = t.write(account)
	old := m.groups[id]
	ms := make(map[string]int64, len(m.members[id]))
	for uid, seq := range m.members[id] {
		ms[uid] = seq
	}
	t.log(undoEntry{kind: undoFunc, rec: func() {
		m.placeGroup(old)
		for uid, seq := range ms {
			m.putMember(id, uid, seq)
		}
	}})
	m.deleteGroup(id)
	return nil
}

// AddMember implements Tx; the group may be derived or not, as in SQLite.
func (t *memTx) AddMember(_ context.Context, account, groupID, userID string) (bool, error) {
	m := t.s.accs[account]
	if m == nil || m.groups[groupID] == nil {
		return false, fmt.Errorf("group %s: %w", groupID, ErrNotFound)
	}
	if m.users[userID] == nil {
		return false, fmt.Errorf("user %s: %w", userID, ErrNotFound)
	}
	if _, ok := m.members[groupID][userID]; ok {
		return false, nil
	}
	m = t.write(account)
	t.log(undoEntry{kind: undoRemoveMember, m: m, id: groupID, member: userID})
	m.addMember(groupID, userID)
	return true, nil
}

// RemoveMember implements Tx.
func (t *memTx) RemoveMember(_ context.Context, account, groupID, userID string) (bool, error) {
	m := t.s.accs[account]
	if m == nil {
		return false, nil
	}
	seq, ok := m.members[groupID][userID]
	if !ok {
		return false, nil
	}
	t.log(undoEntry{kind: undoPutMember, m: m, id: groupID, member: userID, seq: seq})
	m.removeMember(groupID, userID)
	return true, nil
}
