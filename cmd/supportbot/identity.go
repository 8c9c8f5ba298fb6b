package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/config"
	"supportbot/internal/ratelimit"
	"supportbot/internal/users"
)

// Token issuer and audience: a token minted for another service (or another
// product sharing SECRET_KEY by mistake) is refused.
const (
	tokenIssuer   = "supportbot"
	tokenAudience = "supportbot-api" // #nosec G101 -- a JWT audience name, not a credential
)

// newHasher builds the bcrypt pool. About one worker per core leaves the
// other work responsive; a short queue absorbs bursts and anything beyond
// answers busy at once (issue 3).
func newHasher(c *config.Config, workers, queue int) (*auth.Hasher, error) {
	h, err := auth.NewHasherWith(auth.HasherConfig{Cost: c.BcryptCost, Workers: workers, Queue: queue,
		AllowLowCost: c.Development})
	if err != nil {
		return nil, fmt.Errorf("BCRYPT_COST: %w", err)
	}
	return h, nil
}

// identity is the running server's authentication machinery.
type identity struct {
	service *auth.Service
	hasher  *auth.Hasher
	store   *users.Store
}

func (id *identity) close() { _ = id.hasher.Close() } // only reports a second close

// newIdentity wires accounts, tokens and the login flows from the
// configuration. now is the one clock shared by the store, tokens and
// limiter (DESIGN.md invariant 9).
func newIdentity(c *config.Config, k *keys, store *users.Store, limiter ratelimit.Limiter, rec audit.Recorder, now func() time.Time) (*identity, error) {
	hasher, err := newHasher(c, runtime.NumCPU(), 4*runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	tc := auth.TokensConfig{Current: []byte(c.SecretKey), Issuer: tokenIssuer, Audience: tokenAudience,
		AccessTTL: c.AccessTokenTTL, Leeway: 30 * time.Second, Clock: now}
	if c.SecretKeyPrevious != "" {
		// Tokens signed before the rotation stay valid until an absolute
		// time: a grace counted from each start would be renewed by every
		// restart, keeping a leaked old key alive (found by review).
		if !now().Before(c.SecretKeyPrevUntil) {
			_ = hasher.Close()
			return nil, fmt.Errorf("SECRET_KEY_PREVIOUS_UNTIL (%s) has passed: remove SECRET_KEY_PREVIOUS and SECRET_KEY_PREVIOUS_UNTIL",
				c.SecretKeyPrevUntil.Format(time.RFC3339))
		}
		tc.Previous = [][]byte{[]byte(c.SecretKeyPrevious)}
		tc.GraceUntil = c.SecretKeyPrevUntil
	}
	tokens, err := auth.NewTokens(tc)
	if err != nil {
		_ = hasher.Close()
		return nil, fmt.Errorf("SECRET_KEY: %w", err)
	}
	svc, err := auth.NewService(auth.ServiceConfig{
		LoginMaxAttempts:   c.LoginMaxAttempts,
		LoginWindow:        c.LoginWindow,
		LockoutThreshold:   c.LockoutThreshold,
		LockoutDuration:    c.LockoutDuration,
		RefreshTTL:         c.RefreshTokenTTL,
		RegistrationOpen:   c.RegistrationOpen,
		Require2FAForStaff: c.StaffNeed2FA(),
		TOTPIssuer:         tokenIssuer,
	}, auth.ServiceDeps{Users: store, Hasher: hasher, Tokens: tokens, Limiter: limiter, Audit: rec, Clock: now})
	if err != nil {
		_ = hasher.Close()
		return nil, err
	}
	return &identity{service: svc, hasher: hasher, store: store}, nil
}

// purgeLoop deletes expired sessions and denylisted token ids every interval
// until ctx ends, so the tables stay small.
func (id *identity) purgeLoop(ctx context.Context, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			tokens, sessions, err := id.store.PurgeExpired(ctx)
			if err != nil {
				logger.Error("purging expired sessions failed", "event", "users.purge_failed", "error", err)
				continue
			}
			logger.Info("expired sessions purged", "event", "users.purged", "tokens", tokens, "sessions", sessions)
		}
	}
}
