package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemStore is a Store that lives only in memory: the backend for an
// ephemeral store (--db :memory:, the embedded server's default), where
// SQLite would cost CPU on every write for a durability nobody can use.
// It holds the same structures as the Cached mirror; Update applies its
// writes to them in place under the write lock and keeps an undo log, so
// a transaction that fails or panics leaves nothing behind. Readers wait
// while a transaction runs (they never see its uncommitted writes).
type MemStore struct {
	mu   sync.RWMutex // resources: readers share, Update holds it whole
	accs map[string]*mirror

	accountTable
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty memory-only store.
func NewMemStore() *MemStore {
	return &MemStore{accs: map[string]*mirror{}, accountTable: newAccountTable()}
}

// OpenDefault opens the server's store for a --db value: a MemStore for
// Memory, else the SQLite file behind a Cached mirror (durable).
func OpenDefault(ctx context.Context, path string) (Store, error) {
	if path == Memory {
		return NewMemStore(), nil
	}
	return OpenCached(ctx, path)
}

// User implements Reader.
func (s *MemStore) User(_ context.Context, account, id string) (*User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].user(id)
}

// UsersBy implements Reader.
func (s *MemStore) UsersBy(_ context.Context, account string, f UserField, v string) ([]*User, error) {
	if err := checkUserField(f); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].usersBy(f, v), nil
}

// Users implements Reader.
func (s *MemStore) Users(_ context.Context, account string, p Page) ([]*User, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	us, total := s.accs[account].usersPage(p)
	return us, total, nil
}

// Group implements Reader.
func (s *MemStore) Group(_ context.Context, account, id string, derived bool) (*Group, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].group(id, derived)
}

// GroupsBy implements Reader.
func (s *MemStore) GroupsBy(_ context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	if err := checkGroupField(f); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].groupsBy(derived, f, v), nil
}

// Groups implements Reader.
func (s *MemStore) Groups(_ context.Context, account string, derived bool, p Page) ([]*Group, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	gs, total := s.accs[account].groupsPage(derived, p)
	return gs, total, nil
}

// Members implements Reader.
func (s *MemStore) Members(_ context.Context, account, groupID string) ([]Member, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].memberList(groupID), nil
}

// GroupsOf implements Reader.
func (s *MemStore) GroupsOf(_ context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accs[account].groupsOf(userID, derived), nil
}

func checkUserField(f UserField) error {
	if f < UserByID || f > UserByWorkEmail {
		return fmt.Errorf("users by field %d: not indexed", f)
	}
	return nil
}

func checkGroupField(f GroupField) error {
	if f < GroupByID || f > GroupByDepartment {
		return fmt.Errorf("groups by field %d: not indexed", f)
	}
	return nil
}

// Update runs fn with the resources locked; on an error or a panic the
// undo log puts back everything fn wrote.
func (s *MemStore) Update(ctx context.Context, fn func(tx Tx) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &memTx{s: s}
	committed := false
	defer func() {
		if !committed {
			t.rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	committed = true
	return nil
}

// CreateAccount implements Store.
func (s *MemStore) CreateAccount(_ context.Context, id string) (Account, error) {
	s.amu.Lock()
	defer s.amu.Unlock()
	if _, ok := s.accts[id]; ok {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrExists)
	}
	a := Account{ID: id, Created: now(), Settings: DefaultSettings()}
	s.accts[id] = a
	return a, nil
}

// PutSettings implements Store.
func (s *MemStore) PutSettings(_ context.Context, id string, st Settings) error {
	s.amu.Lock()
	defer s.amu.Unlock()
	a, ok := s.accts[id]
	if !ok {
		return fmt.Errorf("account %s: %w", id, ErrNotFound)
	}
	a.Settings = st
	s.accts[id] = a
	return nil
}

// CreateToken implements Store; token ids are unique across accounts.
func (s *MemStore) CreateToken(_ context.Context, t Token) error {
	s.amu.Lock()
	defer s.amu.Unlock()
	if _, ok := s.accts[t.AccountID]; !ok {
		return fmt.Errorf("account %s: %w", t.AccountID, ErrNotFound)
	}
	for _, ts := range s.toks {
		for _, old := range ts {
			if old.ID == t.ID {
				return fmt.Errorf("token %s: %w", t.ID, ErrExists)
			}
		}
	}
	if t.Created.IsZero() {
		t.Created = now()
	}
	t.Hash = append([]byte(nil), t.Hash...)
	s.toks[t.AccountID] = append(s.toks[t.AccountID], t)
	return nil
}

// RevokeToken implements Store.
func (s *MemStore) RevokeToken(_ context.Context, account, tokenID string) error {
	s.amu.Lock()
	defer s.amu.Unlock()
	live := s.toks[account][:0:0]
	for _, t := range s.toks[account] {
		if t.ID != tokenID {
			live = append(live, t)
		}
	}
	if len(live) == len(s.toks[account]) {
		return fmt.Errorf("token %s of account %s: %w", tokenID, account, ErrNotFound)
	}
	s.toks[account] = live
	return nil
}

// Close implements Store; a MemStore holds nothing to release.
func (s *MemStore) Close() error { return nil }

// now is a timestamp as the SQLite store gives it back: UTC, nanoseconds,
// no monotonic reading.
func now() time.Time { return time.Unix(0, time.Now().UnixNano()).UTC() }
