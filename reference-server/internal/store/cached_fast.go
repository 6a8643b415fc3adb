package store

import (
	"context"
	"fmt"
	"sync"
)

// Cached saves the durable server a SQLite read per lookup (BenchmarkPatchManager, BenchmarkHandlerFilterUserName).
//
// Cached is a Store that answers the per-resource reads (by id, by an
// indexed value, members, groups of a user) from an in-memory mirror of
// another Store, and everything else (pages, accounts, tokens, writes) from
// that Store. Measured on 2 cores, a SQLite lookup plus the database/sql
// round trip cost more CPU than the whole rest of a filter request, so the
// mirror is what lets the server reach its throughput target.
//
// The mirror is loaded at start and updated after each committed Update
// from the writes the transaction made, under the mirror's lock; since
// every write goes through this process (the database belongs to it),
// the mirror equals the committed state whenever Update has returned.
type Cached struct {
	base Store
	// wmu is held for a whole Update, mirror update included, so that a
	// transaction may read the mirror: it then holds every earlier commit.
	wmu  sync.Mutex
	mu   sync.RWMutex
	accs map[string]*mirror
}

var _ Store = (*Cached)(nil)

// OpenCached opens the SQLite store at path behind a Cached mirror: the
// server's default store.
func OpenCached(ctx context.Context, path string) (*Cached, error) {
	s, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	c, err := NewCached(ctx, s)
	if err != nil {
		s.Close()
		return nil, err
	}
	return c, nil
}

// NewCached loads every account's users, groups and memberships of base
// into memory.
func NewCached(ctx context.Context, base Store) (*Cached, error) {
	c := &Cached{base: base, accs: map[string]*mirror{}}
	accts, err := base.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("load mirror: %w", err)
	}
	for _, a := range accts {
		m := newMirror()
		c.accs[a.ID] = m
		if err := loadUsers(ctx, base, a.ID, m.putUser); err != nil {
			return nil, fmt.Errorf("load mirror of %s: %w", a.ID, err)
		}
		for _, derived := range []bool{false, true} {
			groups, _, err := base.Groups(ctx, a.ID, derived, Page{Limit: -1})
			if err != nil {
				return nil, fmt.Errorf("load mirror of %s: %w", a.ID, err)
			}
			for _, g := range groups {
				m.putGroup(g)
				ms, err := base.Members(ctx, a.ID, g.ID)
				if err != nil {
					return nil, fmt.Errorf("load mirror of %s: %w", a.ID, err)
				}
				for _, mem := range ms {
					m.addMember(g.ID, mem.UserID)
				}
			}
		}
	}
	return c, nil
}

// loadUsers calls fn for every user of account in creation order. From
// SQLite the rows are read one at a time: a list of 1M *User (2-3x the
// mirror's form) would be the server's peak heap at every restart.
func loadUsers(ctx context.Context, base Store, account string, fn func(*User)) error {
	if s, ok := base.(*SQLite); ok {
		return s.eachUser(ctx, account, fn)
	}
	users, _, err := base.Users(ctx, account, Page{Limit: -1})
	for _, u := range users {
		fn(u)
	}
	return err
}

// acct returns the mirror of an account (nil when it has no resources yet).
func (c *Cached) acct(account string) *mirror { return c.accs[account] }

// User implements Reader from the mirror.
func (c *Cached) User(_ context.Context, account, id string) (*User, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).user(id)
}

// UsersBy implements Reader from the mirror.
func (c *Cached) UsersBy(_ context.Context, account string, f UserField, v string) ([]*User, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).usersBy(f, v), nil
}

// Users implements Reader (pages come from the base store).
func (c *Cached) Users(ctx context.Context, account string, p Page) ([]*User, int, error) {
	return c.base.Users(ctx, account, p)
}

// Group implements Reader from the mirror.
func (c *Cached) Group(_ context.Context, account, id string, derived bool) (*Group, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).group(id, derived)
}

// GroupsBy implements Reader from the mirror.
func (c *Cached) GroupsBy(_ context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).groupsBy(derived, f, v), nil
}

