package scim

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// Check is one step of Test Connection.
type Check struct {
	// Name says what was checked.
	Name   string
	Result *Result
	// Warning notes an answer Entra accepts but that looks wrong.
	Warning string
}

// ConnectionReport is the result of Test Connection (ENTRA-FLOW-01).
type ConnectionReport struct {
	// OK is true when Entra would accept the credentials and save them.
	OK     bool
	Checks []Check
	// Failure is the outcome of the first failed check, nil when OK.
	Failure *outcome.Outcome
}

// TestConnection does what Entra's Test Connection does (ENTRA-FLOW-01): a
// user query on the matching attribute with a random GUID, and a group
// query with a random displayName, each of which must answer 200 with an
// empty ListResponse. It stops at the first failure.
func (c *Client) TestConnection(ctx context.Context) (*ConnectionReport, error) {
	rep := &ConnectionReport{OK: true}
	probes := []struct {
		name string
		call outcome.Call
		req  Request
	}{
		{fmt.Sprintf("user query %s eq <random GUID>", c.opts.MatchingAttribute), outcome.QueryUsers,
			c.build.ProbeUsers(c.opts.MatchingAttribute, randomGUID())},
	}
	if !c.opts.SkipGroupProbe {
		probes = append(probes, struct {
			name string
			call outcome.Call
			req  Request
		}{"group query displayName eq <random GUID>", outcome.QueryGroups, c.build.ProbeGroups(randomGUID())})
	}
	for _, p := range probes {
		r, err := c.Do(ctx, p.call, p.req)
		if err != nil {
			return nil, fmt.Errorf("test connection: %w", err)
		}
		chk := Check{Name: p.name, Result: r}
		if r.Outcome.Success && len(r.Parsed.IDs) > 0 {
			chk.Warning = fmt.Sprintf("a random value matched %d resource(s): the endpoint may ignore filters", len(r.Parsed.IDs))
		}
		rep.Checks = append(rep.Checks, chk)
		if !r.Outcome.Success {
			rep.OK = false
			o := r.Outcome
			rep.Failure = &o
			break
		}
	}
	return rep, nil
}

// randomGUID returns a version 4 UUID string.
func randomGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
