package expr_test

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/client/expr"
)

func ExampleParse() {
	e, err := expr.Parse(`Join(" ", [givenName], [surname])`)
	if err != nil {
		panic(err)
	}
	get := func(name string) (any, bool) {
		v, ok := map[string]any{"givenName": "Joy", "surname": "Young"}[name]
		return v, ok
	}
	v, _ := e.Eval(get, nil)
	fmt.Println(v)
	_, err = expr.Parse("Join(\" \",\n  Mid([givenName], 1))")
	fmt.Println(err)
	// Output:
	// Joy Young
	// expression 2:3 (offset 12): Mid needs at least 3 argument(s), got 2
}
