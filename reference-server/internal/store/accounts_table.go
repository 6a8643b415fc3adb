package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// accountTable is the in-memory table of accounts and live tokens that both
// backends answer reads from: every request needs them, and this process is
// the only writer (SQLite keeps it in step with its rows).
type accountTable struct {
	amu   sync.RWMutex
	accts map[string]Account
	toks  map[string][]Token // account -> live tokens
}

func newAccountTable() accountTable {
	return accountTable{accts: map[string]Account{}, toks: map[string][]Token{}}
}

// Account implements Store.
func (t *accountTable) Account(_ context.Context, id string) (Account, error) {
	t.amu.RLock()
	a, ok := t.accts[id]
	t.amu.RUnlock()
	if !ok {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrNotFound)
	}
	return a, nil
}

// Accounts implements Store, oldest first.
func (t *accountTable) Accounts(_ context.Context) ([]Account, error) {
	t.amu.RLock()
	defer t.amu.RUnlock()
	out := make([]Account, 0, len(t.accts))
	for _, a := range t.accts {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Tokens implements Store: the account's live tokens.
func (t *accountTable) Tokens(_ context.Context, account string) ([]Token, error) {
	t.amu.RLock()
	defer t.amu.RUnlock()
	if _, ok := t.accts[account]; !ok {
		return nil, fmt.Errorf("account %s: %w", account, ErrNotFound)
	}
	return append([]Token(nil), t.toks[account]...), nil
}
