package scim

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// MatchGroup queries groups by displayName, without members
// (ENTRA-FLOW-12). A group carrying members is
// SystemForCrossDomainIdentityManagementMultipleEntriesInResponse.
func (c *Client) MatchGroup(ctx context.Context, displayName string) (*Result, error) {
	if err := needDisplayName("match group", displayName); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.QueryGroups, c.build.MatchGroup(displayName))
}

// CreateGroup posts an empty group (ENTRA-FLOW-13).
func (c *Client) CreateGroup(ctx context.Context, externalID, displayName string) (*Result, error) {
	if err := needDisplayName("create group", displayName); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.CreateGroup, c.build.CreateGroup(externalID, displayName))
}

// GetGroup reads a group without members (ENTRA-FLOW-14).
func (c *Client) GetGroup(ctx context.Context, id string) (*Result, error) {
	if err := needID("group", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.GetGroup, c.build.GetGroup(id))
}

// RenameGroup replaces the group's displayName (ENTRA-FLOW-15).
func (c *Client) RenameGroup(ctx context.Context, id, displayName string) (*Result, error) {
	if err := needID("group", id); err != nil {
		return nil, err
	}
	if err := needDisplayName("rename group", displayName); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.PatchGroup, c.build.RenameGroup(id, displayName))
}

// DeleteGroup deletes a group (ENTRA-FLOW-18); a 404 is success with a
// warning (UNC-08).
func (c *Client) DeleteGroup(ctx context.Context, id string) (*Result, error) {
	if err := needID("group", id); err != nil {
		return nil, err
	}
	return c.Do(ctx, outcome.DeleteGroup, c.build.DeleteGroup(id))
}

// AddMembers adds members in batches of BatchSize (ENTRA-FLOW-16). Every
// batch is sent even when one fails, as each is its own export; the results
// come in batch order.
func (c *Client) AddMembers(ctx context.Context, groupID string, memberIDs []string) ([]*Result, error) {
	if err := checkMembers(groupID, memberIDs); err != nil {
		return nil, err
	}
	return c.doAll(ctx, c.build.AddMembers(groupID, memberIDs))
}

// RemoveMembers removes members in batches (ENTRA-FLOW-17).
func (c *Client) RemoveMembers(ctx context.Context, groupID string, memberIDs []string) ([]*Result, error) {
	if err := checkMembers(groupID, memberIDs); err != nil {
		return nil, err
	}
	return c.doAll(ctx, c.build.RemoveMembers(groupID, memberIDs))
}

// needDisplayName refuses an empty displayName before call sends it.
func needDisplayName(call, displayName string) error {
	if strings.TrimSpace(displayName) == "" {
		return errors.New("scim client: " + call + ": displayName is empty")
	}
	return nil
}

func checkMembers(groupID string, memberIDs []string) error {
	if err := needID("group", groupID); err != nil {
		return err
	}
	for i, id := range memberIDs {
		if strings.TrimSpace(id) == "" {
			return errors.New("scim client: member ids: entry " + strconv.Itoa(i) + " is empty")
		}
	}
	return nil
}

func (c *Client) doAll(ctx context.Context, reqs []Request) ([]*Result, error) {
	out := make([]*Result, 0, len(reqs))
	for _, r := range reqs {
		res, err := c.Do(ctx, outcome.PatchGroup, r)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}
