// Command entrasim emulates the Microsoft Entra provisioning service as a
// SCIM client; see package cli for the commands.
package main

import (
	"os"

	"github.com/quantive/entra-scim-harness/client/cli"
	"github.com/quantive/entra-scim-harness/client/gcpolicy"
)

func main() {
	gcpolicy.Batch() // a cycle is batch work (see package gcpolicy)
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
