package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"math"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"supportbot/internal/crypto"
	"supportbot/internal/securemem"
)

// TOTP parameters: the authenticator-app defaults (RFC 6238 with SHA-1,
// 30-second steps, 6 digits), which every common app understands.
const (
	TOTPPeriod     = 30  // seconds per step
	TOTPDigits     = 6   // digits per code
	TOTPSkew       = 1   // steps accepted either side of the current one
	TOTPSecretSize = 20  // bytes: 160 bits, RFC 4226 section 4 R6
	TOTPImageSize  = 240 // pixels, width and height of the enrolment QR code
)

// Recovery code shape: RecoveryCodeGroups groups of RecoveryCodeGroupLen
// characters from a 32-symbol alphabet, 5 bits each: 16 characters, 80 bits.
const (
	RecoveryCodeCount    = 10 // issue 3, "10 single-use recovery codes"
	RecoveryCodeGroups   = 4
	RecoveryCodeGroupLen = 4
)

// recoveryAlphabet has 32 symbols, so each random byte's low 5 bits pick
// one without bias. It leaves out i, l, o and u; HashRecoveryCode reads
// i and l as 1 and o as 0, so a code copied from paper still works.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

var (
	// ErrInvalidOTP means a TOTP code (or recovery code) is malformed or
	// wrong. Clients are told only this.
	ErrInvalidOTP = errors.New("auth: invalid one-time code")
	// ErrOTPReplayed means the code was correct but its step was already
	// used (or is older than the last one used). It wraps ErrInvalidOTP, so
	// clients see the same answer; the audit log can tell them apart.
	ErrOTPReplayed = fmt.Errorf("%w: code already used", ErrInvalidOTP)
)

var totpOpts = totp.ValidateOpts{
	Period:    TOTPPeriod,
	Digits:    otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1,
}

// NewTOTPSecret generates a TOTP secret for account (usually the email) at
// issuer (the shop's name) and returns the base32 secret to store
// (encrypted), the otpauth:// URI and a 240×240 PNG QR code of it, both to
// show once at enrolment (issue 3, "enrolment returns the otpauth URI and a
// QR image"). Neither argument may contain a colon, which the URI uses as
// its separator.
func NewTOTPSecret(issuer, account string) (secret string, uri string, pngImage []byte, err error) {
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return "", "", nil, errors.New("auth: totp secret: issuer and account must be non-empty and without ':'")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      TOTPPeriod,
		SecretSize:  TOTPSecretSize,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
		Rand:        rand.Reader,
	})
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: totp secret: %w", err)
	}
	img, err := key.Image(TOTPImageSize, TOTPImageSize)
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, fmt.Errorf("auth: totp qr code: %w", err)
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// TOTPStep returns the RFC 6238 time step containing t.
func TOTPStep(t time.Time) int64 {
	s := t.Unix()
	step := s / TOTPPeriod
	if s < 0 && s%TOTPPeriod != 0 {
		step-- // floor, not truncation, before 1970
	}
	return step
}

// VerifyTOTP checks code against secret at time now and returns the step it
// belongs to, which the caller stores as the new lastStep. It accepts the
// current step and one either side (clock drift, a code typed as it
// changes), and refuses any step at or before lastStep, so a code works
// once and an older code never works after a newer one (issue 3, "a code
// already used is refused (store the last used step)"; RFC 6238 5.2; ASVS
// 4.0.3 2.8.4). Only exactly six ASCII digits are accepted. Each candidate
// is compared in constant time. Use a lastStep of -1 (or 0) before the
// first use.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (step int64, err error) {
	if len(code) != TOTPDigits || strings.Trim(code, "0123456789") != "" {
		return 0, fmt.Errorf("auth: verify totp: malformed code: %w", ErrInvalidOTP)
	}
	if err := checkTOTPSecret(secret); err != nil {
		return 0, fmt.Errorf("auth: verify totp: stored secret: %w", err)
	}
	current := TOTPStep(now)
	if current < TOTPSkew || current > math.MaxInt64/TOTPPeriod-TOTPSkew {
		return 0, fmt.Errorf("auth: verify totp: time %v out of range: %w", now, ErrInvalidOTP)
	}
	matched := int64(-1)
	for s := current - TOTPSkew; s <= current+TOTPSkew; s++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*TOTPPeriod, 0), totpOpts)
		if err != nil {
			// A secret that does not decode is a storage problem, not a
			// wrong code; it must not look like one in the log.
			return 0, fmt.Errorf("auth: verify totp: stored secret: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			matched = s // the latest matching step wins
		}
	}
	switch {
	case matched < 0:
		return 0, fmt.Errorf("auth: verify totp: %w", ErrInvalidOTP)
	case matched <= lastStep:
		return 0, fmt.Errorf("auth: verify totp: step %d, last used %d: %w", matched, lastStep, ErrOTPReplayed)
	}
	return matched, nil
}

// minTOTPSecretBytes is RFC 4226's minimum shared-secret length (section 4,
// R6: at least 128 bits). Without this check an empty or truncated stored
// secret would still produce codes: HMAC accepts a zero-length key.
const minTOTPSecretBytes = 16

func checkTOTPSecret(secret string) error {
	s := strings.ToUpper(strings.TrimRight(strings.TrimSpace(secret), "="))
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	n := len(raw)
	securemem.Zero(raw)
	switch {
	case err != nil:
		return errors.New("not valid base32")
	case n < minTOTPSecretBytes:
		return fmt.Errorf("%d bytes, want at least %d", n, minTOTPSecretBytes)
	}
	return nil
}

// NewRecoveryCodes returns n recovery codes to show the user once, like
// "7k3m-q9xa-2b5d-hw8c", and their hashes to store (issue 3, "10 single-use
// recovery codes shown once and stored hashed"; ASVS 4.0.3 2.6.2). Each
// code carries 80 random bits, and the codes are distinct. n is usually
// RecoveryCodeCount.
func NewRecoveryCodes(n int) (codes []string, hashes []string, err error) {
	if n < 1 || n > 100 {
		return nil, nil, fmt.Errorf("auth: recovery codes: %d codes, want 1 to 100", n)
	}
	const size = RecoveryCodeGroups * RecoveryCodeGroupLen
	seen := make(map[string]bool, n)
	raw := make([]byte, size)
	for len(codes) < n {
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, fmt.Errorf("auth: recovery codes: %w", err)
		}
		var b strings.Builder
		b.Grow(size + RecoveryCodeGroups - 1)
		for i, c := range raw {
			if i > 0 && i%RecoveryCodeGroupLen == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[c&31])
		}
		code := b.String()
		h := HashRecoveryCode(code)
		if seen[h] {
			continue // astronomically unlikely, but codes must be distinct
		}
		seen[h] = true
		codes = append(codes, code)
		hashes = append(hashes, h)
	}
	securemem.Zero(raw)
	return codes, hashes, nil
}

// HashRecoveryCode returns the stored form of a recovery code, for lookup:
// the SHA-256 of its normalised form (lower case, no dashes or spaces, i and
// l read as 1, o as 0), so "7K3M Q9XA 2B5D HW8C" finds "7k3m-q9xa-2b5d-hw8c".
// An unsalted hash is enough for 80 random bits (see crypto.HashToken).
func HashRecoveryCode(code string) string {
	return crypto.HashToken(NormalizeRecoveryCode(code))
}

// NormalizeRecoveryCode returns the canonical form of a typed recovery code.
func NormalizeRecoveryCode(code string) string {
	var b strings.Builder
	b.Grow(len(code))
	for _, r := range strings.ToLower(code) {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'i', 'l':
			r = '1'
		case 'o':
			r = '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}
