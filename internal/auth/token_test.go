package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"supportbot/internal/clock"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"supportbot/internal/crypto"
)

func newFakeClock() *clock.Manual {
	return clock.NewManual(time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC))
}

// testSecret returns a fixed 64-byte secret named by label.
func testSecret(label string) []byte {
	a := sha256.Sum256([]byte("supportbot auth test secret 1: " + label))
	b := sha256.Sum256([]byte("supportbot auth test secret 2: " + label))
	return append(a[:], b[:]...)
}

func testTokensConfig(clock *clock.Manual) TokensConfig {
	return TokensConfig{
		Current:   testSecret("current"),
		Issuer:    "supportbot",
		Audience:  "supportbot-api",
		AccessTTL: 15 * time.Minute,
		Leeway:    30 * time.Second,
		Clock:     clock.Now,
	}
}

func mustTokens(t testing.TB, cfg TokensConfig) *Tokens {
	t.Helper()
	tk, err := NewTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

var ann = Claims{Subject: "u-ann", Role: RoleCustomer, Generation: 3, AMR: []string{AMRPassword}}

func mustIssue(t testing.TB, tk *Tokens, c Claims) (string, Claims) {
	t.Helper()
	s, issued, err := tk.IssueAccess(c)
	if err != nil {
		t.Fatal(err)
	}
	return s, issued
}

// wireClaims returns valid wire claims for a token issued by tk now; cases
// change one thing and sign the result themselves.
func wireClaims(tk *Tokens) jwtClaims {
	now := tk.clock().Truncate(time.Second)
	return jwtClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tk.issuer,
			Subject:   "u-ann",
			Audience:  jwt.ClaimStrings{tk.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        "jti-1",
		},
		Role: string(RoleCustomer),
		Type: TypeAccess,
	}
}

// sign signs claims with method and key under the header values given.
func sign(t testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rawToken builds a token from raw JSON header and payload, HMAC-signed
// with key under HS256 whatever the header says.
func rawToken(header, payload string, key []byte) string {
	enc := base64.RawURLEncoding
	in := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(in))
	return in + "." + enc.EncodeToString(m.Sum(nil))
}

func replacePart(token string, i int, part string) string {
	parts := strings.Split(token, ".")
	parts[i] = part
	return strings.Join(parts, ".")
}

func decodePart(t testing.TB, token string, i int) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func encodePart(t testing.TB, m map[string]any) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestIssueAndVerifyAccess(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(700 * time.Millisecond) // issue must truncate to whole seconds
	tk := mustTokens(t, testTokensConfig(clock))
	s, issued := mustIssue(t, tk, ann)

	want := Claims{
		Issuer: "supportbot", Audience: "supportbot-api", Subject: "u-ann", Role: RoleCustomer,
		Type: TypeAccess, ID: issued.ID, Generation: 3, AMR: []string{AMRPassword},
		IssuedAt: clock.Now().Truncate(time.Second), NotBefore: clock.Now().Truncate(time.Second),
		ExpiresAt: clock.Now().Truncate(time.Second).Add(15 * time.Minute), KeyID: tk.KeyID(),
	}
	if !reflect.DeepEqual(issued, want) {
		t.Fatalf("issued claims\n got %+v\nwant %+v", issued, want)
	}
	got, err := tk.VerifyAccess(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, issued) {
		t.Fatalf("verified claims\n got %+v\nwant %+v", got, issued)
	}
	if got.MFA() {
		t.Error("password-only token claims MFA")
	}

	h := decodePart(t, s, 0)
	if h["alg"] != "HS256" || h["kid"] != tk.KeyID() || len(tk.KeyID()) != 8 {
		t.Errorf("header = %v", h)
	}
	p := decodePart(t, s, 1)
	for _, k := range []string{"iss", "aud", "sub", "role", "iat", "nbf", "exp", "jti", "typ", "gen"} {
		if _, ok := p[k]; !ok {
			t.Errorf("claim %s missing from %v", k, p)
		}
	}

	s2, issued2 := mustIssue(t, tk, ann)
	if s2 == s || issued2.ID == issued.ID || len(issued.ID) < 22 {
		t.Error("two tokens share a jti, or the jti is short")
	}
}

