package auth

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

func TestIssueValidSeedRevoke(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ok, _ := Valid(ctx, st, "nosuch", "x"); ok {
		t.Fatal("unknown account must not be valid")
	}
	if err := Seed(ctx, st, "acme", "fixed-secret", "ci"); err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, st, "acme", "fixed-secret", "ci"); err != nil { // idempotent
		t.Fatal(err)
	}
	toks, _ := st.Tokens(ctx, "acme")
	if len(toks) != 1 || string(toks[0].Hash) != string(Hash("fixed-secret")) {
		t.Fatalf("seed must store one hashed token: %+v", toks)
	}
	tok, secret, err := Issue(ctx, st, "acme", "entra")
	if err != nil || len(secret) < 40 || tok.Type != TypeSCIM {
		t.Fatalf("issue: %+v %q %v", tok, secret, err)
	}
	for _, c := range []struct {
		secret string
		want   bool
	}{{"fixed-secret", true}, {secret, true}, {"", false}, {"fixed-secreT", false}, {secret + "x", false}} {
		if ok, _ := Valid(ctx, st, "acme", c.secret); ok != c.want {
			t.Errorf("Valid(%q) = %v", c.secret, ok)
		}
	}
	if err := st.RevokeToken(ctx, "acme", tok.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := Valid(ctx, st, "acme", secret); ok {
		t.Fatal("revoked token still valid")
	}
}

func TestBearerAndIDs(t *testing.T) {
	for h, want := range map[string]string{"Bearer abc": "abc", "bearer  abc ": "abc", "Basic abc": "", "Bearer": "", "": ""} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", h)
		if got := Bearer(r); got != want {
			t.Errorf("Bearer(%q) = %q, want %q", h, got, want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(NewID()) {
		t.Fatalf("NewID is not a v4 UUID: %s", NewID())
	}
	if NewSecret() == NewSecret() || NewID() == NewID() { //nolint:staticcheck // two calls must differ
		t.Fatal("random values repeat")
	}
	if !AdminValid("a", "a") || AdminValid("a", "b") || AdminValid("", "") {
		t.Fatal("AdminValid")
	}
}
