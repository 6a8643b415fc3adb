package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// reader runs the read statements, inside a transaction when tx is set.
type reader struct {
	st *statements
	tx *sql.Tx
}

func (r reader) stmt(ctx context.Context, s *sql.Stmt) *sql.Stmt {
	if r.tx != nil {
		return r.tx.StmtContext(ctx, s)
	}
	return s
}

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var doc string
	var active int
	var created, modified int64
	if err := row.Scan(&u.ID, &u.UserName, &u.ExternalID, &u.ManagerID, &u.Department, &u.DisplayName,
		&u.WorkEmail, &active, &doc, &u.Version, &created, &modified); err != nil {
		return nil, err
	}
	u.Active = active != 0
	u.Doc = json.RawMessage(doc)
	u.Created, u.LastModified = time.Unix(0, created).UTC(), time.Unix(0, modified).UTC()
	return &u, nil
}

func scanGroup(row interface{ Scan(...any) error }) (*Group, error) {
	var g Group
	var doc string
	var derived int
	var created, modified int64
	if err := row.Scan(&g.ID, &g.DisplayName, &g.ExternalID, &derived, &g.Department, &doc,
		&g.Version, &created, &modified); err != nil {
		return nil, err
	}
	g.Derived = derived != 0
	g.Doc = json.RawMessage(doc)
	g.Created, g.LastModified = time.Unix(0, created).UTC(), time.Unix(0, modified).UTC()
	return &g, nil
}

func collect[T any](rows *sql.Rows, err error, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r reader) User(ctx context.Context, account, id string) (*User, error) {
	u, err := scanUser(r.stmt(ctx, r.st.userByID).QueryRowContext(ctx, account, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", id, err)
	}
	return u, nil
}

func (r reader) UsersBy(ctx context.Context, account string, f UserField, v string) ([]*User, error) {
	var st *sql.Stmt
	switch f {
	case UserByID:
		u, err := r.User(ctx, account, v)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []*User{u}, nil
	case UserByUserName:
		st, v = r.st.usersByName, key(v)
	case UserByExternalID:
		st = r.st.usersByExternal
	case UserByManager:
		st = r.st.usersByManager
	case UserByDepartment:
		st = r.st.usersByDepartment
	case UserByWorkEmail:
		st, v = r.st.usersByWorkEmail, key(v)
	default:
		return nil, fmt.Errorf("users by field %d: not indexed", f)
	}
	rows, err := r.stmt(ctx, st).QueryContext(ctx, account, v)
	us, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, fmt.Errorf("query users: %w", err)
	}
	return us, nil
}

func limit(p Page) int {
	if p.Limit < 0 {
		return -1
	}
	return p.Limit
}

func (r reader) Users(ctx context.Context, account string, p Page) ([]*User, int, error) {
	var total int
	if err := r.stmt(ctx, r.st.usersCount).QueryRowContext(ctx, account).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	if p.Limit == 0 {
		return nil, total, nil
	}
	rows, err := r.stmt(ctx, r.st.usersPage).QueryContext(ctx, account, limit(p), max(p.Offset, 0))
	us, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return us, total, nil
}

// eachUser calls fn for every user of account in creation order, one row
// at a time.
func (s *SQLite) eachUser(ctx context.Context, account string, fn func(*User)) error {
	rows, err := s.st.usersPage.QueryContext(ctx, account, -1, 0)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		fn(u)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	return nil
}

