package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
)

func openTemp(t testing.TB) (*SQLite, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// stores returns every implementation under test: SQLite in memory and on
// a file, the Cached mirror in front of each, and the memory-only MemStore.
func stores(t *testing.T) map[string]Store {
	ctx := context.Background()
	mem, err := Open(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	file, _ := openTemp(t)
	out := map[string]Store{"memory": mem, "file": file, "memstore": NewMemStore()}
	for _, name := range []string{"memory", "file"} {
		base, err := Open(ctx, Memory)
		if name == "file" {
			base, _ = openTemp(t)
		}
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCached(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		out["cached-"+name] = c
	}
	return out
}

func putUser(t testing.TB, s Store, acct string, u *User) error {
	t.Helper()
	return s.Update(context.Background(), func(tx Tx) error { return tx.PutUser(context.Background(), acct, u) })
}

func TestUsersCRUDAndUniqueness(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := s.CreateAccount(ctx, "a1"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateAccount(ctx, "a1"); !errors.Is(err, ErrExists) {
				t.Fatalf("duplicate account: got %v", err)
			}
			u := &User{ID: "u1", UserName: "Alice@Contoso.com", ExternalID: "ext1", ManagerID: "m1", Active: true, Doc: []byte(`{"userName":"Alice@Contoso.com"}`)}
			if err := putUser(t, s, "a1", u); err != nil {
				t.Fatal(err)
			}
			if u.Version != 1 || u.Created.IsZero() {
				t.Fatalf("version/created not set: %+v", u)
			}
			// ENTRA-REQ-24: userName unique case-insensitively, per account.
			err := putUser(t, s, "a1", &User{ID: "u2", UserName: "alice@contoso.COM", Doc: []byte(`{}`)})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("want ErrConflict, got %v", err)
			}
			if err := putUser(t, s, "a2", &User{ID: "u2", UserName: "alice@contoso.com", Doc: []byte(`{}`)}); err != nil {
				t.Fatalf("other account may reuse userName: %v", err)
			}
			for _, c := range []struct {
				f UserField
				v string
			}{{UserByUserName, "ALICE@contoso.com"}, {UserByExternalID, "ext1"}, {UserByManager, "m1"}, {UserByID, "u1"}} {
				got, err := s.UsersBy(ctx, "a1", c.f, c.v)
				if err != nil || len(got) != 1 || got[0].ID != "u1" {
					t.Fatalf("UsersBy(%d,%q) = %v, %v", c.f, c.v, got, err)
				}
			}
			if got, _ := s.UsersBy(ctx, "a1", UserByExternalID, "EXT1"); len(got) != 0 {
				t.Fatalf("externalId is case-exact, got %d", len(got))
			}
			u.UserName, u.Doc = "alice2@contoso.com", []byte(`{"userName":"alice2@contoso.com"}`)
			if err := putUser(t, s, "a1", u); err != nil || u.Version != 2 {
				t.Fatalf("update: %v version %d", err, u.Version)
			}
			got, err := s.User(ctx, "a1", "u1")
			if err != nil || got.UserName != "alice2@contoso.com" || string(got.Doc) != string(u.Doc) || !got.Active {
				t.Fatalf("read back %+v %v", got, err)
			}
			_, total, err := s.Users(ctx, "a1", Page{Limit: -1})
			if err != nil || total != 1 {
				t.Fatalf("total %d %v", total, err)
			}
			if err := s.Update(ctx, func(tx Tx) error { return tx.DeleteUser(ctx, "a1", "u1") }); err != nil {
				t.Fatal(err)
			}
			if _, err := s.User(ctx, "a1", "u1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after delete: %v", err)
			}
		})
	}
}

