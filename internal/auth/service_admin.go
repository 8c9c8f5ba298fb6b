package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"supportbot/internal/audit"
	"supportbot/internal/securemem"
	"supportbot/internal/users"
)

// ErrLastAdmin refuses a change that would leave the instance without an
// enabled admin (users.ErrLastAdmin): the target is the last one. Every
// other path there is ErrSelfChange; this one is reached when two admins
// demote or disable each other at the same moment and the other change
// committed first. It matches ErrForbidden too, so a caller that knows only
// ErrForbidden still refuses with 403.
var ErrLastAdmin = fmt.Errorf("auth: an instance must keep one enabled admin: %w", ErrForbidden)

// actingAdmin authorizes action on the policy and then reloads the acting
// admin, as the /me flows do (currentUser): the role in the token is only
// what it was at sign-in. An admin demoted, disabled or logged out
// everywhere since then is refused with ErrInvalidToken, and a current
// account that is not an admin with ErrForbidden; both are audited as
// access.denied (OWASP ASVS 4.0.3 4.1.3, least privilege enforced on every
// request; 4.1.5, access control fails securely).
func (s *Service) actingAdmin(ctx context.Context, admin Principal, action Action, r Resource, target string, m Meta) (users.User, error) {
	if err := s.authorize(ctx, admin, action, r, target, m); err != nil {
		return users.User{}, err
	}
	u, err := s.currentUser(ctx, admin)
	if err == nil && u.Role != users.RoleAdmin {
		err = fmt.Errorf("auth: %s: role is %s now: %w", action, u.Role, ErrForbidden)
	}
	if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrForbidden) {
		s.record(ctx, m, audit.Event{
			Type: EventAccessDenied, Level: audit.LevelWarning, Actor: admin.UserID, Target: target,
			Details: "action=" + string(action) + " reason=stale_principal", Status: "denied",
		})
	}
	if err != nil {
		return users.User{}, err
	}
	return u, nil
}

// lastAdmin maps the store's refusal to keep one admin to ErrLastAdmin and
// audits it as access.denied.
func (s *Service) lastAdmin(ctx context.Context, admin Principal, id string, err error, m Meta) error {
	if !errors.Is(err, users.ErrLastAdmin) {
		return fmt.Errorf("auth: update user: %w", err)
	}
	s.record(ctx, m, audit.Event{
		Type: EventAccessDenied, Level: audit.LevelWarning, Actor: admin.UserID, Target: userTarget(id),
		Details: "action=" + string(ActionUsersUpdate) + " reason=last_admin", Status: "denied",
	})
	return fmt.Errorf("auth: update user: %w: %w", ErrLastAdmin, err)
}

// NewStaff is a support or admin account created by an admin.
type NewStaff struct {
	Role     Role // RoleSupport or RoleAdmin
	Email    string
	Name     string
	Password []byte // the initial password, zeroed by CreateStaff
}

