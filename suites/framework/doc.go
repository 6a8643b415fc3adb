// Package framework is what conformance specs stand on: configuration that
// validates itself (options file, environment, flags), target selection,
// the label scheme that ties each spec to the requirements catalogue, an
// HTTP helper that records every exchange, resource helpers that clean up
// after themselves, and artefacts for failed specs.
package framework