func TestAccessTokenMFAClaims(t *testing.T) {
	tk := mustTokens(t, testTokensConfig(newFakeClock()))
	c := Claims{Subject: "u-admin", Role: RoleAdmin, AMR: []string{AMRPassword, AMROTP, AMRMFA}}
	s, _ := mustIssue(t, tk, c)
	got, err := tk.VerifyAccess(s)
	if err != nil {
		t.Fatal(err)
	}
	if !got.MFA() || got.Role != RoleAdmin {
		t.Fatalf("claims = %+v", got)
	}
}

func TestIssueRefusesIncompleteClaims(t *testing.T) {
	tk := mustTokens(t, testTokensConfig(newFakeClock()))
	for name, c := range map[string]Claims{
		"no subject":   {Role: RoleCustomer},
		"no role":      {Subject: "u-1"},
		"unknown role": {Subject: "u-1", Role: "root"},
	} {
		if _, _, err := tk.IssueAccess(c); err == nil {
			t.Errorf("%s: issued", name)
		}
		if _, _, err := tk.IssueChallenge(c); err == nil {
			t.Errorf("%s: challenge issued", name)
		}
	}
}

func TestVerifyAccessRefuses(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		token func(t *testing.T, tk *Tokens, clock *clock.Manual) string
	}{
		{"alg none", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"alg none with a valid HS256 signature attached", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			h := decodePart(t, good, 0)
			h["alg"] = "none"
			return replacePart(good, 0, encodePart(t, h))
		}},
		{"alg NONE upper case", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			p, _ := json.Marshal(wireClaims(tk))
			return rawToken(`{"alg":"NONE","kid":"`+tk.KeyID()+`"}`, string(p), tk.current.key)
		}},
		{"HS256 signed with another key", func(t *testing.T, tk *Tokens, clock *clock.Manual) string {
			cfg := testTokensConfig(clock)
			cfg.Current = testSecret("attacker")
			s, _ := mustIssue(t, mustTokens(t, cfg), ann)
			return s
		}},
		{"HS256 signed with another key under our kid", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			other, _ := crypto.DeriveKey(testSecret("attacker"), jwtKeyPurpose, 32)
			return sign(t, jwt.SigningMethodHS256, other, map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"HS256 signed with the raw secret instead of the derived key", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS256, testSecret("current"), map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"HS512 with our key", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS512, tk.current.key, map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"RS256 header and signature", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodRS256, rsaKey, map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"RS256 header, HMAC signature with our key (algorithm confusion)", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			p, _ := json.Marshal(wireClaims(tk))
			return rawToken(`{"alg":"RS256","kid":"`+tk.KeyID()+`","typ":"JWT"}`, string(p), tk.current.key)
		}},
		{"ES256 header and signature", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodES256, ecKey, map[string]any{"kid": tk.KeyID()}, wireClaims(tk))
		}},
		{"ES256 header, HMAC signature with our key", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			p, _ := json.Marshal(wireClaims(tk))
			return rawToken(`{"alg":"ES256","kid":"`+tk.KeyID()+`"}`, string(p), tk.current.key)
		}},
		{"expired beyond the leeway", func(t *testing.T, tk *Tokens, clock *clock.Manual) string {
			s, _ := mustIssue(t, tk, ann)
			clock.Advance(15*time.Minute + 31*time.Second)
			return s
		}},
		{"no exp", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.ExpiresAt = nil
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"nbf in the future", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.NotBefore = jwt.NewNumericDate(tk.clock().Add(time.Minute))
			c.ExpiresAt = jwt.NewNumericDate(tk.clock().Add(10 * time.Minute))
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"iat in the future", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.IssuedAt = jwt.NewNumericDate(tk.clock().Add(time.Minute))
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"no nbf", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.NotBefore = nil
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"wrong iss", func(t *testing.T, tk *Tokens, clock *clock.Manual) string {
			cfg := testTokensConfig(clock)
			cfg.Issuer = "someone-else"
			s, _ := mustIssue(t, mustTokens(t, cfg), ann)
			return s
		}},
		{"no iss", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Issuer = ""
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"wrong aud", func(t *testing.T, tk *Tokens, clock *clock.Manual) string {
			cfg := testTokensConfig(clock)
			cfg.Audience = "another-service"
			s, _ := mustIssue(t, mustTokens(t, cfg), ann)
			return s
		}},
		{"no aud", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Audience = nil
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"typ mfa_challenge", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			s, _, err := tk.IssueChallenge(ann)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"typ refresh", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Type = "refresh"
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"typ Access in other case", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Type = "Access"
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"no typ", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Type = ""
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"no sub", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Subject = ""
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"no jti", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.ID = ""
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"unknown role", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Role = "superuser"
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"tampered payload: role raised to admin", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			p := decodePart(t, good, 1)
			p["role"] = "admin"
			return replacePart(good, 1, encodePart(t, p))
		}},
		{"tampered payload: subject changed", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			p := decodePart(t, good, 1)
			p["sub"] = "u-bob"
			return replacePart(good, 1, encodePart(t, p))
		}},
		{"tampered payload: expiry extended", func(t *testing.T, tk *Tokens, clock *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			p := decodePart(t, good, 1)
			p["exp"] = clock.Now().Add(24 * time.Hour).Unix()
			clock.Advance(time.Hour)
			return replacePart(good, 1, encodePart(t, p))
		}},
		{"tampered header", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			h := decodePart(t, good, 0)
			h["x"] = "y"
			return replacePart(good, 0, encodePart(t, h))
		}},
		{"tampered signature", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			sig := []byte(strings.Split(good, ".")[2])
			sig[5] ^= 1
			return replacePart(good, 2, string(sig))
		}},
		{"signature in a non-canonical encoding", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			sig := strings.Split(good, ".")[2]
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			last := strings.IndexByte(alphabet, sig[len(sig)-1])
			// 32 bytes take 43 characters; the last one's two low bits are
			// padding, which lax decoders ignore.
			return replacePart(good, 2, sig[:len(sig)-1]+string(alphabet[last^1]))
		}},
		{"padded segments", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			return good + "="
		}},
		{"signature stripped", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			return replacePart(good, 2, "")
		}},
		{"unknown kid", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": "00000000"}, wireClaims(tk))
		}},
		{"no kid", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS256, tk.current.key, nil, wireClaims(tk))
		}},
		{"kid not a string", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": 7}, wireClaims(tk))
		}},
		{"crit header", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID(), "crit": []string{"exp"}}, wireClaims(tk))
		}},
		{"refresh token used as access token", func(t *testing.T, _ *Tokens, _ *clock.Manual) string {
			s, _, err := NewRefreshToken()
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"empty", func(*testing.T, *Tokens, *clock.Manual) string { return "" }},
		{"garbage", func(*testing.T, *Tokens, *clock.Manual) string { return "not a token" }},
		{"two segments", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			return good[:strings.LastIndexByte(good, '.')]
		}},
		{"four segments", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			return good + ".x"
		}},
		{"oversized", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			c := wireClaims(tk)
			c.Subject = strings.Repeat("a", MaxTokenBytes)
			return sign(t, jwt.SigningMethodHS256, tk.current.key, map[string]any{"kid": tk.KeyID()}, c)
		}},
		{"Bearer prefix left on", func(t *testing.T, tk *Tokens, _ *clock.Manual) string {
			good, _ := mustIssue(t, tk, ann)
			return "Bearer " + good
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			tk := mustTokens(t, testTokensConfig(clock))
			s := tc.token(t, tk, clock)
			c, err := tk.VerifyAccess(s)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("err = %v, want ErrInvalidToken", err)
			}
			t.Log(err) // the detail the server log would get
			if !reflect.DeepEqual(c, Claims{}) {
				t.Fatalf("refused token returned claims %+v", c)
			}
			if s != "" && strings.Contains(err.Error(), s) {
				t.Fatal("error contains the token")
			}
		})
	}
}

