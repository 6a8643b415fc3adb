package store

import (
	"context"
	"fmt"
)

// DeleteAccount implements Store: in one SQLite transaction the account's
// memberships, users, groups (SCIM and derived), tokens and the account
// row go; then the in-memory account table forgets it.
func (s *SQLite) DeleteAccount(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.Account(ctx, id); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete account %s: begin: %w", id, err)
	}
	for _, q := range []string{
		`DELETE FROM scim_members WHERE account_id=?`,
		`DELETE FROM scim_users WHERE account_id=?`,
		`DELETE FROM scim_groups WHERE account_id=?`,
		`DELETE FROM tokens WHERE account_id=?`,
		`DELETE FROM accounts WHERE id=?`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("delete account %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete account %s: commit: %w", id, err)
	}
	s.forgetAccount(id)
	return nil
}

// forgetAccount drops an account and its tokens from the account table.
func (t *accountTable) forgetAccount(id string) {
	t.amu.Lock()
	defer t.amu.Unlock()
	delete(t.accts, id)
	delete(t.toks, id)
}

// DeleteAccount implements Store: the base store deletes, then the
// mirror forgets the account's resources. The write lock is held
// throughout, as in Update.
func (c *Cached) DeleteAccount(ctx context.Context, id string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.base.DeleteAccount(ctx, id); err != nil {
		return err
	}
	c.mu.Lock()
	delete(c.accs, id)
	c.mu.Unlock()
	return nil
}

// DeleteAccount implements Store: the account's resources, tokens and
// settings go at once, waiting for a running transaction to end.
func (s *MemStore) DeleteAccount(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.amu.Lock()
	_, ok := s.accts[id]
	s.amu.Unlock()
	if !ok {
		return fmt.Errorf("account %s: %w", id, ErrNotFound)
	}
	delete(s.accs, id)
	s.forgetAccount(id)
	return nil
}
