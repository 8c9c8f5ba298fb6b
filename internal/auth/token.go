package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"supportbot/internal/crypto"
)

// Token types, carried in the "typ" claim. Each verifier accepts exactly one
// type, so a challenge token can never stand in for an access token and vice
// versa (issue 3, "typ=access"; RFC 8725 3.11, explicit typing).
const (
	TypeAccess       = "access"
	TypeMFAChallenge = "mfa_challenge"
)

// Authentication methods for the "amr" claim (RFC 8176).
const (
	AMRPassword = "pwd" // a password was checked
	AMROTP      = "otp" // a TOTP code was checked
	AMRMFA      = "mfa" // more than one factor was checked (TOTP or a recovery code)
)

// Token lifetimes and limits.
const (
	// DefaultAccessTTL is the access token lifetime when TokensConfig leaves
	// it zero (hardening guide, "15 minutes access").
	DefaultAccessTTL = 15 * time.Minute
	// MaxAccessTTL bounds a configured lifetime: access tokens are meant to
	// be short-lived (first specification, "JWT tokens with short
	// expiration").
	MaxAccessTTL = 24 * time.Hour
	// ChallengeTTL is the lifetime of an MFA challenge token: long enough to
	// open an authenticator app, short enough to be useless later.
	ChallengeTTL = 5 * time.Minute
	// MaxLeeway is the most clock skew verification tolerates (issue 3,
	// "leeway at most 30 s").
	MaxLeeway = 30 * time.Second
	// MaxTokenBytes is the longest token string parsed at all; ours are
	// about 400 bytes. Longer input is refused before any decoding.
	MaxTokenBytes = 4096
	// RefreshTokenBytes is the entropy of a refresh token: 256 bits
	// (issue 3, "Refresh tokens: 256-bit random, opaque").
	RefreshTokenBytes = 32
)

// jwtKeyPurpose is the crypto.DeriveKey purpose of the signing key; changing
// it invalidates every issued token.
const jwtKeyPurpose = "jwt signing v1"

// kidLabel is the HMAC message from which a signing key's public id is
// derived, like the field-encryption key ids in internal/crypto.
const kidLabel = "supportbot jwt key id v1"

// ErrInvalidToken is the one error every refused token yields, whatever the
// reason: the client gets 401 and learns nothing about why. The wrapped
// detail is for the server log only (ASVS 4.0.3 3.5.3, 7.4.1).
var ErrInvalidToken = errors.New("auth: invalid token")

// Claims is the content of an access or MFA challenge token.
type Claims struct {
	Issuer     string    // iss
	Audience   string    // aud
	Subject    string    // sub: the user id
	Role       Role      // role at issue time
	Type       string    // typ: TypeAccess or TypeMFAChallenge
	ID         string    // jti: random, for the logout deny list
	Generation int64     // gen: the user's token generation; a bump revokes every older token
	AMR        []string  // amr: how the user authenticated (AMRPassword, AMROTP, AMRMFA)
	SessionID  string    // sid: the session (refresh family) of an access token; "" in challenges
	IssuedAt   time.Time // iat
	NotBefore  time.Time // nbf
	ExpiresAt  time.Time // exp
	KeyID      string    // kid header: the signing key's id
}

// MFA reports whether the token records a completed second factor.
func (c Claims) MFA() bool {
	return slices.Contains(c.AMR, AMRMFA) || slices.Contains(c.AMR, AMROTP)
}

// jwtClaims is the wire form of Claims.
type jwtClaims struct {
	jwt.RegisteredClaims
	Role string   `json:"role"`
	Type string   `json:"typ"`
	Gen  int64    `json:"gen"`
	AMR  []string `json:"amr,omitempty"`
	Sid  string   `json:"sid,omitempty"`
}

// TokensConfig configures Tokens.
type TokensConfig struct {
	// Current is the secret key material (SECRET_KEY, at least
	// crypto.MinSecretBytes) from which the signing key is derived.
	Current []byte
	// Previous holds earlier secrets whose tokens still verify until
	// GraceUntil, so rotating SECRET_KEY does not log everybody out at once
	// (issue 3, "the previous key keeps verifying for a grace period").
	// They never sign.
	Previous [][]byte
	// GraceUntil ends the previous keys' grace period; required when
	// Previous is not empty. Set it to at least rotation time + AccessTTL.
	GraceUntil time.Time
	// Issuer and Audience fill and are checked against iss and aud.
	Issuer   string
	Audience string
	// AccessTTL is the access token lifetime, DefaultAccessTTL when zero.
	AccessTTL time.Duration
	// Leeway is the tolerated clock skew, clamped to 0..MaxLeeway.
	Leeway time.Duration
	// Clock returns the current time; required (pass time.Now in
	// production, a fixed clock in tests).
	Clock func() time.Time
}

