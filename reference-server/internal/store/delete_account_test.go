package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// fillAccount gives an account two users, a group with both as members
// and a token.
func fillAccount(t *testing.T, s Store, acct string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx Tx) error {
		for i := range 2 {
			u := &User{ID: fmt.Sprintf("%s-u%d", acct, i), UserName: fmt.Sprintf("u%d@x", i), Doc: []byte(`{}`)}
			if err := tx.PutUser(ctx, acct, u); err != nil {
				return err
			}
		}
		if err := tx.PutGroup(ctx, acct, &Group{ID: acct + "-g", DisplayName: "G", Doc: []byte(`{}`)}); err != nil {
			return err
		}
		for i := range 2 {
			if _, err := tx.AddMember(ctx, acct, acct+"-g", fmt.Sprintf("%s-u%d", acct, i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, Token{ID: acct + "-t", AccountID: acct, Name: "n", Type: "SCIM", Hash: []byte{1}}); err != nil {
		t.Fatal(err)
	}
}

// accountSize counts what an account holds; err is the Account lookup's.
func accountSize(s Store, acct string) (users, groups, members, tokens int, err error) {
	ctx := context.Background()
	_, err = s.Account(ctx, acct)
	_, users, _ = s.Users(ctx, acct, Page{Limit: -1})
	_, groups, _ = s.Groups(ctx, acct, false, Page{Limit: -1})
	ms, _ := s.Members(ctx, acct, acct+"-g")
	ts, _ := s.Tokens(ctx, acct)
	if u, _ := s.User(ctx, acct, acct+"-u0"); u != nil {
		users += 100 // found by id although not listed
	}
	return users, groups, len(ms), len(ts), err
}

// DeleteAccount removes the account with everything it holds, in every
// backend, leaves other accounts alone, and an account created again under
// the same id starts empty.
func TestDeleteAccount(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			fillAccount(t, s, "gone")
			fillAccount(t, s, "kept")
			if u, g, m, tk, err := accountSize(s, "gone"); err != nil || u != 102 || g != 1 || m != 2 || tk != 1 {
				t.Fatalf("before: %d users, %d groups, %d members, %d tokens, %v", u, g, m, tk, err)
			}
			if err := s.DeleteAccount(ctx, "gone"); err != nil {
				t.Fatal(err)
			}
			if u, g, m, tk, err := accountSize(s, "gone"); !errors.Is(err, ErrNotFound) || u != 0 || g != 0 || m != 0 || tk != 0 {
				t.Fatalf("after: %d users, %d groups, %d members, %d tokens, %v", u, g, m, tk, err)
			}
			accts, _ := s.Accounts(ctx)
			if len(accts) != 1 || accts[0].ID != "kept" {
				t.Fatalf("accounts %v", accts)
			}
			if u, g, m, tk, err := accountSize(s, "kept"); err != nil || u != 102 || g != 1 || m != 2 || tk != 1 {
				t.Fatalf("the other account changed: %d users, %d groups, %d members, %d tokens, %v", u, g, m, tk, err)
			}
			if err := s.DeleteAccount(ctx, "gone"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second delete: %v", err)
			}
			if err := s.DeleteAccount(ctx, "never"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown account: %v", err)
			}
			// The same id again: a new, empty account; the old userName and
			// group name are free.
			fillAccount(t, s, "gone")
			if u, g, m, tk, err := accountSize(s, "gone"); err != nil || u != 102 || g != 1 || m != 2 || tk != 1 {
				t.Fatalf("re-created: %d users, %d groups, %d members, %d tokens, %v", u, g, m, tk, err)
			}
		})
	}
}

// A deleted account stays deleted when the SQLite file is opened again.
func TestDeleteAccountDurable(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	fillAccount(t, s, "gone")
	fillAccount(t, s, "kept")
	if err := s.DeleteAccount(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	re, err := OpenCached(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if u, g, m, tk, err := accountSize(re, "gone"); !errors.Is(err, ErrNotFound) || u+g+m+tk != 0 {
		t.Fatalf("after reopening: %d users, %d groups, %d members, %d tokens, %v", u, g, m, tk, err)
	}
	if u, _, _, tk, err := accountSize(re, "kept"); err != nil || u != 102 || tk != 1 {
		t.Fatalf("kept account after reopening: %d users, %d tokens, %v", u, tk, err)
	}
}