// leewayCases are the expiry cases of TestVerifyAccessLeeway.
var leewayCases = []struct {
	name   string
	leeway time.Duration
	after  time.Duration // past exp
	ok     bool
}{
	{"at exp minus 1s", 0, -time.Second, true},
	{"at exp, no leeway", 0, 0, false},
	{"29s past exp, 30s leeway", 30 * time.Second, 29 * time.Second, true},
	{"31s past exp, 30s leeway", 30 * time.Second, 31 * time.Second, false},
	{"leeway of 10m clamped to 30s", 10 * time.Minute, 31 * time.Second, false},
	{"negative leeway is none", -time.Minute, 0, false},
}

// Each case runs on a fresh token and on one verified (and remembered)
// while still valid: every use checks again what the time changes.
func TestVerifyAccessLeeway(t *testing.T) {
	for _, tc := range leewayCases {
		for _, remembered := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, remembered %v", tc.name, remembered), func(t *testing.T) {
				clock := newFakeClock()
				cfg := testTokensConfig(clock)
				cfg.Leeway = tc.leeway
				tk := mustTokens(t, cfg)
				s, _ := mustIssue(t, tk, ann)
				if _, err := tk.VerifyAccess(s); remembered && err != nil {
					t.Fatal(err)
				}
				if !remembered {
					tk.verified.forget(s)
				} else if len(tk.verified.m) != 1 {
					t.Fatal("a verified token was not remembered")
				}
				clock.Advance(cfg.AccessTTL + tc.after)
				_, err := tk.VerifyAccess(s)
				if (err == nil) != tc.ok {
					t.Fatalf("err = %v, want ok=%v", err, tc.ok)
				}
				if err != nil && !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("err = %v, want ErrInvalidToken", err)
				}
			})
		}
	}
}

