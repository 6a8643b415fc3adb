package matchers

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// check is the shape every matcher here shares: inspect a response and
// say what is wrong with it ("" when nothing is).
type check struct {
	// want describes the expectation, e.g. "status 201".
	want string
	// problem returns why the response does not meet the expectation, or "".
	problem func(*exchange.Response) string

	lastProblem string
	lastResp    *exchange.Response
}

// Match implements types.GomegaMatcher.
func (c *check) Match(actual any) (bool, error) {
	resp, err := asResponse(actual)
	if err != nil {
		return false, err
	}
	c.lastResp = resp
	c.lastProblem = c.problem(resp)
	return c.lastProblem == "", nil
}

// FailureMessage implements types.GomegaMatcher.
func (c *check) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s, but %s\n\n%s", c.want, c.lastProblem, c.lastResp)
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (c *check) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected not %s, but it was\n\n%s", c.want, c.lastResp)
}

func asResponse(actual any) (*exchange.Response, error) {
	switch r := actual.(type) {
	case *exchange.Response:
		if r == nil {
			return nil, fmt.Errorf("expected a SCIM response, got a nil *exchange.Response (did the request fail?)")
		}
		return r, nil
	case exchange.Response:
		return &r, nil
	default:
		return nil, fmt.Errorf("expected an *exchange.Response, got %T", actual)
	}
}
