package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// Department teams (GTM-06): with the account setting teamsFromDepartment,
// /Groups serves one read-only team per department value; a user is a
// member of the team of its department, and a team left empty gets
// DeactivatedSuffix appended to its name (and loses it when someone joins).

// DeactivatedSuffix marks an automated team that has no members (GTM-06).
const DeactivatedSuffix = " (deactivated)"

func teamKey(dept string) string { return strings.ToLower(strings.TrimSpace(dept)) }

func teamDoc(name string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"schemas": []string{protocol.GroupSchema}, "displayName": name})
	return b
}

func baseName(name string) string { return strings.TrimSuffix(name, DeactivatedSuffix) }

// syncTeam moves a user from the team of oldDept to the team of newDept.
func (s *Server) syncTeam(ctx context.Context, tx store.Tx, account, userID, oldDept, newDept string) error {
	if teamKey(oldDept) == teamKey(newDept) {
		if newDept == "" {
			return nil
		}
		// Same team; make sure the membership exists (e.g. a PUT after a
		// rebuild) without renaming anything.
		return s.joinTeam(ctx, tx, account, userID, newDept)
	}
	if teamKey(oldDept) != "" {
		if err := s.leaveTeam(ctx, tx, account, userID, teamKey(oldDept)); err != nil {
			return err
		}
	}
	if teamKey(newDept) != "" {
		return s.joinTeam(ctx, tx, account, userID, newDept)
	}
	return nil
}

func (s *Server) team(ctx context.Context, tx store.Tx, account, key string) (*store.Group, error) {
	gs, err := tx.GroupsBy(ctx, account, true, store.GroupByDepartment, key)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	return gs[0], nil
}

func (s *Server) joinTeam(ctx context.Context, tx store.Tx, account, userID, dept string) error {
	g, err := s.team(ctx, tx, account, teamKey(dept))
	if err != nil {
		return err
	}
	if g == nil {
		name := strings.TrimSpace(dept)
		g = &store.Group{ID: auth.NewID(), Derived: true, Department: teamKey(dept), DisplayName: name, Doc: teamDoc(name)}
	}
	added := true
	if g.Version > 0 {
		if added, err = tx.AddMember(ctx, account, g.ID, userID); err != nil {
			return err
		}
	}
	name := baseName(g.DisplayName)
	if !added && name == g.DisplayName {
		return nil // already a member of an active team
	}
	g.DisplayName, g.Doc = name, teamDoc(name)
	if err := tx.PutGroup(ctx, account, g); err != nil {
		return fmt.Errorf("team %q: %w", name, err)
	}
	if _, err := tx.AddMember(ctx, account, g.ID, userID); err != nil {
		return err
	}
	return nil
}

func (s *Server) leaveTeam(ctx context.Context, tx store.Tx, account, userID, key string) error {
	g, err := s.team(ctx, tx, account, key)
	if err != nil || g == nil {
		return err
	}
	if _, err := tx.RemoveMember(ctx, account, g.ID, userID); err != nil {
		return err
	}
	return s.markEmpty(ctx, tx, account, g)
}

// markEmpty renames a team without members to "<name> (deactivated)".
func (s *Server) markEmpty(ctx context.Context, tx store.Tx, account string, g *store.Group) error {
	ms, err := tx.Members(ctx, account, g.ID)
	if err != nil {
		return err
	}
	name := baseName(g.DisplayName)
	if len(ms) == 0 {
		name += DeactivatedSuffix
	}
	if name == g.DisplayName {
		return nil
	}
	g.DisplayName, g.Doc = name, teamDoc(name)
	return tx.PutGroup(ctx, account, g)
}

// rebuildTeams brings the department teams of an account in line with its
// users, when the setting is switched on (memberships may have drifted
// while it was off).
func (s *Server) rebuildTeams(ctx context.Context, account string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		users, _, err := tx.Users(ctx, account, store.Page{Limit: -1})
		if err != nil {
			return err
		}
		for _, u := range users {
			refs, err := tx.GroupsOf(ctx, account, u.ID, true)
			if err != nil {
				return err
			}
			for _, ref := range refs {
				g, err := tx.Group(ctx, account, ref.ID, true)
				if err != nil {
					return err
				}
				if g.Department != teamKey(u.Department) {
					if _, err := tx.RemoveMember(ctx, account, g.ID, u.ID); err != nil {
						return err
					}
				}
			}
			if teamKey(u.Department) != "" {
				if err := s.joinTeam(ctx, tx, account, u.ID, u.Department); err != nil {
					return err
				}
			}
		}
		teams, _, err := tx.Groups(ctx, account, true, store.Page{Limit: -1})
		if err != nil {
			return err
		}
		for _, g := range teams {
			if err := s.markEmpty(ctx, tx, account, g); err != nil {
				return err
			}
		}
		return nil
	})
}