func (r reader) Group(ctx context.Context, account, id string, derived bool) (*Group, error) {
	g, err := scanGroup(r.stmt(ctx, r.st.groupByID).QueryRowContext(ctx, account, id, b2i(derived)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("group %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read group %s: %w", id, err)
	}
	return g, nil
}

func (r reader) GroupsBy(ctx context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	var st *sql.Stmt
	switch f {
	case GroupByID:
		g, err := r.Group(ctx, account, v, derived)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []*Group{g}, nil
	case GroupByDisplayName:
		st, v = r.st.groupsByName, key(v)
	case GroupByExternalID:
		st = r.st.groupsByExternal
	case GroupByDepartment:
		st = r.st.groupsByDepartment
	default:
		return nil, fmt.Errorf("groups by field %d: not indexed", f)
	}
	rows, err := r.stmt(ctx, st).QueryContext(ctx, account, b2i(derived), v)
	gs, err := collect(rows, err, scanGroup)
	if err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	return gs, nil
}

func (r reader) Groups(ctx context.Context, account string, derived bool, p Page) ([]*Group, int, error) {
	var total int
	if err := r.stmt(ctx, r.st.groupsCount).QueryRowContext(ctx, account, b2i(derived)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count groups: %w", err)
	}
	if p.Limit == 0 {
		return nil, total, nil
	}
	rows, err := r.stmt(ctx, r.st.groupsPage).QueryContext(ctx, account, b2i(derived), limit(p), max(p.Offset, 0))
	gs, err := collect(rows, err, scanGroup)
	if err != nil {
		return nil, 0, fmt.Errorf("list groups: %w", err)
	}
	return gs, total, nil
}

func (r reader) Members(ctx context.Context, account, groupID string) ([]Member, error) {
	rows, err := r.stmt(ctx, r.st.members).QueryContext(ctx, account, groupID)
	ms, err := collect(rows, err, func(row interface{ Scan(...any) error }) (Member, error) {
		var m Member
		return m, row.Scan(&m.UserID, &m.DisplayName)
	})
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", groupID, err)
	}
	return ms, nil
}

func (r reader) GroupsOf(ctx context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	rows, err := r.stmt(ctx, r.st.groupsOf).QueryContext(ctx, account, userID, b2i(derived))
	gs, err := collect(rows, err, func(row interface{ Scan(...any) error }) (GroupRef, error) {
		var g GroupRef
		return g, row.Scan(&g.ID, &g.DisplayName)
	})
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", userID, err)
	}
	return gs, nil
}

// tx adds the writes to a reader bound to a transaction.
type tx struct{ reader }

