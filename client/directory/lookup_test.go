package directory

import (
	"sync"
	"testing"
)

// Loading drops the index by id (issue 16); User and Group build it again
// on first use, keeping the first object of an id, from any goroutine.
func TestLookupAfterLoad(t *testing.T) {
	d, err := Parse("d.yaml", []byte(`app: {scope: all}
users:
  - {objectId: u1, userPrincipalName: a@contoso.com, manager: u2}
  - {objectId: u2, userPrincipalName: b@contoso.com}
groups:
  - {objectId: g1, displayName: Sales, members: [u1, u2]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if d.users != nil || d.groups != nil {
		t.Fatal("the index by id outlived the load")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if u, ok := d.User("u2"); !ok || u != d.Users[1] {
				t.Errorf("User(u2) = %v, %v", u, ok)
			}
			if g, ok := d.Group("g1"); !ok || g != d.Groups[0] {
				t.Errorf("Group(g1) = %v, %v", g, ok)
			}
			if _, ok := d.User("g1"); ok {
				t.Error("User(g1) found a group")
			}
		}()
	}
	wg.Wait()
}
