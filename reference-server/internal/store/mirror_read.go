package store

import (
	"cmp"
	"fmt"
	"slices"
)

// The reads of one account's mirror, shared by Cached (outside its
// transactions) and MemStore. Callers hold the lock that guards m; m may
// be nil (an account without resources). Each read builds new *User and
// *Group values the caller owns; their strings and documents are shared
// with the mirror and, like every stored document, never modified.

func (m *mirror) user(id string) (*User, error) {
	if m != nil {
		if e := m.users[id]; e != nil {
			return e.user(), nil
		}
	}
	return nil, fmt.Errorf("user %s: %w", id, ErrNotFound)
}

func (m *mirror) usersBy(f UserField, v string) []*User {
	if m == nil {
		return nil
	}
	if f == UserByID {
		if e := m.users[v]; e != nil {
			return e.userList()
		}
		return nil
	}
	ids := m.uidx[f][userKey(f, v)]
	switch {
	case ids.len() == 0:
		return nil
	case ids.many == nil:
		// One match, the usual answer (userName, externalId): no sorting.
		return m.users[ids.one].userList()
	}
	es := make([]*userEntry, 0, ids.len())
	ids.each(func(id string) { es = append(es, m.users[id]) })
	slices.SortFunc(es, func(a, b *userEntry) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]*User, len(es))
	for i, e := range es {
		out[i] = e.user()
	}
	return out
}

func (m *mirror) group(id string, derived bool) (*Group, error) {
	if m != nil {
		if e := m.groups[id]; e != nil && e.derived == derived {
			return e.group(), nil
		}
	}
	return nil, fmt.Errorf("group %s: %w", id, ErrNotFound)
}

func (m *mirror) groupsBy(derived bool, f GroupField, v string) []*Group {
	if m == nil {
		return nil
	}
	if f == GroupByID {
		if e := m.groups[v]; e != nil && e.derived == derived {
			return []*Group{e.group()}
		}
		return nil
	}
	ids := m.gidx[f][groupKey(f, derived, v)]
	es := make([]*groupEntry, 0, ids.len())
	ids.each(func(id string) { es = append(es, m.groups[id]) })
	slices.SortFunc(es, func(a, b *groupEntry) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]*Group, len(es))
	for i, e := range es {
		out[i] = e.group()
	}
	return out
}

func (m *mirror) memberList(groupID string) []Member {
	if m == nil {
		return nil
	}
	type ms struct {
		id  string
		seq int64
	}
	list := make([]ms, 0, len(m.members[groupID]))
	for uid, seq := range m.members[groupID] {
		list = append(list, ms{uid, seq})
	}
	slices.SortFunc(list, func(a, b ms) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Member, len(list))
	for i, e := range list {
		out[i].UserID = e.id
		if u := m.users[e.id]; u != nil {
			out[i].DisplayName = u.displayName()
		}
	}
	return out
}

func (m *mirror) groupsOf(userID string, derived bool) []GroupRef {
	if m == nil || m.memberOf[userID].len() == 0 {
		return nil
	}
	type ref struct {
		GroupRef
		seq int64
	}
	var list []ref
	m.memberOf[userID].each(func(gid string) {
		if e := m.groups[gid]; e != nil && e.derived == derived {
			list = append(list, ref{GroupRef{ID: gid, DisplayName: e.displayName()}, m.members[gid][userID]})
		}
	})
	slices.SortFunc(list, func(a, b ref) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]GroupRef, len(list))
	for i, r := range list {
		out[i] = r.GroupRef
	}
	return out
}

// pageOf cuts a page out of n items in creation order.
func pageOf(n int, p Page) (from, to int) {
	from = min(max(p.Offset, 0), n)
	to = n
	if p.Limit >= 0 {
		to = min(from+p.Limit, n)
	}
	return from, to
}

// usersPage returns copies of a page of users in creation order.
func (m *mirror) usersPage(p Page) ([]*User, int) {
	if m == nil {
		return nil, 0
	}
	total := len(m.users)
	if p.Limit == 0 {
		return nil, total
	}
	es := make([]*userEntry, 0, total)
	for _, e := range m.users {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *userEntry) int { return cmp.Compare(a.seq, b.seq) })
	from, to := pageOf(total, p)
	var out []*User
	for _, e := range es[from:to] {
		out = append(out, e.user())
	}
	return out, total
}

// groupsPage returns copies of a page of derived or SCIM groups in
// creation order.
func (m *mirror) groupsPage(derived bool, p Page) ([]*Group, int) {
	if m == nil {
		return nil, 0
	}
	var es []*groupEntry
	for _, e := range m.groups {
		if e.derived == derived {
			es = append(es, e)
		}
	}
	total := len(es)
	if p.Limit == 0 {
		return nil, total
	}
	slices.SortFunc(es, func(a, b *groupEntry) int { return cmp.Compare(a.seq, b.seq) })
	from, to := pageOf(total, p)
	var out []*Group
	for _, e := range es[from:to] {
		out = append(out, e.group())
	}
	return out, total
}