type signingKey struct {
	id  string
	key []byte
}

// Tokens issues and verifies HS256 JWTs: access tokens and MFA challenge
// tokens. It is safe for concurrent use.
type Tokens struct {
	current    signingKey
	previous   []signingKey
	graceUntil time.Time
	issuer     string
	audience   string
	ttl        time.Duration
	leeway     time.Duration
	clock      func() time.Time
	parser     *jwt.Parser
	verified   verifiedTokens
}

// NewTokens derives the signing keys and returns Tokens. The caller may zero
// the secrets in cfg afterwards.
func NewTokens(cfg TokensConfig) (*Tokens, error) {
	switch {
	case cfg.Clock == nil:
		return nil, errors.New("auth: tokens: Clock is required (time.Now in production)")
	case cfg.Issuer == "":
		return nil, errors.New("auth: tokens: Issuer is required")
	case cfg.Audience == "":
		return nil, errors.New("auth: tokens: Audience is required")
	case cfg.AccessTTL < 0 || cfg.AccessTTL > MaxAccessTTL:
		return nil, fmt.Errorf("auth: tokens: access token lifetime %s, want up to %s", cfg.AccessTTL, MaxAccessTTL)
	case len(cfg.Previous) > 0 && cfg.GraceUntil.IsZero():
		return nil, errors.New("auth: tokens: previous keys need GraceUntil")
	}
	t := &Tokens{
		graceUntil: cfg.GraceUntil,
		issuer:     cfg.Issuer,
		audience:   cfg.Audience,
		ttl:        cfg.AccessTTL,
		leeway:     min(max(cfg.Leeway, 0), MaxLeeway),
		clock:      cfg.Clock,
	}
	if t.ttl == 0 {
		t.ttl = DefaultAccessTTL
	}
	var err error
	if t.current, err = deriveSigningKey(cfg.Current); err != nil {
		return nil, fmt.Errorf("auth: tokens: current key: %w", err)
	}
	seen := map[string]bool{t.current.id: true}
	for i, secret := range cfg.Previous {
		k, err := deriveSigningKey(secret)
		if err != nil {
			return nil, fmt.Errorf("auth: tokens: previous key %d: %w", i, err)
		}
		if seen[k.id] {
			return nil, fmt.Errorf("auth: tokens: previous key %d: same key as another (id %s)", i, k.id)
		}
		seen[k.id] = true
		t.previous = append(t.previous, k)
	}

	// Only HS256 is accepted: no "none", no asymmetric algorithm whose
	// public key could be confused with our HMAC secret (RFC 8725 2.1,
	// 3.1; ASVS 4.0.3 3.5.3). exp is required; iat must not be in the
	// future; iss and aud must match (RFC 8725 3.8, 3.9).
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.audience),
		jwt.WithLeeway(t.leeway),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.clock),
		jwt.WithStrictDecoding(), // one encoding per token: no malleable signatures
	)
	return t, nil
}

// deriveSigningKey derives the HS256 key from secret and its public id: hex
// of the first 4 bytes of HMAC-SHA256(key, kidLabel). The id reveals nothing
// about the key and lets a verifier pick the right key after rotation.
func deriveSigningKey(secret []byte) (signingKey, error) {
	key, err := crypto.DeriveKey(secret, jwtKeyPurpose, 32)
	if err != nil {
		return signingKey{}, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kidLabel))
	return signingKey{id: hex.EncodeToString(m.Sum(nil)[:4]), key: key}, nil
}

// KeyID returns the id of the key that signs new tokens.
func (t *Tokens) KeyID() string { return t.current.id }

// AccessTTL returns the access token lifetime, e.g. for a cookie's Max-Age.
func (t *Tokens) AccessTTL() time.Duration { return t.ttl }

// IssueAccess signs an access token for c.Subject with c.Role, c.Generation
// and c.AMR; it fills iss, aud, iat, nbf, exp, a random jti and typ=access,
// and returns the token with the claims as issued.
func (t *Tokens) IssueAccess(c Claims) (string, Claims, error) {
	return t.issue(c, TypeAccess, t.ttl)
}

// IssueChallenge signs a short-lived MFA challenge token (ChallengeTTL) for
// a user who passed the password step and still owes a TOTP code. It
// proves the first step only; VerifyAccess refuses it (issue 3,
// "login answers mfa_required with a short-lived challenge token").
func (t *Tokens) IssueChallenge(c Claims) (string, Claims, error) {
	return t.issue(c, TypeMFAChallenge, ChallengeTTL)
}