// CreateStaff creates a support or admin account (issue 3, "support and
// admin accounts are created by an admin"). Only admins may
// (ActionUsersCreate; anyone else gets ErrForbidden, audited as
// access.denied; an admin demoted or disabled since sign-in gets
// ErrInvalidToken, see actingAdmin); the password policy applies as for everyone
// (*PasswordError). Under REQUIRE_2FA_FOR_STAFF the new account enrols TOTP
// at its first login. Customers register themselves.
func (s *Service) CreateStaff(ctx context.Context, admin Principal, ns NewStaff, m Meta) (users.User, error) {
	defer securemem.Zero(ns.Password)
	if _, err := s.actingAdmin(ctx, admin, ActionUsersCreate, Resource{}, "", m); err != nil {
		return users.User{}, err
	}
	if ns.Role != RoleSupport && ns.Role != RoleAdmin {
		return users.User{}, &FieldError{Field: "role", Message: "Role must be support or admin; customers register themselves."}
	}
	email, name := strings.TrimSpace(ns.Email), strings.TrimSpace(ns.Name)
	if err := checkEmail(email); err != nil {
		return users.User{}, err
	}
	if err := checkName(name); err != nil {
		return users.User{}, err
	}
	if err := CheckPassword(string(ns.Password), email, name); err != nil {
		return users.User{}, err
	}
	hash, err := s.hasher.Hash(ctx, ns.Password)
	if err != nil {
		return users.User{}, fmt.Errorf("auth: create staff: %w", err)
	}
	u, err := s.users.Create(ctx, users.NewUser{Role: users.Role(ns.Role), Email: email, Name: name, PasswordHash: hash})
	if errors.Is(err, users.ErrEmailTaken) {
		return users.User{}, ErrEmailTaken
	}
	if err != nil {
		return users.User{}, fmt.Errorf("auth: create staff: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventAdminUserCreated, Level: audit.LevelInfo, Actor: admin.UserID, Target: userTarget(u.ID), Details: "role=" + string(ns.Role), Status: "success"})
	return u, nil
}

// UserUpdate is an admin's change to an account; zero fields change
// nothing.
type UserUpdate struct {
	Role     *Role
	Disabled *bool
	Unlock   bool // lift a lockout and reset the failure count
	Reset2FA bool // turn TOTP off and drop the recovery codes
}

// UpdateUser applies an admin's changes to account id, each audited on its
// own (admin.role_changed, admin.user_disabled / admin.user_enabled,
// admin.user_unlocked, admin.2fa_reset), and returns the account as it is
// afterwards. Role change, disabling and 2FA reset bump the user's token
// generation, which ends all their sessions at once. The changes are
// applied one by one, in that order; if one fails, the earlier ones stay.
//
// An admin cannot demote or disable themself, nor reset their own 2FA here
// (ErrSelfChange): every instance keeps at least the admin acting, and an
// admin's own second factor changes only through DisableMFA, which asks for
// the current password. An unknown id matches ErrNotFound.
//
// The acting admin is reloaded first (actingAdmin), so a principal whose
// admin was demoted or disabled since sign-in acts no more. Two admins
// demoting or disabling each other at once both pass that check; the store
// then lets only one change through and refuses the other with
// ErrLastAdmin, so an instance never ends up without an enabled admin.
func (s *Service) UpdateUser(ctx context.Context, admin Principal, id string, up UserUpdate, m Meta) (users.User, error) {
	actor, err := s.actingAdmin(ctx, admin, ActionUsersUpdate, Resource{Exists: true, OwnerID: id}, userTarget(truncateID(id)), m)
	if err != nil {
		return users.User{}, err
	}
	u, err := s.adminGet(ctx, id)
	if err != nil {
		return users.User{}, err
	}
	if up.Role != nil && !up.Role.Valid() {
		return users.User{}, &FieldError{Field: "role", Message: "Role must be customer, support or admin."}
	}
	if id == actor.ID && (up.Role != nil && *up.Role != Role(u.Role) || up.Disabled != nil && *up.Disabled || up.Reset2FA) {
		return users.User{}, ErrSelfChange
	}
	done := func(evType string, level audit.Level, details string) {
		s.record(ctx, m, audit.Event{Type: evType, Level: level, Actor: admin.UserID, Target: userTarget(id), Details: details, Status: "success"})
	}
	if up.Role != nil && *up.Role != Role(u.Role) {
		if err := s.users.SetRole(ctx, id, users.Role(*up.Role)); err != nil {
			return users.User{}, s.lastAdmin(ctx, admin, id, err, m)
		}
		done(EventAdminRoleChanged, audit.LevelWarning, "from="+string(u.Role)+" to="+string(*up.Role))
	}
	if up.Disabled != nil && *up.Disabled != u.Disabled {
		if err := s.users.SetDisabled(ctx, id, *up.Disabled); err != nil {
			return users.User{}, s.lastAdmin(ctx, admin, id, err, m)
		}
		if *up.Disabled {
			done(EventAdminUserDisabled, audit.LevelWarning, "sessions revoked")
		} else {
			done(EventAdminUserEnabled, audit.LevelInfo, "")
		}
	}
	if up.Unlock {
		if err := s.users.Unlock(ctx, id); err != nil {
			return users.User{}, fmt.Errorf("auth: update user: %w", err)
		}
		done(EventAdminUserUnlocked, audit.LevelInfo, "")
	}
	if up.Reset2FA {
		if err := s.users.DisableTOTP(ctx, id); err != nil {
			return users.User{}, fmt.Errorf("auth: update user: %w", err)
		}
		done(EventAdminTwoFactorReset, audit.LevelWarning, "sessions revoked")
	}
	return s.adminGet(ctx, id)
}

// ListUsers returns a page of accounts for an admin (ActionUsersList).
func (s *Service) ListUsers(ctx context.Context, admin Principal, f users.ListFilter, m Meta) ([]users.User, error) {
	if _, err := s.actingAdmin(ctx, admin, ActionUsersList, Resource{}, "", m); err != nil {
		return nil, err
	}
	out, err := s.users.List(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	return out, nil
}

// GetUser returns one account for an admin (ActionUsersRead); an unknown
// id matches ErrNotFound.
func (s *Service) GetUser(ctx context.Context, admin Principal, id string, m Meta) (users.User, error) {
	if _, err := s.actingAdmin(ctx, admin, ActionUsersRead, Resource{Exists: true, OwnerID: id}, userTarget(truncateID(id)), m); err != nil {
		return users.User{}, err
	}
	return s.adminGet(ctx, id)
}

func (s *Service) adminGet(ctx context.Context, id string) (users.User, error) {
	if id == "" || len(id) > maxIDBytes {
		return users.User{}, fmt.Errorf("auth: user: %w: %w", ErrNotFound, users.ErrNotFound)
	}
	u, err := s.users.Get(ctx, id)
	if errors.Is(err, users.ErrNotFound) {
		return users.User{}, fmt.Errorf("auth: user: %w: %w", ErrNotFound, err)
	}
	if err != nil {
		return users.User{}, fmt.Errorf("auth: user: %w", err)
	}
	return u, nil
}
