package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// openCachedTemp opens a Cached store over a temporary SQLite file, with
// account "a"; the store is closed when the test ends.
func openCachedTemp(t *testing.T) (*SQLite, *Cached) {
	t.Helper()
	base, _ := openTemp(t)
	c, err := NewCached(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.CreateAccount(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	return base, c
}

// The mirror must answer every read exactly as the database does, after
// any sequence of writes, failed transactions included.
func TestCachedAgreesWithBase(t *testing.T) {
	ctx := context.Background()
	base, path := openTemp(t)
	c, err := NewCached(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	c.CreateAccount(ctx, "a")
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(p string, n int) string { return fmt.Sprintf("%s%d", p, rng.IntN(n)) }
	for i := range 600 {
		_ = c.Update(ctx, func(tx Tx) error {
			for range 1 + rng.IntN(3) {
				switch rng.IntN(7) {
				case 0, 1:
					u := &User{ID: pick("u", 30), UserName: pick("name", 40), ExternalID: pick("x", 5), ManagerID: pick("u", 30),
						Department: pick("D", 4), DisplayName: pick("N", 9), WorkEmail: pick("E", 50), Doc: []byte(fmt.Sprintf(`{"n":%d}`, i))}
					if err := tx.PutUser(ctx, "a", u); err != nil {
						return err // uniqueness clash: the whole transaction rolls back
					}
				case 2:
					_ = tx.DeleteUser(ctx, "a", pick("u", 30))
				case 3:
					g := &Group{ID: pick("g", 8), DisplayName: pick("G", 12), ExternalID: pick("y", 3), Derived: rng.IntN(2) == 0, Department: pick("D", 4), Doc: []byte(`{}`)}
					if err := tx.PutGroup(ctx, "a", g); err != nil {
						return err
					}
				case 4:
					_ = tx.DeleteGroup(ctx, "a", pick("g", 8))
				case 5:
					if _, err := tx.AddMember(ctx, "a", pick("g", 8), pick("u", 30)); err != nil && !errors.Is(err, ErrNotFound) {
						return err
					}
				case 6:
					if _, err := tx.RemoveMember(ctx, "a", pick("g", 8), pick("u", 30)); err != nil {
						return err
					}
				}
			}
			if rng.IntN(10) == 0 {
				return fmt.Errorf("abort")
			}
			return nil
		})
	}
	compareReaders(t, c, base, true)
	// A mirror rebuilt from the file after a restart agrees too.
	c.Close()
	base2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer base2.Close()
	c2, err := NewCached(ctx, base2)
	if err != nil {
		t.Fatal(err)
	}
	compareReaders(t, c2, base2, true)
}

// Reads inside a Cached transaction (served from the mirror and the
// transaction's own writes) must equal the base transaction's reads after
// every write of the transaction, failed writes included.
func TestCachedTxReadsAgreeWithBaseTx(t *testing.T) {
	ctx := context.Background()
	base, c := openCachedTemp(t)
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(p string, n int) string { return fmt.Sprintf("%s%d", p, rng.IntN(n)) }
	for i := range 150 {
		_ = c.Update(ctx, func(tx Tx) error {
			rt := tx.(*recTx)
			compareReaders(t, rt, rt.Tx, true)
			for range 1 + rng.IntN(4) {
				switch rng.IntN(9) {
				case 0, 1:
					u := &User{ID: pick("u", 30), UserName: pick("name", 40), ExternalID: pick("x", 5), ManagerID: pick("u", 30),
						Department: pick("D", 4), DisplayName: pick("N", 9), WorkEmail: pick("E", 50), Doc: []byte(fmt.Sprintf(`{"n":%d}`, i))}
					_ = tx.PutUser(ctx, "a", u) // a uniqueness clash leaves the transaction going
				case 7, 8:
					// Entra's usual update: only manager, displayName, active or
					// the document change (the store's narrow UPDATE).
					cur, err := tx.User(ctx, "a", pick("u", 30))
					if err != nil {
						continue
					}
					u := *cur
					if rng.IntN(2) == 0 {
						u.ManagerID = pick("u", 30)
					}
					u.DisplayName, u.Active = pick("N", 9), rng.IntN(2) == 0
					u.WorkEmail = strings.ToUpper(u.WorkEmail) // the same key
					u.Doc = []byte(fmt.Sprintf(`{"m":%d}`, i))
					if err := tx.PutUser(ctx, "a", &u); err != nil {
						t.Fatalf("update %s: %v", u.ID, err)
					}
					if u.Version != cur.Version+1 || !u.Created.Equal(cur.Created) {
						t.Fatalf("update %s: version %d created %v, was %d %v", u.ID, u.Version, u.Created, cur.Version, cur.Created)
					}
				case 2:
					_ = tx.DeleteUser(ctx, "a", pick("u", 30))
				case 3:
					g := &Group{ID: pick("g", 8), DisplayName: pick("G", 12), ExternalID: pick("y", 3), Derived: rng.IntN(2) == 0, Department: pick("D", 4), Doc: []byte(`{}`)}
					_ = tx.PutGroup(ctx, "a", g)
				case 4:
					_ = tx.DeleteGroup(ctx, "a", pick("g", 8))
				case 5:
					_, _ = tx.AddMember(ctx, "a", pick("g", 8), pick("u", 30))
				case 6:
					_, _ = tx.RemoveMember(ctx, "a", pick("g", 8), pick("u", 30))
				}
				compareReaders(t, rt, rt.Tx, true)
			}
			if rng.IntN(8) == 0 {
				return fmt.Errorf("abort")
			}
			return nil
		})
	}
	compareReaders(t, c, base, true)
}

// compareReaders checks that c answers every read as base does; with
// exactTimes false, timestamps (taken by each store's own clock) are left
// out of the comparison.
func compareReaders(t *testing.T, c, base Reader, exactTimes bool) {
	t.Helper()
	ctx := context.Background()
	eq := func(what string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: mirror %v != base %v", what, a, b)
		}
	}
	for i := range 30 {
		id := fmt.Sprint("u", i)
		cu, cerr := c.User(ctx, "a", id)
		bu, berr := base.User(ctx, "a", id)
		eq("User "+id, cerr == nil, berr == nil)
		if cerr == nil {
			a, b := *cu, *bu
			if !exactTimes {
				a.Created, a.LastModified = b.Created, b.LastModified
			}
			eq("User "+id, a, b)
		}
		for _, derived := range []bool{false, true} {
			cg, _ := c.GroupsOf(ctx, "a", id, derived)
			bg, _ := base.GroupsOf(ctx, "a", id, derived)
			eq("GroupsOf "+id, len(cg), len(bg))
			if len(cg) > 0 {
				eq("GroupsOf "+id, cg, bg)
			}
		}
	}
	fields := map[UserField]func(i int) string{
		UserByUserName: func(i int) string { return fmt.Sprint("NAME", i) }, UserByExternalID: func(i int) string { return fmt.Sprint("x", i%5) },
		UserByManager: func(i int) string { return fmt.Sprint("u", i) }, UserByDepartment: func(i int) string { return fmt.Sprint("D", i%4) },
		UserByWorkEmail: func(i int) string { return fmt.Sprint("e", i) }, UserByID: func(i int) string { return fmt.Sprint("u", i) },
	}
	for f, v := range fields {
		for i := range 40 {
			cs, _ := c.UsersBy(ctx, "a", f, v(i))
			bs, _ := base.UsersBy(ctx, "a", f, v(i))
			eq(fmt.Sprintf("UsersBy(%d,%s) count", f, v(i)), len(cs), len(bs))
			for j := range cs {
				eq("UsersBy ids", cs[j].ID, bs[j].ID)
			}
		}
	}
	for i := range 8 {
		gid := fmt.Sprint("g", i)
		for _, derived := range []bool{false, true} {
			cg, cerr := c.Group(ctx, "a", gid, derived)
			bg, berr := base.Group(ctx, "a", gid, derived)
			eq("Group "+gid, cerr == nil, berr == nil)
			if cerr == nil {
				a, b := *cg, *bg
				if !exactTimes {
					a.Created, a.LastModified = b.Created, b.LastModified
				}
				eq("Group "+gid, a, b)
			}
		}
		cm, _ := c.Members(ctx, "a", gid)
		bm, _ := base.Members(ctx, "a", gid)
		eq("Members count "+gid, len(cm), len(bm))
		if len(cm) > 0 {
			eq("Members "+gid, cm, bm)
		}
	}
	for i := range 12 {
		for _, derived := range []bool{false, true} {
			for _, f := range []GroupField{GroupByDisplayName, GroupByExternalID, GroupByDepartment} {
				v := fmt.Sprint("g", i)
				switch f {
				case GroupByExternalID:
					v = fmt.Sprint("y", i%3)
				case GroupByDepartment:
					v = fmt.Sprint("D", i%4)
				}
				cs, _ := c.GroupsBy(ctx, "a", derived, f, v)
				bs, _ := base.GroupsBy(ctx, "a", derived, f, v)
				eq("GroupsBy count", len(cs), len(bs))
				for j := range cs {
					eq("GroupsBy ids", cs[j].ID, bs[j].ID)
				}
			}
		}
	}
}

// Records read inside a Cached transaction are the caller's to modify (the
// department teams rename the group they read, GTM-06): changing them, then
// rolling back, leaves the mirror equal to the database.
func TestCachedTxReadsAreCopies(t *testing.T) {
	ctx := context.Background()
	base, c := openCachedTemp(t)
	err := c.Update(ctx, func(tx Tx) error {
		if err := tx.PutUser(ctx, "a", &User{ID: "u1", UserName: "n1", Department: "D", Doc: []byte(`{}`)}); err != nil {
			return err
		}
		return tx.PutGroup(ctx, "a", &Group{ID: "g1", DisplayName: "G", Derived: true, Department: "d", Doc: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]func(tx Tx) error{
		"User": func(tx Tx) error {
			u, err := tx.User(ctx, "a", "u1")
			if err == nil {
				u.DisplayName, u.Version = "changed", 99
			}
			return err
		},
		"UsersBy": func(tx Tx) error {
			us, err := tx.UsersBy(ctx, "a", UserByDepartment, "D")
			if err == nil && len(us) == 1 {
				us[0].DisplayName = "changed"
			}
			return err
		},
		"Group": func(tx Tx) error {
			g, err := tx.Group(ctx, "a", "g1", true)
			if err == nil {
				g.DisplayName = "changed"
			}
			return err
		},
		"GroupsBy": func(tx Tx) error {
			gs, err := tx.GroupsBy(ctx, "a", true, GroupByDepartment, "d")
			if err == nil && len(gs) == 1 {
				gs[0].DisplayName, gs[0].Doc = "changed", []byte(`{"x":1}`)
			}
			return err
		},
		"written then read": func(tx Tx) error {
			u := &User{ID: "u1", UserName: "n1", Department: "D", DisplayName: "W", Doc: []byte(`{}`)}
			if err := tx.PutUser(ctx, "a", u); err != nil {
				return err
			}
			got, err := tx.User(ctx, "a", "u1")
			if err == nil {
				got.DisplayName = "changed"
			}
			return err
		},
	}
	for name, read := range reads {
		err := c.Update(ctx, func(tx Tx) error {
			if err := read(tx); err != nil {
				return err
			}
			return errors.New("roll back")
		})
		if err == nil || err.Error() != "roll back" {
			t.Fatalf("%s: %v", name, err)
		}
		cu, _ := c.User(ctx, "a", "u1")
		bu, _ := base.User(ctx, "a", "u1")
		cg, _ := c.Group(ctx, "a", "g1", true)
		bg, _ := base.Group(ctx, "a", "g1", true)
		if !reflect.DeepEqual(*cu, *bu) || !reflect.DeepEqual(*cg, *bg) {
			t.Fatalf("%s: mirror %+v %+v, database %+v %+v", name, *cu, *cg, *bu, *bg)
		}
	}
}