func TestGroupsMembershipIdempotent(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s.CreateAccount(ctx, "a")
			for i := range 3 {
				if err := putUser(t, s, "a", &User{ID: fmt.Sprint("u", i), UserName: fmt.Sprint("user", i), DisplayName: fmt.Sprint("User ", i), Doc: []byte(`{}`)}); err != nil {
					t.Fatal(err)
				}
			}
			err := s.Update(ctx, func(tx Tx) error {
				if err := tx.PutGroup(ctx, "a", &Group{ID: "g1", DisplayName: "Sales", Doc: []byte(`{}`)}); err != nil {
					return err
				}
				for _, u := range []string{"u0", "u1", "u1", "u2"} {
					if _, err := tx.AddMember(ctx, "a", "g1", u); err != nil {
						return err
					}
				}
				removed, err := tx.RemoveMember(ctx, "a", "g1", "u2")
				if !removed || err != nil {
					return fmt.Errorf("remove u2: %v %v", removed, err)
				}
				removed, err = tx.RemoveMember(ctx, "a", "g1", "u2")
				if removed || err != nil {
					return fmt.Errorf("second remove u2: %v %v", removed, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := s.Members(ctx, "a", "g1")
			if err != nil || len(ms) != 2 || ms[0].UserID != "u0" || ms[1].DisplayName != "User 1" {
				t.Fatalf("members %+v %v", ms, err)
			}
			refs, _ := s.GroupsOf(ctx, "a", "u1", false)
			if len(refs) != 1 || refs[0].DisplayName != "Sales" {
				t.Fatalf("groupsOf %+v", refs)
			}
			err = s.Update(ctx, func(tx Tx) error {
				return tx.PutGroup(ctx, "a", &Group{ID: "g2", DisplayName: "SALES", Doc: []byte(`{}`)})
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("displayName uniqueness: %v", err)
			}
			// A derived team may share the name of a SCIM group: they are never visible together.
			err = s.Update(ctx, func(tx Tx) error {
				return tx.PutGroup(ctx, "a", &Group{ID: "g3", DisplayName: "Sales", Derived: true, Department: "Sales", Doc: []byte(`{}`)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Update(ctx, func(tx Tx) error { return tx.DeleteUser(ctx, "a", "u0") }); err != nil {
				t.Fatal(err)
			}
			if ms, _ := s.Members(ctx, "a", "g1"); len(ms) != 1 {
				t.Fatalf("deleting a user must end its memberships: %+v", ms)
			}
		})
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s.CreateAccount(ctx, "a")
			if err := putUser(t, s, "a", &User{ID: "keep", UserName: "k", DisplayName: "K", Doc: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			before, _ := s.User(ctx, "a", "keep")
			boom := errors.New("boom")
			err := s.Update(ctx, func(tx Tx) error {
				if err := tx.PutUser(ctx, "a", &User{ID: "u", UserName: "x", Doc: []byte(`{}`)}); err != nil {
					return err
				}
				if err := tx.PutUser(ctx, "a", &User{ID: "keep", UserName: "k2", DisplayName: "changed", Doc: []byte(`{}`)}); err != nil {
					return err
				}
				if err := tx.PutGroup(ctx, "a", &Group{ID: "g", DisplayName: "G", Doc: []byte(`{}`)}); err != nil {
					return err
				}
				if _, err := tx.AddMember(ctx, "a", "g", "keep"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if _, err := s.User(ctx, "a", "u"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("write of a failed Update survived: %v", err)
			}
			if _, err := s.Group(ctx, "a", "g", false); !errors.Is(err, ErrNotFound) {
				t.Fatalf("group of a failed Update survived: %v", err)
			}
			after, err := s.User(ctx, "a", "keep")
			if err != nil || !reflect.DeepEqual(*before, *after) {
				t.Fatalf("update of a failed Update survived: %+v, was %+v (%v)", after, before, err)
			}
			if us, _ := s.UsersBy(ctx, "a", UserByUserName, "k2"); len(us) != 0 {
				t.Fatalf("index entry of a failed Update survived: %+v", us)
			}
			if refs, _ := s.GroupsOf(ctx, "a", "keep", false); len(refs) != 0 {
				t.Fatalf("membership of a failed Update survived: %+v", refs)
			}
		})
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	s.CreateAccount(ctx, "acct")
	s.PutSettings(ctx, "acct", Settings{Groups: false, DeleteDeactivates: true})
	s.CreateToken(ctx, Token{ID: "t1", AccountID: "acct", Name: "entra", Type: "SCIM", Hash: []byte{1, 2, 3}})
	putUser(t, s, "acct", &User{ID: "u", UserName: "bob", Doc: []byte(`{"userName":"bob"}`)})
	s.Update(ctx, func(tx Tx) error {
		tx.PutGroup(ctx, "acct", &Group{ID: "g", DisplayName: "G", Doc: []byte(`{}`)})
		_, err := tx.AddMember(ctx, "acct", "g", "u")
		return err
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	a, err := s2.Account(ctx, "acct")
	if err != nil || a.Settings.Groups || !a.Settings.DeleteDeactivates {
		t.Fatalf("account after restart %+v %v", a, err)
	}
	toks, _ := s2.Tokens(ctx, "acct")
	if len(toks) != 1 || string(toks[0].Hash) != "\x01\x02\x03" {
		t.Fatalf("tokens after restart %+v", toks)
	}
	if u, err := s2.User(ctx, "acct", "u"); err != nil || string(u.Doc) != `{"userName":"bob"}` {
		t.Fatalf("user after restart %+v %v", u, err)
	}
	if ms, _ := s2.Members(ctx, "acct", "g"); len(ms) != 1 {
		t.Fatalf("members after restart %+v", ms)
	}
	if err := s2.RevokeToken(ctx, "acct", "t1"); err != nil {
		t.Fatal(err)
	}
	if err := s2.RevokeToken(ctx, "acct", "t1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second revoke: %v", err)
	}
}

// A panic inside Update rolls back and frees the writer for the next one.
func TestUpdatePanicRollsBack(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s.CreateAccount(ctx, "a")
			func() {
				defer func() { _ = recover() }()
				_ = s.Update(ctx, func(tx Tx) error {
					_ = tx.PutUser(ctx, "a", &User{ID: "u", UserName: "x", Doc: []byte(`{}`)})
					panic("bug")
				})
			}()
			if _, err := s.User(ctx, "a", "u"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("write of a panicking Update survived: %v", err)
			}
			if err := putUser(t, s, "a", &User{ID: "v", UserName: "y", Doc: []byte(`{}`)}); err != nil {
				t.Fatalf("next write after a panic: %v", err)
			}
		})
	}
}
