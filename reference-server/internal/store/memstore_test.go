package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// MemStore must answer every read as the SQLite store does after the same
// random writes, inside a transaction (after each write, failed writes
// included) and after commit or rollback. Both run in lockstep: each
// write goes to both, and their results must agree.
func TestMemStoreAgreesWithSQLite(t *testing.T) {
	ctx := context.Background()
	ref, _ := openTemp(t)
	mem := NewMemStore()
	for _, s := range []Store{ref, mem} {
		if _, err := s.CreateAccount(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(p string, n int) string { return fmt.Sprintf("%s%d", p, rng.IntN(n)) }
	same := func(what string, a, b error) {
		t.Helper()
		for _, target := range []error{ErrNotFound, ErrConflict, ErrExists} {
			if errors.Is(a, target) != errors.Is(b, target) {
				t.Fatalf("%s: memstore %v, sqlite %v", what, a, b)
			}
		}
		if (a == nil) != (b == nil) {
			t.Fatalf("%s: memstore %v, sqlite %v", what, a, b)
		}
	}
	for i := range 120 {
		abort := rng.IntN(6) == 0
		errM := mem.Update(ctx, func(mtx Tx) error {
			return ref.Update(ctx, func(stx Tx) error {
				compareReaders(t, mtx, stx, false)
				for range 1 + rng.IntN(5) {
					var em, es error
					switch op := rng.IntN(10); op {
					case 0, 1, 2:
						u := User{ID: pick("u", 30), UserName: pick("name", 40), ExternalID: pick("x", 5), ManagerID: pick("u", 30),
							Department: pick("D", 4), DisplayName: pick("N", 9), WorkEmail: pick("E", 50), Active: rng.IntN(2) == 0,
							Doc: []byte(fmt.Sprintf(`{"n":%d}`, i))}
						um, us := u, u
						em, es = mtx.PutUser(ctx, "a", &um), stx.PutUser(ctx, "a", &us)
						if em == nil && es == nil && (um.Version != us.Version || um.WorkEmail != us.WorkEmail) {
							t.Fatalf("PutUser: memstore %+v, sqlite %+v", um, us)
						}
					case 3:
						id := pick("u", 30)
						em, es = mtx.DeleteUser(ctx, "a", id), stx.DeleteUser(ctx, "a", id)
					case 4, 5:
						g := Group{ID: pick("g", 8), DisplayName: pick("G", 12), ExternalID: pick("y", 3), Derived: rng.IntN(2) == 0,
							Department: pick("D", 4), Doc: []byte(`{}`)}
						gm, gs := g, g
						em, es = mtx.PutGroup(ctx, "a", &gm), stx.PutGroup(ctx, "a", &gs)
						if em == nil && es == nil && gm.Version != gs.Version {
							t.Fatalf("PutGroup: memstore %+v, sqlite %+v", gm, gs)
						}
					case 6:
						id := pick("g", 8)
						em, es = mtx.DeleteGroup(ctx, "a", id), stx.DeleteGroup(ctx, "a", id)
					case 7, 8:
						g, u := pick("g", 8), pick("u", 30)
						am, e1 := mtx.AddMember(ctx, "a", g, u)
						as, e2 := stx.AddMember(ctx, "a", g, u)
						em, es = e1, e2
						if am != as {
							t.Fatalf("AddMember(%s,%s): memstore %v, sqlite %v", g, u, am, as)
						}
					case 9:
						g, u := pick("g", 8), pick("u", 30)
						if ms, _ := stx.Members(ctx, "a", g); len(ms) > 0 && rng.IntN(4) > 0 {
							u = ms[rng.IntN(len(ms))].UserID // mostly a real member
						}
						rm, e1 := mtx.RemoveMember(ctx, "a", g, u)
						rs, e2 := stx.RemoveMember(ctx, "a", g, u)
						em, es = e1, e2
						if rm != rs {
							t.Fatalf("RemoveMember(%s,%s): memstore %v, sqlite %v", g, u, rm, rs)
						}
					}
					same(fmt.Sprintf("write %d", i), em, es)
					compareReaders(t, mtx, stx, false)
				}
				comparePages(t, mtx, stx)
				if abort {
					return errors.New("abort")
				}
				return nil
			})
		})
		if (errM != nil) != abort {
			t.Fatalf("update %d: %v (abort %v)", i, errM, abort)
		}
		compareReaders(t, mem, ref, false)
		comparePages(t, mem, ref)
	}
}

// comparePages checks the listings (creation order, totals, offsets).
func comparePages(t *testing.T, a, b Reader) {
	t.Helper()
	ctx := context.Background()
	for _, p := range []Page{{Limit: -1}, {Limit: 0}, {Offset: 3, Limit: 5}, {Offset: 100, Limit: 5}} {
		au, at, aerr := a.Users(ctx, "a", p)
		bu, bt, berr := b.Users(ctx, "a", p)
		if aerr != nil || berr != nil || at != bt || len(au) != len(bu) {
			t.Fatalf("Users(%+v): %d of %d (%v), want %d of %d (%v)", p, len(au), at, aerr, len(bu), bt, berr)
		}
		for i := range au {
			if au[i].ID != bu[i].ID || !reflect.DeepEqual(au[i].Doc, bu[i].Doc) {
				t.Fatalf("Users(%+v)[%d]: %+v, want %+v", p, i, au[i], bu[i])
			}
		}
		for _, derived := range []bool{false, true} {
			ag, at, aerr := a.Groups(ctx, "a", derived, p)
			bg, bt, berr := b.Groups(ctx, "a", derived, p)
			if aerr != nil || berr != nil || at != bt || len(ag) != len(bg) {
				t.Fatalf("Groups(%v,%+v): %d of %d (%v), want %d of %d (%v)", derived, p, len(ag), at, aerr, len(bg), bt, berr)
			}
			for i := range ag {
				if ag[i].ID != bg[i].ID || ag[i].DisplayName != bg[i].DisplayName {
					t.Fatalf("Groups(%v,%+v)[%d]: %+v, want %+v", derived, p, i, ag[i], bg[i])
				}
			}
		}
	}
}

// Accounts, settings and tokens follow the SQLite store's rules.
func TestMemStoreAccountsAndTokens(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	if err := s.PutSettings(ctx, "nope", Settings{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("settings of a missing account: %v", err)
	}
	if err := s.CreateToken(ctx, Token{ID: "t0", AccountID: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token of a missing account: %v", err)
	}
	for _, id := range []string{"a", "b"} {
		if _, err := s.CreateAccount(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateAccount(ctx, "a"); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate account: %v", err)
	}
	if a, _ := s.Account(ctx, "a"); a.Settings != DefaultSettings() {
		t.Fatalf("new account settings %+v", a.Settings)
	}
	want := Settings{TeamsFromDepartment: true, DeleteDeactivates: true}
	if err := s.PutSettings(ctx, "a", want); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Account(ctx, "a"); a.Settings != want {
		t.Fatalf("settings %+v, want %+v", a.Settings, want)
	}
	if as, _ := s.Accounts(ctx); len(as) != 2 || as[0].ID != "a" || as[1].ID != "b" {
		t.Fatalf("accounts %+v", as)
	}
	if err := s.CreateToken(ctx, Token{ID: "t1", AccountID: "a", Hash: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, Token{ID: "t1", AccountID: "b", Hash: []byte{2}}); !errors.Is(err, ErrExists) {
		t.Fatalf("token id reused across accounts: %v", err)
	}
	if toks, _ := s.Tokens(ctx, "a"); len(toks) != 1 || toks[0].Created.IsZero() {
		t.Fatalf("tokens %+v", toks)
	}
	if _, err := s.Tokens(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("tokens of a missing account: %v", err)
	}
	if err := s.RevokeToken(ctx, "b", "t1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoke through another account: %v", err)
	}
	if err := s.RevokeToken(ctx, "a", "t1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, "a", "t1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second revoke: %v", err)
	}
}

// OpenDefault keeps SQLite (durable) for files and uses MemStore only for
// the ephemeral :memory:.
func TestOpenDefaultChoosesBackend(t *testing.T) {
	ctx := context.Background()
	m, err := OpenDefault(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*MemStore); !ok {
		t.Fatalf(":memory: opened %T", m)
	}
	f, err := OpenDefault(ctx, t.TempDir()+"/ref.db")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := f.(*Cached); !ok {
		t.Fatalf("a file opened %T", f)
	}
}
