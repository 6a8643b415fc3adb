package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

func (s *SQLite) loadAccounts(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, created, settings FROM accounts`)
	if err != nil {
		return fmt.Errorf("load accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Account
		var created int64
		var settings string
		if err := rows.Scan(&a.ID, &created, &settings); err != nil {
			return fmt.Errorf("load accounts: %w", err)
		}
		a.Created = time.Unix(0, created).UTC()
		a.Settings = DefaultSettings()
		if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
			return fmt.Errorf("load settings of account %s: %w", a.ID, err)
		}
		s.accts[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load accounts: %w", err)
	}
	trows, err := s.db.QueryContext(ctx, `SELECT id, account_id, name, type, hash, created FROM tokens ORDER BY created, id`)
	if err != nil {
		return fmt.Errorf("load tokens: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var t Token
		var created int64
		if err := trows.Scan(&t.ID, &t.AccountID, &t.Name, &t.Type, &t.Hash, &created); err != nil {
			return fmt.Errorf("load tokens: %w", err)
		}
		t.Created = time.Unix(0, created).UTC()
		s.toks[t.AccountID] = append(s.toks[t.AccountID], t)
	}
	return trows.Err()
}

// CreateAccount implements Store.
func (s *SQLite) CreateAccount(ctx context.Context, id string) (Account, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.Account(ctx, id); err == nil {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrExists)
	}
	a := Account{ID: id, Created: time.Now().UTC(), Settings: DefaultSettings()}
	b, _ := json.Marshal(a.Settings) // plain struct: cannot fail
	if _, err := s.db.ExecContext(ctx, `INSERT INTO accounts(id, created, settings) VALUES(?,?,?)`,
		a.ID, a.Created.UnixNano(), string(b)); err != nil {
		if isUnique(err) {
			return Account{}, fmt.Errorf("account %s: %w", id, ErrExists)
		}
		return Account{}, fmt.Errorf("create account %s: %w", id, err)
	}
	s.amu.Lock()
	s.accts[id] = a
	s.amu.Unlock()
	return a, nil
}

// PutSettings implements Store.
func (s *SQLite) PutSettings(ctx context.Context, id string, st Settings) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a, err := s.Account(ctx, id)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	if _, err := s.db.ExecContext(ctx, `UPDATE accounts SET settings=? WHERE id=?`, string(b), id); err != nil {
		return fmt.Errorf("write settings of account %s: %w", id, err)
	}
	a.Settings = st
	s.amu.Lock()
	s.accts[id] = a
	s.amu.Unlock()
	return nil
}

// CreateToken implements Store.
func (s *SQLite) CreateToken(ctx context.Context, t Token) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.Account(ctx, t.AccountID); err != nil {
		return err
	}
	if t.Created.IsZero() {
		t.Created = time.Now().UTC()
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO tokens(id, account_id, name, type, hash, created) VALUES(?,?,?,?,?,?)`,
		t.ID, t.AccountID, t.Name, t.Type, t.Hash, t.Created.UnixNano()); err != nil {
		if isUnique(err) {
			return fmt.Errorf("token %s: %w", t.ID, ErrExists)
		}
		return fmt.Errorf("create token: %w", err)
	}
	s.amu.Lock()
	s.toks[t.AccountID] = append(s.toks[t.AccountID], t)
	s.amu.Unlock()
	return nil
}

// RevokeToken implements Store.
func (s *SQLite) RevokeToken(ctx context.Context, account, tokenID string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM tokens WHERE account_id=? AND id=?`, account, tokenID)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", tokenID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %s of account %s: %w", tokenID, account, ErrNotFound)
	}
	s.amu.Lock()
	defer s.amu.Unlock()
	live := s.toks[account][:0:0]
	for _, t := range s.toks[account] {
		if t.ID != tokenID {
			live = append(live, t)
		}
	}
	s.toks[account] = live
	return nil
}