func TestPreviousKeyGracePeriod(t *testing.T) {
	clock := newFakeClock()
	oldCfg := testTokensConfig(clock)
	oldCfg.Current = testSecret("old")
	oldTk := mustTokens(t, oldCfg)
	oldToken, _ := mustIssue(t, oldTk, ann)

	// SECRET_KEY rotated: the new key signs, the old one verifies until
	// GraceUntil.
	cfg := testTokensConfig(clock)
	cfg.Previous = [][]byte{testSecret("old")}
	cfg.GraceUntil = clock.Now().Add(10 * time.Minute)
	tk := mustTokens(t, cfg)
	if tk.KeyID() == oldTk.KeyID() {
		t.Fatal("rotation kept the kid")
	}

	got, err := tk.VerifyAccess(oldToken)
	if err != nil {
		t.Fatalf("inside the grace period: %v", err)
	}
	if got.KeyID != oldTk.KeyID() {
		t.Errorf("KeyID = %s, want the previous key's %s", got.KeyID, oldTk.KeyID())
	}
	newToken, issued := mustIssue(t, tk, ann)
	if issued.KeyID != tk.KeyID() {
		t.Fatal("a previous key signed a new token")
	}

	clock.Advance(10 * time.Minute) // exactly GraceUntil: over
	if _, err := tk.VerifyAccess(oldToken); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("after the grace period: err = %v", err)
	}
	if _, err := tk.VerifyAccess(newToken); err != nil {
		t.Fatalf("new token: %v", err)
	}
	if _, err := oldTk.VerifyAccess(newToken); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("the old key verifies tokens of the new one")
	}
}

