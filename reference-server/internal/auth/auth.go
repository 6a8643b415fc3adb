// Package auth issues and checks the SCIM tokens of accounts: tokens are
// random secrets shown once, stored as SHA-256 hashes and compared in
// constant time (ENTRA-HTTP-03, GTM-03, GTM-08).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// TypeSCIM is the only token type: SCIM-only scope (GTM-08).
const TypeSCIM = "SCIM"

// NewSecret returns a new random token secret (256 bits, URL-safe).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewID returns a random identifier in UUID form, for tokens and resources.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// now is when a token is issued: UTC, to the microsecond (what JSON shows
// and every store keeps exactly).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Hash is what the store keeps of a secret.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Issue creates a token for account and returns it with its secret, which
// is never stored.
func Issue(ctx context.Context, s store.Store, account, name string) (store.Token, string, error) {
	secret := NewSecret()
	t := store.Token{ID: NewID(), AccountID: account, Name: name, Type: TypeSCIM, Hash: Hash(secret), Created: now()}
	if err := s.CreateToken(ctx, t); err != nil {
		return store.Token{}, "", fmt.Errorf("issue token for account %s: %w", account, err)
	}
	return t, secret, nil
}

// Seed makes sure secret is a valid token of account, creating the account
// and the token when needed (--seed-account/--seed-token).
func Seed(ctx context.Context, s store.Store, account, secret, name string) error {
	if _, err := s.Account(ctx, account); err != nil {
		if _, err := s.CreateAccount(ctx, account); err != nil {
			return fmt.Errorf("seed account %s: %w", account, err)
		}
	}
	if ok, err := Valid(ctx, s, account, secret); err != nil || ok {
		return err
	}
	t := store.Token{ID: NewID(), AccountID: account, Name: name, Type: TypeSCIM, Hash: Hash(secret), Created: now()}
	if err := s.CreateToken(ctx, t); err != nil {
		return fmt.Errorf("seed token for account %s: %w", account, err)
	}
	return nil
}

// Valid reports whether secret is a live token of account. Every token of
// the account is compared, in constant time, so timing tells nothing about
// which bytes matched. An unknown account is simply not valid.
func Valid(ctx context.Context, s store.Store, account, secret string) (bool, error) {
	if secret == "" {
		return false, nil
	}
	toks, err := s.Tokens(ctx, account)
	if err != nil {
		return false, nil // unknown account: 401 like a bad token (GTM-08)
	}
	h := Hash(secret)
	ok := 0
	for _, t := range toks {
		ok |= subtle.ConstantTimeCompare(h, t.Hash)
	}
	return ok == 1, nil
}

// Bearer extracts the token of an "Authorization: Bearer <token>" header;
// the scheme is case-insensitive. A request with more than one
// Authorization header has no token: which one counts would be a guess,
// and proxies disagree on it.
func Bearer(r *http.Request) string {
	hs := r.Header["Authorization"]
	if len(hs) != 1 {
		return ""
	}
	h := strings.TrimSpace(hs[0])
	scheme, tok, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// AdminValid compares a presented admin token with the configured one in
// constant time.
func AdminValid(configured, presented string) bool {
	if configured == "" || presented == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(configured)), sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