func (t *Tokens) issue(c Claims, typ string, ttl time.Duration) (string, Claims, error) {
	if c.Subject == "" {
		return "", Claims{}, fmt.Errorf("auth: issue %s token: empty subject", typ)
	}
	if _, err := ParseRole(string(c.Role)); err != nil {
		return "", Claims{}, fmt.Errorf("auth: issue %s token: %w", typ, err)
	}
	jti, err := crypto.RandomToken(16)
	if err != nil {
		return "", Claims{}, fmt.Errorf("auth: issue %s token: %w", typ, err)
	}
	// NumericDate has one-second precision; truncating here makes the
	// returned claims equal what a verifier will read.
	now := t.clock().UTC().Truncate(time.Second)
	c.Issuer, c.Audience, c.Type, c.ID = t.issuer, t.audience, typ, jti
	c.IssuedAt, c.NotBefore, c.ExpiresAt = now, now, now.Add(ttl)
	c.KeyID = t.current.id
	c.AMR = slices.Clone(c.AMR)

	s, err := t.sign(c)
	if err != nil {
		return "", Claims{}, fmt.Errorf("auth: issue %s token: %w", typ, err)
	}
	return s, c, nil
}

// sign encodes and signs fully filled claims with the current key. It is
// deterministic, so a test can check that whatever verifies is exactly what
// sign produces.
func (t *Tokens) sign(c Claims) (string, error) {
	jc := jwtClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    c.Issuer,
			Subject:   c.Subject,
			Audience:  jwt.ClaimStrings{c.Audience},
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			NotBefore: jwt.NewNumericDate(c.NotBefore),
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ID:        c.ID,
		},
		Role: string(c.Role),
		Type: c.Type,
		Gen:  c.Generation,
		AMR:  c.AMR,
		Sid:  c.SessionID,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jc)
	tok.Header["kid"] = t.current.id
	return tok.SignedString(t.current.key)
}

// VerifyAccess checks an access token and returns its claims. Every refusal
// wraps ErrInvalidToken: a wrong algorithm (none, RS256, ES256, …), an
// unknown kid or a previous key past its grace period, a bad signature, a
// tampered header or payload, exp passed or missing, nbf or iat in the
// future (beyond the leeway), wrong iss or aud, or any typ but "access".
// Revocation (jti deny list, token generation) is the caller's next step.
func (t *Tokens) VerifyAccess(token string) (Claims, error) {
	return t.verify(token, TypeAccess)
}

// VerifyChallenge checks an MFA challenge token like VerifyAccess checks an
// access token; only typ "mfa_challenge" is accepted.
func (t *Tokens) VerifyChallenge(token string) (Claims, error) {
	return t.verify(token, TypeMFAChallenge)
}

func (t *Tokens) verify(token, typ string) (Claims, error) {
	fail := func(err error) (Claims, error) {
		return Claims{}, fmt.Errorf("auth: verify %s token: %w: %w", typ, ErrInvalidToken, err)
	}
	if len(token) > MaxTokenBytes {
		return fail(fmt.Errorf("longer than %d bytes", MaxTokenBytes))
	}
	if typ == TypeAccess {
		if c, ok := t.verified.get(token); ok {
			if err := t.stillValid(c); err != nil {
				t.verified.forget(token)
				return fail(err)
			}
			return c, nil
		}
	}
	var jc jwtClaims
	var kid string
	_, err := t.parser.ParseWithClaims(token, &jc, func(tok *jwt.Token) (any, error) {
		// WithValidMethods already refused every other alg; this keeps
		// the key from ever meeting a non-HMAC method.
		if tok.Method != jwt.SigningMethodHS256 {
			return nil, fmt.Errorf("unexpected method %v", tok.Header["alg"])
		}
		// We understand no critical extension, so a token demanding one
		// is refused (RFC 7515 4.1.11).
		if _, ok := tok.Header["crit"]; ok {
			return nil, errors.New("crit header")
		}
		id, ok := tok.Header["kid"].(string)
		if !ok {
			return nil, errors.New("missing kid")
		}
		kid = id
		return t.keyFor(id)
	})
	if err != nil {
		return fail(err)
	}

	c := Claims{
		Issuer:     jc.Issuer,
		Subject:    jc.Subject,
		Type:       jc.Type,
		ID:         jc.ID,
		Generation: jc.Gen,
		AMR:        jc.AMR,
		SessionID:  jc.Sid,
		KeyID:      kid,
	}
	if jc.Type != typ {
		return fail(fmt.Errorf("typ %q", logSafe(jc.Type)))
	}
	// Our tokens always carry these; a token without them was not made by
	// IssueAccess or IssueChallenge.
	if jc.Subject == "" || jc.ID == "" || jc.IssuedAt == nil || jc.NotBefore == nil || jc.ExpiresAt == nil {
		return fail(errors.New("missing sub, jti, iat, nbf or exp"))
	}
	if c.Role, err = ParseRole(jc.Role); err != nil {
		return fail(err)
	}
	c.Audience = t.audience // WithAudience checked it is present
	c.IssuedAt, c.NotBefore, c.ExpiresAt = jc.IssuedAt.UTC(), jc.NotBefore.UTC(), jc.ExpiresAt.UTC()
	if typ == TypeAccess {
		t.verified.put(token, c)
	}
	return c, nil
}