func (t *tx) exec(ctx context.Context, st *sql.Stmt, args ...any) (int64, error) {
	res, err := t.stmt(ctx, st).ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *tx) PutUser(ctx context.Context, account string, u *User) error {
	if u.ID == "" || u.UserName == "" {
		return fmt.Errorf("put user: id and userName are required")
	}
	u.WorkEmail = key(u.WorkEmail)
	now := time.Now().UTC()
	var created int64
	err := t.stmt(ctx, t.st.userUpsert).QueryRowContext(ctx, account, u.ID, u.UserName, key(u.UserName), u.ExternalID,
		u.ManagerID, u.Department, u.DisplayName, key(u.WorkEmail), b2i(u.Active), string(u.Doc),
		now.UnixNano(), now.UnixNano()).Scan(&u.Version, &created)
	if isUnique(err) {
		return fmt.Errorf("userName %q is already taken: %w", u.UserName, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("write user %s: %w", u.ID, err)
	}
	u.Created, u.LastModified = time.Unix(0, created).UTC(), now
	return nil
}

// updateUser writes u over old, the user's current row (read by the
// caller from the committed state or this transaction's writes), with
// the statement that touches the fewest indexes. ok is false when an
// indexed unique or lookup column changed: the caller then uses PutUser.
func (t *tx) updateUser(ctx context.Context, account string, u, old *User) (ok bool, err error) {
	if u.ID == "" || u.UserName == "" {
		return false, nil
	}
	if u.UserName != old.UserName || u.ExternalID != old.ExternalID || u.Department != old.Department ||
		key(u.WorkEmail) != old.WorkEmail {
		return false, nil
	}
	u.WorkEmail = key(u.WorkEmail)
	now := time.Now().UTC()
	var created int64
	var row *sql.Row
	if u.ManagerID == old.ManagerID {
		row = t.stmt(ctx, t.st.userUpdateDoc).QueryRowContext(ctx, u.DisplayName, b2i(u.Active), string(u.Doc),
			now.UnixNano(), account, u.ID)
	} else {
		row = t.stmt(ctx, t.st.userUpdateDocManager).QueryRowContext(ctx, u.ManagerID, u.DisplayName, b2i(u.Active),
			string(u.Doc), now.UnixNano(), account, u.ID)
	}
	if err := row.Scan(&u.Version, &created); err != nil {
		return false, fmt.Errorf("write user %s: %w", u.ID, err)
	}
	u.Created, u.LastModified = time.Unix(0, created).UTC(), now
	return true, nil
}

func (t *tx) DeleteUser(ctx context.Context, account, id string) error {
	n, err := t.exec(ctx, t.st.userDelete, account, id)
	if err != nil {
		return fmt.Errorf("delete user %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	if _, err := t.exec(ctx, t.st.membersDropUser, account, id); err != nil {
		return fmt.Errorf("delete memberships of user %s: %w", id, err)
	}
	return nil
}

func (t *tx) PutGroup(ctx context.Context, account string, g *Group) error {
	if g.ID == "" || g.DisplayName == "" {
		return fmt.Errorf("put group: id and displayName are required")
	}
	now := time.Now().UTC()
	var created int64
	err := t.stmt(ctx, t.st.groupUpsert).QueryRowContext(ctx, account, g.ID, b2i(g.Derived), g.DisplayName, key(g.DisplayName),
		g.ExternalID, g.Department, string(g.Doc), now.UnixNano(), now.UnixNano()).Scan(&g.Version, &created)
	if isUnique(err) || errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("displayName %q is already taken: %w", g.DisplayName, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("write group %s: %w", g.ID, err)
	}
	g.Created, g.LastModified = time.Unix(0, created).UTC(), now
	return nil
}

func (t *tx) DeleteGroup(ctx context.Context, account, id string) error {
	n, err := t.exec(ctx, t.st.groupDelete, account, id)
	if err != nil {
		return fmt.Errorf("delete group %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("group %s: %w", id, ErrNotFound)
	}
	if _, err := t.exec(ctx, t.st.membersDropGroup, account, id); err != nil {
		return fmt.Errorf("delete memberships of group %s: %w", id, err)
	}
	return nil
}

func (t *tx) AddMember(ctx context.Context, account, groupID, userID string) (bool, error) {
	n, err := t.exec(ctx, t.st.memberAddChecked, account, groupID, userID)
	if err != nil {
		return false, fmt.Errorf("add member %s to %s: %w", userID, groupID, err)
	}
	if n > 0 {
		return true, nil
	}
	// Nothing added: a missing end (no membership may outlive its group or
	// user) or already a member; the checks below tell which.
	var one int
	if err := t.stmt(ctx, t.st.groupExists).QueryRowContext(ctx, account, groupID).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("group %s: %w", groupID, ErrNotFound)
		}
		return false, fmt.Errorf("add member to %s: %w", groupID, err)
	}
	if err := t.stmt(ctx, t.st.userExists).QueryRowContext(ctx, account, userID).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("user %s: %w", userID, ErrNotFound)
		}
		return false, fmt.Errorf("add member %s: %w", userID, err)
	}
	n, err = t.exec(ctx, t.st.memberAdd, account, groupID, userID)
	if err != nil {
		return false, fmt.Errorf("add member %s to %s: %w", userID, groupID, err)
	}
	return n > 0, nil
}

func (t *tx) RemoveMember(ctx context.Context, account, groupID, userID string) (bool, error) {
	n, err := t.exec(ctx, t.st.memberRemove, account, groupID, userID)
	if err != nil {
		return false, fmt.Errorf("remove member %s from %s: %w", userID, groupID, err)
	}
	return n > 0, nil
}