// Groups implements Reader (pages come from the base store).
func (c *Cached) Groups(ctx context.Context, account string, derived bool, p Page) ([]*Group, int, error) {
	return c.base.Groups(ctx, account, derived, p)
}

// Members implements Reader from the mirror.
func (c *Cached) Members(_ context.Context, account, groupID string) ([]Member, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).memberList(groupID), nil
}

// GroupsOf implements Reader from the mirror, in membership order.
func (c *Cached) GroupsOf(_ context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct(account).groupsOf(userID, derived), nil
}

// Update runs fn on the base store and, once committed, applies its writes
// to the mirror. The transaction's reads come from the mirror and from the
// transaction's own writes where that is exact (see recTx), because a
// SQLite read costs more than the rest of a PATCH.
func (c *Cached) Update(ctx context.Context, fn func(tx Tx) error) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var rt *recTx
	err := c.base.Update(ctx, func(tx Tx) error {
		rt = &recTx{Tx: tx, c: c}
		return fn(rt)
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range rt.ops {
		m := c.accs[op.account]
		if m == nil {
			m = newMirror()
			c.accs[op.account] = m
		}
		op.apply(m)
	}
	return nil
}

type mirrorOp struct {
	account string
	apply   func(m *mirror)
}

// recTx records the writes of a transaction for the mirror.
//
// Reads by id (User, Group) come from the transaction's own writes, then
// the mirror: both are exact, since Update holds the write lock from
// before fn until the mirror holds the commit. The other reads come from
// the mirror until the transaction's first write, and from the base
// transaction after it (which sees the transaction's own writes).
type recTx struct {
	Tx
	c      *Cached
	ops    []mirrorOp
	wrote  bool
	users  map[resKey]*User  // written in this tx; nil: deleted
	groups map[resKey]*Group // written in this tx; nil: deleted
}

type resKey struct{ account, id string }

func (t *recTx) rec(account string, f func(m *mirror)) {
	t.ops = append(t.ops, mirrorOp{account: account, apply: f})
}

// User implements Reader: the transaction's write, else the mirror. Like
// the database, it returns a copy the caller may modify (writers do, e.g.
// the department teams), never the mirror's own record.
func (t *recTx) User(ctx context.Context, account, id string) (*User, error) {
	if u, ok := t.users[resKey{account, id}]; ok {
		if u == nil {
			return nil, fmt.Errorf("user %s: %w", id, ErrNotFound)
		}
		cp := *u
		return &cp, nil
	}
	return t.c.User(ctx, account, id) // a new User on every read
}

// Group implements Reader: the transaction's write, else the mirror; a
// copy, as User.
func (t *recTx) Group(ctx context.Context, account, id string, derived bool) (*Group, error) {
	if g, ok := t.groups[resKey{account, id}]; ok {
		if g == nil || g.Derived != derived {
			return nil, fmt.Errorf("group %s: %w", id, ErrNotFound)
		}
		cp := *g
		return &cp, nil
	}
	return t.c.Group(ctx, account, id, derived)
}

// UsersBy implements Reader (copies, as User).
func (t *recTx) UsersBy(ctx context.Context, account string, f UserField, v string) ([]*User, error) {
	if t.wrote {
		return t.Tx.UsersBy(ctx, account, f, v)
	}
	return t.c.UsersBy(ctx, account, f, v)
}

// GroupsBy implements Reader (copies, as User).
func (t *recTx) GroupsBy(ctx context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	if t.wrote {
		return t.Tx.GroupsBy(ctx, account, derived, f, v)
	}
	return t.c.GroupsBy(ctx, account, derived, f, v)
}

// Members implements Reader.
func (t *recTx) Members(ctx context.Context, account, groupID string) ([]Member, error) {
	if t.wrote {
		return t.Tx.Members(ctx, account, groupID)
	}
	return t.c.Members(ctx, account, groupID)
}

// GroupsOf implements Reader.
func (t *recTx) GroupsOf(ctx context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	if t.wrote {
		return t.Tx.GroupsOf(ctx, account, userID, derived)
	}
	return t.c.GroupsOf(ctx, account, userID, derived)
}

func (t *recTx) setUser(account, id string, u *User) {
	if t.users == nil {
		t.users = map[resKey]*User{}
	}
	t.users[resKey{account, id}] = u
}

func (t *recTx) setGroup(account, id string, g *Group) {
	if t.groups == nil {
		t.groups = map[resKey]*Group{}
	}
	t.groups[resKey{account, id}] = g
}

func (t *recTx) PutUser(ctx context.Context, account string, u *User) error {
	t.wrote = true
	done := false
	if st, isSQL := t.Tx.(*tx); isSQL {
		// The current row is known here (mirror or this transaction), so
		// an update can skip the indexes whose columns did not change.
		if old, err := t.User(ctx, account, u.ID); err == nil {
			var err error
			if done, err = st.updateUser(ctx, account, u, old); err != nil {
				return err
			}
		}
	}
	if !done {
		if err := t.Tx.PutUser(ctx, account, u); err != nil {
			return err
		}
	}
	cp := *u
	t.setUser(account, u.ID, &cp)
	t.rec(account, func(m *mirror) { m.putUser(&cp) })
	return nil
}

func (t *recTx) DeleteUser(ctx context.Context, account, id string) error {
	t.wrote = true
	if err := t.Tx.DeleteUser(ctx, account, id); err != nil {
		return err
	}
	t.setUser(account, id, nil)
	t.rec(account, func(m *mirror) { m.deleteUser(id) })
	return nil
}

func (t *recTx) PutGroup(ctx context.Context, account string, g *Group) error {
	t.wrote = true
	if err := t.Tx.PutGroup(ctx, account, g); err != nil {
		return err
	}
	cp := *g
	t.setGroup(account, g.ID, &cp)
	t.rec(account, func(m *mirror) { m.putGroup(&cp) })
	return nil
}

func (t *recTx) DeleteGroup(ctx context.Context, account, id string) error {
	t.wrote = true
	if err := t.Tx.DeleteGroup(ctx, account, id); err != nil {
		return err
	}
	t.setGroup(account, id, nil)
	t.rec(account, func(m *mirror) { m.deleteGroup(id) })
	return nil
}

func (t *recTx) AddMember(ctx context.Context, account, groupID, userID string) (bool, error) {
	t.wrote = true
	added, err := t.Tx.AddMember(ctx, account, groupID, userID)
	if err == nil && added {
		t.rec(account, func(m *mirror) { m.addMember(groupID, userID) })
	}
	return added, err
}

func (t *recTx) RemoveMember(ctx context.Context, account, groupID, userID string) (bool, error) {
	t.wrote = true
	removed, err := t.Tx.RemoveMember(ctx, account, groupID, userID)
	if err == nil && removed {
		t.rec(account, func(m *mirror) { m.removeMember(groupID, userID) })
	}
	return removed, err
}

// CreateAccount implements Store.
func (c *Cached) CreateAccount(ctx context.Context, id string) (Account, error) {
	return c.base.CreateAccount(ctx, id)
}

// Account implements Store.
func (c *Cached) Account(ctx context.Context, id string) (Account, error) {
	return c.base.Account(ctx, id)
}

// Accounts implements Store.
func (c *Cached) Accounts(ctx context.Context) ([]Account, error) { return c.base.Accounts(ctx) }

// PutSettings implements Store.
func (c *Cached) PutSettings(ctx context.Context, id string, s Settings) error {
	return c.base.PutSettings(ctx, id, s)
}

// CreateToken implements Store.
func (c *Cached) CreateToken(ctx context.Context, t Token) error { return c.base.CreateToken(ctx, t) }

// Tokens implements Store.
func (c *Cached) Tokens(ctx context.Context, account string) ([]Token, error) {
	return c.base.Tokens(ctx, account)
}

// RevokeToken implements Store.
func (c *Cached) RevokeToken(ctx context.Context, account, tokenID string) error {
	return c.base.RevokeToken(ctx, account, tokenID)
}

// Close closes the base store.
func (c *Cached) Close() error { return c.base.Close() }
