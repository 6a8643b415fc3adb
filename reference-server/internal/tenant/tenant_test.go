package tenant

import (
	"context"
	"testing"
	"time"
)

type otherKey struct{}

// The Info New puts in a context is the one it returns (annotations made
// by inner handlers are seen by outer ones), and the context still carries
// its parent's values, deadline and cancellation.
func TestNewCarriesInfoAndParent(t *testing.T) {
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), otherKey{}, "v"), time.Hour)
	ctx, info := New(parent, "acme", "/Users")
	got := From(ctx)
	if got != info || got.AccountID != "acme" || got.Path != "/Users" {
		t.Fatalf("From = %+v, want %+v", got, info)
	}
	info.Fault = "f"
	if From(ctx).Fault != "f" {
		t.Fatal("an annotation is not seen through the context")
	}
	if ctx.Value(otherKey{}) != "v" {
		t.Fatal("parent value lost")
	}
	if _, ok := ctx.Deadline(); !ok {
		t.Fatal("parent deadline lost")
	}
	child, stop := context.WithCancel(ctx)
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(time.Second):
		t.Fatal("cancelling the parent does not reach a child")
	}
	if From(context.Background()) != nil {
		t.Fatal("From without Info")
	}
}