func TestChallengeTokens(t *testing.T) {
	clock := newFakeClock()
	tk := mustTokens(t, testTokensConfig(clock))
	ch, issued, err := tk.IssueChallenge(Claims{Subject: "u-admin", Role: RoleAdmin, Generation: 1, AMR: []string{AMRPassword}})
	if err != nil {
		t.Fatal(err)
	}
	if issued.Type != TypeMFAChallenge || issued.ExpiresAt.Sub(issued.IssuedAt) != ChallengeTTL {
		t.Fatalf("issued = %+v", issued)
	}
	got, err := tk.VerifyChallenge(ch)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, issued) {
		t.Fatalf("got %+v, want %+v", got, issued)
	}
	if _, err := tk.VerifyAccess(ch); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("challenge accepted as access token")
	}
	access, _ := mustIssue(t, tk, ann)
	if _, err := tk.VerifyChallenge(access); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("access token accepted as challenge")
	}
	clock.Advance(ChallengeTTL + MaxLeeway)
	if _, err := tk.VerifyChallenge(ch); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("challenge accepted after 5 minutes")
	}
}

func TestNewTokensRefusesBadConfig(t *testing.T) {
	clock := newFakeClock()
	for name, mut := range map[string]func(*TokensConfig){
		"no clock":                  func(c *TokensConfig) { c.Clock = nil },
		"no issuer":                 func(c *TokensConfig) { c.Issuer = "" },
		"no audience":               func(c *TokensConfig) { c.Audience = "" },
		"short secret":              func(c *TokensConfig) { c.Current = c.Current[:31] },
		"negative ttl":              func(c *TokensConfig) { c.AccessTTL = -time.Minute },
		"ttl over a day":            func(c *TokensConfig) { c.AccessTTL = 25 * time.Hour },
		"previous without grace":    func(c *TokensConfig) { c.Previous = [][]byte{testSecret("old")} },
		"previous equal to current": func(c *TokensConfig) { c.Previous, c.GraceUntil = [][]byte{testSecret("current")}, clock.Now() },
		"short previous":            func(c *TokensConfig) { c.Previous, c.GraceUntil = [][]byte{make([]byte, 8)}, clock.Now() },
		"the same previous key twice": func(c *TokensConfig) {
			c.Previous, c.GraceUntil = [][]byte{testSecret("old"), testSecret("old")}, clock.Now()
		},
	} {
		cfg := testTokensConfig(clock)
		mut(&cfg)
		if _, err := NewTokens(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cfg := testTokensConfig(clock)
	cfg.AccessTTL = 0
	if tk := mustTokens(t, cfg); tk.AccessTTL() != DefaultAccessTTL {
		t.Errorf("default TTL %s", tk.AccessTTL())
	}
}

func TestKeyIDIsStableAndDistinct(t *testing.T) {
	clock := newFakeClock()
	a := mustTokens(t, testTokensConfig(clock))
	b := mustTokens(t, testTokensConfig(clock))
	cfg := testTokensConfig(clock)
	cfg.Current = testSecret("other")
	c := mustTokens(t, cfg)
	if a.KeyID() != b.KeyID() || a.KeyID() == c.KeyID() {
		t.Fatalf("kids %s %s %s", a.KeyID(), b.KeyID(), c.KeyID())
	}
	if strings.Contains(a.KeyID(), "current") {
		t.Fatal("kid reveals the secret")
	}
}

func TestNewRefreshToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash, err := NewRefreshToken()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not 32 random bytes in base64url", tok)
		}
		if hash != HashRefreshToken(tok) || hash != crypto.HashToken(tok) || len(hash) != 64 {
			t.Fatalf("hash %q does not match the token", hash)
		}
		if strings.Contains(hash, tok) || seen[tok] {
			t.Fatal("hash contains the token, or a token repeated")
		}
		seen[tok] = true
	}
}

