// Package matchers holds Gomega matchers for SCIM answers. Each works on an
// *exchange.Response and, when it fails, prints what was expected followed by
// the whole exchange (request and response), so a vendor can see at once
// what their endpoint answered to what.
package matchers
