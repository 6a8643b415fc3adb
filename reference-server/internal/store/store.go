// Package store keeps the reference server's state: accounts and their
// settings, SCIM token hashes, users, groups (teams) and group membership.
//
// The Store interface is small so that another backend can follow; the
// SQLite implementation (Open) is the default. Resources are stored as JSON
// documents of their attributes (without id, meta, members or groups) next
// to the columns that indexes and uniqueness need, which the caller fills.
// Writes happen in Update, which runs one function atomically and
// serialised with every other write, so a read-modify-write never loses an
// update.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors returned by every implementation; test them with errors.Is.
var (
	// ErrNotFound means the account, token, user or group does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means an account or token with that id already exists.
	ErrExists = errors.New("already exists")
	// ErrConflict means a uniqueness rule (userName, group displayName) was
	// violated; the error text names the attribute.
	ErrConflict = errors.New("uniqueness conflict")
)

// Settings are the per-account switches of the Gtmhub emulation (GTM-06,
// GTM-08). The JSON form is the body of PUT /admin/accounts/{id}/settings.
type Settings struct {
	// Groups turns /Groups on (default). Off: /Groups answers 404 and the
	// discovery endpoints do not list groups.
	Groups bool `json:"groups"`
	// TeamsFromDepartment derives teams from the users' department (GTM-06):
	// one read-only group per department value.
	TeamsFromDepartment bool `json:"teamsFromDepartment"`
	// DeleteDeactivates turns DELETE /Users/{id} into active=false (GTM-08).
	DeleteDeactivates bool `json:"deleteDeactivates"`
}

// DefaultSettings are the settings of a new account.
func DefaultSettings() Settings { return Settings{Groups: true} }

// Account is a tenant of the server.
type Account struct {
	ID       string
	Created  time.Time
	Settings Settings
}

// Token is a SCIM token of an account; only the SHA-256 hash of the secret
// is kept.
type Token struct {
	ID        string
	AccountID string
	Name      string
	Type      string
	Hash      []byte
	Created   time.Time
}

// User is a stored user. Doc holds the attributes as JSON; the other fields
// are the indexed or unique values extracted from it by the caller.
type User struct {
	ID           string
	UserName     string // unique per account, case-insensitively
	ExternalID   string
	ManagerID    string
	Department   string
	DisplayName  string
	WorkEmail    string // value of the emails element of type "work"; stored lower-cased
	Active       bool
	Doc          json.RawMessage
	Version      int64 // set by the store, +1 on every write
	Created      time.Time
	LastModified time.Time
}

// Group is a stored group (a Gtmhub team). Derived groups are the teams
// built from department values (GTM-06); they live beside SCIM groups and
// only one of the two sets is visible, depending on the account settings.
type Group struct {
	ID           string
	DisplayName  string // unique per account and Derived, case-insensitively
	ExternalID   string
	Derived      bool
	Department   string // for Derived groups: the department value
	Doc          json.RawMessage
	Version      int64
	Created      time.Time
	LastModified time.Time
}

// Member is a member of a group, with the user's display name.
type Member struct {
	UserID      string
	DisplayName string
}

// GroupRef is a group a user belongs to.
type GroupRef struct {
	ID          string
	DisplayName string
}

// UserField names an indexed user attribute for UsersBy.
type UserField int

// Indexed user attributes.
const (
	UserByID UserField = iota
	UserByUserName
	UserByExternalID
	UserByManager
	UserByDepartment
	UserByWorkEmail
)

// GroupField names an indexed group attribute for GroupsBy.
type GroupField int

// Indexed group attributes.
const (
	GroupByID GroupField = iota
	GroupByDisplayName
	GroupByExternalID
	GroupByDepartment
)

// Page selects a slice of a listing: Offset 0-based, Limit < 0 means all.
type Page struct {
	Offset int
	Limit  int
}

// Reader reads resources of one account.
type Reader interface {
	// User returns a user by id.
	User(ctx context.Context, account, id string) (*User, error)
	// UsersBy returns the users whose field equals value (userName and
	// work email case-insensitively, the others exactly), in creation order.
	UsersBy(ctx context.Context, account string, field UserField, value string) ([]*User, error)
	// Users returns a page of users in creation order and the total count.
	Users(ctx context.Context, account string, page Page) ([]*User, int, error)
	// Group returns a group by id among the derived or the SCIM groups.
	Group(ctx context.Context, account, id string, derived bool) (*Group, error)
	// GroupsBy returns the groups whose field equals value (displayName
	// case-insensitively).
	GroupsBy(ctx context.Context, account string, derived bool, field GroupField, value string) ([]*Group, error)
	// Groups returns a page of groups in creation order and the total count.
	Groups(ctx context.Context, account string, derived bool, page Page) ([]*Group, int, error)
	// Members returns the members of a group in the order they were added.
	Members(ctx context.Context, account, groupID string) ([]Member, error)
	// GroupsOf returns the groups (derived or SCIM) a user belongs to.
	GroupsOf(ctx context.Context, account, userID string, derived bool) ([]GroupRef, error)
}

// Tx is one atomic write: reads see the writes made before them in the
// same Tx.
type Tx interface {
	Reader
	// PutUser inserts or updates u (by ID); it sets Version, Created and
	// LastModified. A userName taken by another user gives ErrConflict.
	PutUser(ctx context.Context, account string, u *User) error
	// DeleteUser removes a user and its memberships.
	DeleteUser(ctx context.Context, account, id string) error
	// PutGroup inserts or updates g (by ID); a displayName taken gives
	// ErrConflict.
	PutGroup(ctx context.Context, account string, g *Group) error
	// DeleteGroup removes a group and its memberships.
	DeleteGroup(ctx context.Context, account, id string) error
	// AddMember makes userID a member of groupID; adding twice is a no-op.
	// It reports whether the membership is new; a group or user that does
	// not exist gives ErrNotFound.
	AddMember(ctx context.Context, account, groupID, userID string) (bool, error)
	// RemoveMember ends a membership; removing a non-member is a no-op. It
	// reports whether a membership was removed.
	RemoveMember(ctx context.Context, account, groupID, userID string) (bool, error)
}

// Store is the whole state of the server.
type Store interface {
	Reader
	// Update runs fn in one transaction, serialised with all other
	// writes. If fn returns an error nothing it wrote is kept. When Update
	// returns nil the writes are durable.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// CreateAccount adds an account with default settings (ErrExists).
	CreateAccount(ctx context.Context, id string) (Account, error)
	// Account returns an account (ErrNotFound).
	Account(ctx context.Context, id string) (Account, error)
	// Accounts lists all accounts.
	Accounts(ctx context.Context) ([]Account, error)
	// PutSettings replaces an account's settings.
	PutSettings(ctx context.Context, id string, s Settings) error
	// DeleteAccount removes an account with its users, groups,
	// memberships, tokens and settings (ErrNotFound).
	DeleteAccount(ctx context.Context, id string) error

	// CreateToken stores a token (its Hash, never the secret).
	CreateToken(ctx context.Context, t Token) error
	// Tokens lists the live tokens of an account.
	Tokens(ctx context.Context, account string) ([]Token, error)
	// RevokeToken deletes a token (ErrNotFound).
	RevokeToken(ctx context.Context, account, tokenID string) error

	// Close releases the store.
	Close() error
}