func BenchmarkIssueAccess(b *testing.B) {
	tk := mustTokens(b, testTokensConfig(newFakeClock()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tk.IssueAccess(ann); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAccess is a token's first verification (parse, HMAC,
// claims); BenchmarkVerifyAccessAgain every later one (remembered, times
// checked again).
func BenchmarkVerifyAccess(b *testing.B) {
	tk := mustTokens(b, testTokensConfig(newFakeClock()))
	s, _ := mustIssue(b, tk, ann)
	b.ReportAllocs()
	for b.Loop() {
		tk.verified.forget(s)
		if _, err := tk.VerifyAccess(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyAccessAgain(b *testing.B) {
	tk := mustTokens(b, testTokensConfig(newFakeClock()))
	s, _ := mustIssue(b, tk, ann)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.VerifyAccess(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueAndVerifyAccess(b *testing.B) {
	tk := mustTokens(b, testTokensConfig(newFakeClock()))
	b.ReportAllocs()
	for b.Loop() {
		s, _, err := tk.IssueAccess(ann)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tk.VerifyAccess(s); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSessionIDClaimRoundTrips(t *testing.T) {
	tk := mustTokens(t, testTokensConfig(newFakeClock()))
	c := ann
	c.SessionID = "0123456789abcdef0123456789abcdef"
	s, issued := mustIssue(t, tk, c)
	if issued.SessionID != c.SessionID {
		t.Fatalf("issued sid = %q", issued.SessionID)
	}
	got, err := tk.VerifyAccess(s)
	if err != nil || got.SessionID != c.SessionID {
		t.Fatalf("verified sid = %q, %v", got.SessionID, err)
	}
	if p := decodePart(t, s, 1); p["sid"] != c.SessionID {
		t.Errorf("payload = %v, want sid", p)
	}
	// A token without a session (a challenge) carries no sid at all.
	s, _ = mustIssue(t, tk, ann)
	if _, ok := decodePart(t, s, 1)["sid"]; ok {
		t.Error("empty sid encoded")
	}
}

// A token verified once is remembered (expiry and a previous key's grace
// period are checked again: TestVerifyAccessLeeway, TestPreviousKeyGracePeriod,
// which verifies its old token inside the grace period first); any other
// string is verified in full, and claims are the caller's own.
func TestRememberedTokensAreCheckedAgain(t *testing.T) {
	t.Run("another string is verified in full", func(t *testing.T) {
		tk := mustTokens(t, testTokensConfig(newFakeClock()))
		s, _ := mustIssue(t, tk, ann)
		if _, err := tk.VerifyAccess(s); err != nil {
			t.Fatal(err)
		}
		b := []byte(s) // one character of the signature changed
		if b[len(b)-10] == 'A' {
			b[len(b)-10] = 'B'
		} else {
			b[len(b)-10] = 'A'
		}
		forged := string(b)
		if _, err := tk.VerifyAccess(forged); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("altered signature of a remembered token: err = %v", err)
		}
		if _, err := tk.VerifyChallenge(s); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("a remembered access token passed as a challenge: err = %v", err)
		}
	})

	t.Run("claims are the caller's own", func(t *testing.T) {
		tk := mustTokens(t, testTokensConfig(newFakeClock()))
		s, _ := mustIssue(t, tk, ann)
		first, _ := tk.VerifyAccess(s)
		if len(tk.verified.m) != 1 {
			t.Fatalf("%d tokens remembered after one verification, want 1", len(tk.verified.m))
		}
		first.AMR[0] = "tampered"
		again, err := tk.VerifyAccess(s)
		if err != nil || again.AMR[0] != AMRPassword || again.Subject != ann.Subject {
			t.Fatalf("second verification: %+v, %v", again, err)
		}
	})

	t.Run("bounded", func(t *testing.T) {
		tk := mustTokens(t, testTokensConfig(newFakeClock()))
		for i := range maxVerified + 20 {
			c := ann
			c.Subject = fmt.Sprintf("u-%d", i)
			s, _ := mustIssue(t, tk, c)
			if _, err := tk.VerifyAccess(s); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(tk.verified.m); n != maxVerified {
			t.Fatalf("%d tokens remembered, want %d", n, maxVerified)
		}
	})
}
