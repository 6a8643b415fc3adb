package store

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are prepared once per store: parsing SQL on every request
// would cost more than running it.
type statements struct {
	all []*sql.Stmt

	userByID, usersByName, usersByExternal, usersByManager, usersByDepartment *sql.Stmt
	usersByWorkEmail                                                          *sql.Stmt
	usersPage, usersCount, userUpsert, userDelete                             *sql.Stmt
	userUpdateDoc, userUpdateDocManager                                       *sql.Stmt
	groupByID, groupsByName, groupsByExternal, groupsByDepartment             *sql.Stmt
	groupsPage, groupsCount, groupUpsert, groupDelete                         *sql.Stmt
	members, groupsOf, memberAdd, memberAddChecked, memberRemove              *sql.Stmt
	membersDropUser, membersDropGroup, groupExists, userExists                *sql.Stmt
}

const userCols = `id, user_name, external_id, manager_id, department, display_name, work_email_key, active, doc, version, created, modified`
const groupCols = `id, display_name, external_id, derived, department, doc, version, created, modified`

func (s *statements) prepare(ctx context.Context, db *sql.DB) error {
	defs := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.userByID, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND id=?`},
		{&s.usersByName, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND user_name_key=?`},
		{&s.usersByExternal, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND external_id=? ORDER BY seq`},
		{&s.usersByManager, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND manager_id=? ORDER BY seq`},
		{&s.usersByDepartment, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND department=? ORDER BY seq`},
		{&s.usersByWorkEmail, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? AND work_email_key=? ORDER BY seq`},
		{&s.usersPage, `SELECT ` + userCols + ` FROM scim_users WHERE account_id=? ORDER BY seq LIMIT ? OFFSET ?`},
		{&s.usersCount, `SELECT COUNT(*) FROM scim_users WHERE account_id=?`},
		// One statement per write: insert, or update keeping created and
		// bumping version; RETURNING gives both without a prior SELECT.
		{&s.userUpsert, `INSERT INTO scim_users(account_id, id, user_name, user_name_key, external_id, manager_id,
			department, display_name, work_email_key, active, doc, version, created, modified) VALUES(?,?,?,?,?,?,?,?,?,?,?,1,?,?)
			ON CONFLICT(account_id, id) DO UPDATE SET user_name=excluded.user_name, user_name_key=excluded.user_name_key,
			external_id=excluded.external_id, manager_id=excluded.manager_id, department=excluded.department,
			display_name=excluded.display_name, work_email_key=excluded.work_email_key, active=excluded.active,
			doc=excluded.doc, version=scim_users.version+1, modified=excluded.modified
			RETURNING version, created`},
		// Updates that leave userName, externalId, department and work email
		// as they were (Entra's PATCHes of manager, title, active…) set only
		// unindexed columns, plus manager_id when it changed: SQLite then
		// rewrites one index or none instead of all six.
		{&s.userUpdateDoc, `UPDATE scim_users SET display_name=?, active=?, doc=?, version=version+1, modified=?
			WHERE account_id=? AND id=? RETURNING version, created`},
		{&s.userUpdateDocManager, `UPDATE scim_users SET manager_id=?, display_name=?, active=?, doc=?, version=version+1, modified=?
			WHERE account_id=? AND id=? RETURNING version, created`},
		{&s.userDelete, `DELETE FROM scim_users WHERE account_id=? AND id=?`},

		{&s.groupByID, `SELECT ` + groupCols + ` FROM scim_groups WHERE account_id=? AND id=? AND derived=?`},
		{&s.groupsByName, `SELECT ` + groupCols + ` FROM scim_groups WHERE account_id=? AND derived=? AND display_name_key=?`},
		{&s.groupsByExternal, `SELECT ` + groupCols + ` FROM scim_groups WHERE account_id=? AND derived=? AND external_id=? ORDER BY seq`},
		{&s.groupsByDepartment, `SELECT ` + groupCols + ` FROM scim_groups WHERE account_id=? AND derived=? AND department=? ORDER BY seq`},
		{&s.groupsPage, `SELECT ` + groupCols + ` FROM scim_groups WHERE account_id=? AND derived=? ORDER BY seq LIMIT ? OFFSET ?`},
		{&s.groupsCount, `SELECT COUNT(*) FROM scim_groups WHERE account_id=? AND derived=?`},
		// As userUpsert; an id held by a group of the other kind (derived or
		// not) returns no row, which PutGroup reports as a conflict.
		{&s.groupUpsert, `INSERT INTO scim_groups(account_id, id, derived, display_name, display_name_key, external_id,
			department, doc, version, created, modified) VALUES(?,?,?,?,?,?,?,?,1,?,?)
			ON CONFLICT(account_id, id) DO UPDATE SET display_name=excluded.display_name,
			display_name_key=excluded.display_name_key, external_id=excluded.external_id, department=excluded.department,
			doc=excluded.doc, version=scim_groups.version+1, modified=excluded.modified
			WHERE scim_groups.derived=excluded.derived
			RETURNING version, created`},
		{&s.groupDelete, `DELETE FROM scim_groups WHERE account_id=? AND id=?`},

		{&s.members, `SELECT m.user_id, COALESCE(u.display_name, '') FROM scim_members m
			LEFT JOIN scim_users u ON u.account_id=m.account_id AND u.id=m.user_id
			WHERE m.account_id=? AND m.group_id=? ORDER BY m.seq`},
		{&s.groupsOf, `SELECT g.id, g.display_name FROM scim_members m
			JOIN scim_groups g ON g.account_id=m.account_id AND g.id=m.group_id
			WHERE m.account_id=? AND m.user_id=? AND g.derived=? ORDER BY m.seq`},
		{&s.memberAdd, `INSERT OR IGNORE INTO scim_members(account_id, group_id, user_id) VALUES(?,?,?)`},
		// The common add (both ends exist, not yet a member) in one statement;
		// 0 rows sends AddMember to the checks that say why.
		{&s.memberAddChecked, `INSERT OR IGNORE INTO scim_members(account_id, group_id, user_id) SELECT ?1, ?2, ?3
			WHERE EXISTS(SELECT 1 FROM scim_groups WHERE account_id=?1 AND id=?2)
			AND EXISTS(SELECT 1 FROM scim_users WHERE account_id=?1 AND id=?3)`},
		{&s.memberRemove, `DELETE FROM scim_members WHERE account_id=? AND group_id=? AND user_id=?`},
		{&s.membersDropUser, `DELETE FROM scim_members WHERE account_id=? AND user_id=?`},
		{&s.groupExists, `SELECT 1 FROM scim_groups WHERE account_id=? AND id=?`},
		{&s.userExists, `SELECT 1 FROM scim_users WHERE account_id=? AND id=?`},
		{&s.membersDropGroup, `DELETE FROM scim_members WHERE account_id=? AND group_id=?`},
	}
	for _, d := range defs {
		st, err := db.PrepareContext(ctx, d.sql)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", d.sql, err)
		}
		*d.dst = st
		s.all = append(s.all, st)
	}
	return nil
}

func (s *statements) close() {
	for _, st := range s.all {
		_ = st.Close()
	}
}
