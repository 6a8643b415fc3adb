package expr_test

import (
	"os"
	"testing"
)

func readSelf(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("expr_test.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
