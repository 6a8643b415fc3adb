// Package suites is the Entra SCIM conformance suite: one Ginkgo v2 suite
// (`ginkgo ./suites`, `go test ./suites`) whose specs each check one
// behaviour of the Entra behaviour spec against a target endpoint and feed
// the conformance report. The specs live in the _test.go files of this
// directory; helpers live in the packages below it.
//
// Targets: the in-process reference server by default; SCIM_TENANT_URL and
// SCIM_TOKEN (or `-- --tenant-url … --token …`) for any endpoint;
// SCIM_TARGET=container for the reference server image. See
// suites/framework for every setting and fixtures/options for an example
// options file.
package suites