// stillValid repeats, for an access token verified before, every check
// whose outcome depends on the time, as the parser makes them: exp
// (with the leeway), iat and nbf not in the future, and a previous key
// only before GraceUntil. Signature, algorithm, kid, iss, aud and typ
// were checked on the exact same bytes and cannot change.
func (t *Tokens) stillValid(c Claims) error {
	now := t.clock()
	switch {
	case !now.Before(c.ExpiresAt.Add(t.leeway)):
		return jwt.ErrTokenExpired
	case now.Before(c.IssuedAt.Add(-t.leeway)):
		return jwt.ErrTokenUsedBeforeIssued
	case now.Before(c.NotBefore.Add(-t.leeway)):
		return jwt.ErrTokenNotValidYet
	case c.KeyID != t.current.id && !now.Before(t.graceUntil):
		return fmt.Errorf("kid %q: previous key past its grace period", logSafe(c.KeyID))
	}
	return nil
}

// maxVerified bounds the access tokens Tokens remembers: about 250 bytes
// each.
const maxVerified = 4096

// verifiedTokens remembers the claims of access tokens that passed the
// full verification, by the exact token: a client sends the same
// token with every request for its lifetime, and parsing it again (JSON,
// base64, HMAC) was about 6% of the server's CPU for a chat turn
// (bench/README.md). Only tokens that verified are kept, so a forged or
// altered token — any other string — is always verified in full; what the
// time changes is checked again on every use (stillValid); revocation is
// the caller's next step either way. When full, an arbitrary entry goes.
//
// Entries are keyed by the token's SHA-256, not the token: no bearer token
// outlives its request in memory (as refresh tokens are stored hashed),
// and a key never holds on to the request's header line it was cut from
// (found by review: a 32 KB padded header kept alive per entry).
type verifiedTokens struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]Claims
}

func (v *verifiedTokens) get(token string) (Claims, bool) {
	k := sha256.Sum256([]byte(token))
	v.mu.RLock()
	c, ok := v.m[k]
	v.mu.RUnlock()
	c.AMR = slices.Clone(c.AMR) // the caller's own copy
	return c, ok
}

func (v *verifiedTokens) put(token string, c Claims) {
	k := sha256.Sum256([]byte(token))
	c.AMR = slices.Clone(c.AMR)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = make(map[[sha256.Size]byte]Claims)
	}
	if _, ok := v.m[k]; !ok && len(v.m) >= maxVerified {
		for old := range v.m { // an arbitrary one: the map's order is random
			delete(v.m, old)
			break
		}
	}
	v.m[k] = c
}

func (v *verifiedTokens) forget(token string) {
	k := sha256.Sum256([]byte(token))
	v.mu.Lock()
	delete(v.m, k)
	v.mu.Unlock()
}

// keyFor returns the verification key with id kid: the current key, or a
// previous key before GraceUntil.
func (t *Tokens) keyFor(kid string) ([]byte, error) {
	if kid == t.current.id {
		return t.current.key, nil
	}
	for _, k := range t.previous {
		if k.id != kid {
			continue
		}
		if !t.clock().Before(t.graceUntil) {
			return nil, fmt.Errorf("kid %q: previous key past its grace period", logSafe(kid))
		}
		return k.key, nil
	}
	return nil, fmt.Errorf("unknown kid %q", logSafe(kid))
}

// logSafe shortens an attacker-supplied header value before it reaches an
// error message and so the log.
func logSafe(s string) string {
	const n = 24
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// NewRefreshToken returns a new opaque refresh token (256 bits from
// crypto/rand, base64url) and the SHA-256 hash under which it is stored.
// Refresh tokens are not JWTs: they mean something only as a row in the
// database, so they can be rotated and revoked (issue 3; DESIGN.md
// invariant 5, tokens stored hashed).
func NewRefreshToken() (token, hash string, err error) {
	token, err = crypto.RandomToken(RefreshTokenBytes)
	if err != nil {
		return "", "", fmt.Errorf("auth: refresh token: %w", err)
	}
	return token, crypto.HashToken(token), nil
}

// HashRefreshToken returns the stored form of a presented refresh token,
// for lookup.
func HashRefreshToken(token string) string {
	return crypto.HashToken(token)
}
