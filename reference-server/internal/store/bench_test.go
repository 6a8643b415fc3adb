package store

import (
	"context"
	"fmt"
	"testing"
)

// seedUsers inserts n users into account "a" in batches.
func seedUsers(b *testing.B, s Store, n int) {
	ctx := context.Background()
	s.CreateAccount(ctx, "a")
	for start := 0; start < n; start += 5000 {
		err := s.Update(ctx, func(tx Tx) error {
			for i := start; i < min(n, start+5000); i++ {
				name := fmt.Sprintf("user%06d@contoso.com", i)
				doc := fmt.Sprintf(`{"userName":%q,"active":true,"name":{"givenName":"G%d","familyName":"F"},"emails":[{"type":"work","value":%q,"primary":true}]}`, name, i, name)
				if err := tx.PutUser(ctx, "a", &User{ID: fmt.Sprintf("id-%06d", i), UserName: name, ExternalID: fmt.Sprint("ext", i), Active: true, Doc: []byte(doc)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUsersByUserName shows the userName lookup stays flat from 1k to
// 100k users (ENTRA-FLOW-03 is an index lookup).
func BenchmarkUsersByUserName(b *testing.B) {
	for _, impl := range []string{"sqlite", "cached", "memstore"} {
		for _, n := range []int{1000, 100000} {
			b.Run(fmt.Sprintf("%s/%d", impl, n), func(b *testing.B) {
				benchLookup(b, impl, n)
			})
		}
	}
}

// benchStore opens the implementation named impl: "sqlite" (a WAL file),
// "cached" (the file behind the mirror) or "memstore".
func benchStore(b *testing.B, impl string) Store {
	if impl == "memstore" {
		return NewMemStore()
	}
	s, _ := openTemp(b)
	if impl == "cached" {
		c, err := NewCached(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	return s
}

func benchLookup(b *testing.B, impl string, n int) {
	s := benchStore(b, impl)
	seedUsers(b, s, n)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("USER%06d@contoso.com", i)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		us, err := s.UsersBy(ctx, "a", UserByUserName, names[i%n])
		if err != nil || len(us) != 1 {
			b.Fatal(len(us), err)
		}
	}
}

// BenchmarkPutUser measures a create, one transaction: on a WAL file
// (synchronous=NORMAL: written to the WAL, no fsync per commit), through
// the mirror, and in MemStore.
func BenchmarkPutUser(b *testing.B) {
	for _, impl := range []string{"sqlite", "cached", "memstore"} {
		b.Run(impl, func(b *testing.B) {
			s := benchStore(b, impl)
			s.CreateAccount(context.Background(), "a")
			for i := 0; b.Loop(); i++ {
				if err := putUser(b, s, "a", &User{ID: fmt.Sprint("u", i), UserName: fmt.Sprint("n", i), Active: true, Doc: []byte(`{"userName":"x"}`)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpdateUserManager is the store side of Entra's PATCH of the
// manager: the same user written again with another manager. Through
// Cached the store knows the current row and runs the narrow UPDATE (one
// index touched); the bare SQLite store runs the full upsert.
func BenchmarkUpdateUserManager(b *testing.B) {
	for _, impl := range []string{"sqlite", "cached", "memstore"} {
		b.Run(impl, func(b *testing.B) {
			s := benchStore(b, impl)
			seedUsers(b, s, 1000)
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				err := s.Update(ctx, func(tx Tx) error {
					id := fmt.Sprintf("id-%06d", i%1000)
					cur, err := tx.User(ctx, "a", id)
					if err != nil {
						return err
					}
					u := *cur
					u.ManagerID = fmt.Sprintf("id-%06d", (i+1)%1000)
					u.Doc = []byte(fmt.Sprintf(`{"userName":%q,"manager":%q}`, u.UserName, u.ManagerID))
					return tx.PutUser(ctx, "a", &u)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
