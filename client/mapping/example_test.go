package mapping_test

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
)

func ExampleEvaluateUser() {
	cfg := mapping.Gtmhub()
	u := &directory.User{ObjectID: "u1", UserPrincipalName: "alice@contoso.com", MailNickname: "alice",
		GivenName: "Alice", Surname: "Anders", Manager: "u2", AccountEnabled: true}
	r, err := mapping.EvaluateUser(&cfg.Users, u, true, true, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Values["userName"], r.Values["externalId"], r.Values["active"], r.Values["name.formatted"])
	fmt.Println(r.References[mapping.EnterpriseManager])
	// Output:
	// alice@contoso.com alice True Alice Anders
	// [u2]
}
