package auth

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// rfcSecret is RFC 6238 appendix B's SHA-1 key "12345678901234567890" in
// base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func codeAt(t testing.TB, secret string, step int64) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, time.Unix(step*TOTPPeriod, 0), totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerifyTOTPKnownAnswers(t *testing.T) {
	// RFC 6238 appendix B (SHA-1), last six of the eight digits.
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		step, err := VerifyTOTP(rfcSecret, tc.code, time.Unix(tc.unix, 0), -1)
		if err != nil {
			t.Errorf("T=%d code %s: %v", tc.unix, tc.code, err)
			continue
		}
		if step != tc.unix/30 {
			t.Errorf("T=%d: step %d, want %d", tc.unix, step, tc.unix/30)
		}
	}
}

func TestVerifyTOTPWindow(t *testing.T) {
	secret, _, _, err := NewTOTPSecret("Demo Shop", "ann@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	now := newFakeClock().Now().Add(17 * time.Second) // mid-step
	cur := TOTPStep(now)
	for _, tc := range []struct {
		offset int64
		ok     bool
	}{{-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}} {
		t.Run(fmt.Sprintf("step %+d", tc.offset), func(t *testing.T) {
			code := codeAt(t, secret, cur+tc.offset)
			// Guard against the one-in-a-million case of the code also
			// being valid for an accepted step.
			for o := int64(-1); !tc.ok && o <= 1; o++ {
				if codeAt(t, secret, cur+o) == code {
					t.Skip("code collides with an accepted step")
				}
			}
			step, err := VerifyTOTP(secret, code, now, -1)
			if tc.ok {
				if err != nil || step != cur+tc.offset {
					t.Fatalf("step %d, err %v; want step %d", step, err, cur+tc.offset)
				}
			} else if !errors.Is(err, ErrInvalidOTP) || errors.Is(err, ErrOTPReplayed) {
				t.Fatalf("err = %v, want ErrInvalidOTP", err)
			}
		})
	}
}

func TestVerifyTOTPRefusesReplay(t *testing.T) {
	now := time.Unix(1111111111, 0)
	cur := TOTPStep(now)
	code := codeAt(t, rfcSecret, cur)

	last, err := VerifyTOTP(rfcSecret, code, now, -1)
	if err != nil {
		t.Fatal(err)
	}
	// The same code again, within its validity: refused.
	if _, err := VerifyTOTP(rfcSecret, code, now.Add(10*time.Second), last); !errors.Is(err, ErrOTPReplayed) {
		t.Fatalf("replay: err = %v, want ErrOTPReplayed", err)
	}
	if _, err := VerifyTOTP(rfcSecret, code, now.Add(10*time.Second), last); !errors.Is(err, ErrInvalidOTP) {
		t.Fatal("a replay is not also an invalid code")
	}
	// An older code, still inside the window, after a newer one: refused.
	next := codeAt(t, rfcSecret, cur+1)
	last, err = VerifyTOTP(rfcSecret, next, now.Add(TOTPPeriod*time.Second), last)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyTOTP(rfcSecret, code, now.Add(TOTPPeriod*time.Second), last); !errors.Is(err, ErrOTPReplayed) {
		t.Fatalf("older code: err = %v, want ErrOTPReplayed", err)
	}
	// The following step's code still works.
	if _, err := VerifyTOTP(rfcSecret, codeAt(t, rfcSecret, cur+2), now.Add(2*TOTPPeriod*time.Second), last); err != nil {
		t.Fatalf("next step: %v", err)
	}
}

func TestVerifyTOTPRefusesMalformedCodes(t *testing.T) {
	now := time.Unix(1111111111, 0)
	good := codeAt(t, rfcSecret, TOTPStep(now))
	for _, code := range []string{
		"", "05047", "0504711", good[:5], good + "0", " " + good, good + " ", good[:3] + " " + good[3:],
		"05047a", "+50471", "-50471", "٠٥٠٤٧١", "０５０４７１", "050471\n", "0x1234", "5e+004",
	} {
		if _, err := VerifyTOTP(rfcSecret, code, now, -1); !errors.Is(err, ErrInvalidOTP) {
			t.Errorf("%q: err = %v, want ErrInvalidOTP", code, err)
		}
	}
}

func TestVerifyTOTPRefusesBadSecrets(t *testing.T) {
	now := time.Unix(1111111111, 0)
	for name, secret := range map[string]string{
		"empty":      "",
		"short":      "GEZDGNBVGY3TQOJQ", // 10 bytes
		"not base32": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!",
	} {
		_, err := VerifyTOTP(secret, "123456", now, -1)
		if err == nil || errors.Is(err, ErrInvalidOTP) {
			t.Errorf("%s secret: err = %v, want a storage error, not a wrong code", name, err)
		}
	}
	// Lower case, as some apps and copies have it, is the same secret.
	if _, err := VerifyTOTP(strings.ToLower(rfcSecret), "050471", now, -1); err != nil {
		t.Errorf("lower-case secret: %v", err)
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, uri, img, err := NewTOTPSecret("Demo Shop", "ann@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 20 bytes in unpadded base32
		t.Errorf("secret %q is not 160 bits", secret)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || q.Get("secret") != secret || q.Get("issuer") != "Demo Shop" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" ||
		!strings.Contains(u.Path, "ann@shop.example") {
		t.Errorf("uri = %s", uri)
	}
	decoded, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if b := decoded.Bounds(); b.Dx() != TOTPImageSize || b.Dy() != TOTPImageSize {
		t.Errorf("QR image is %v", b)
	}
	other, _, _, err := NewTOTPSecret("Demo Shop", "ann@shop.example")
	if err != nil || other == secret {
		t.Fatal("two enrolments share a secret")
	}
	// A code from the new secret verifies.
	now := newFakeClock().Now()
	if _, err := VerifyTOTP(secret, codeAt(t, secret, TOTPStep(now)), now, -1); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][2]string{{"", "a"}, {"a", ""}, {"Shop:Evil", "a"}, {"Shop", "a:b"}} {
		if _, _, _, err := NewTOTPSecret(args[0], args[1]); err == nil {
			t.Errorf("NewTOTPSecret(%q, %q) accepted", args[0], args[1])
		}
	}
}

func TestTOTPStep(t *testing.T) {
	for unix, want := range map[int64]int64{0: 0, 29: 0, 30: 1, 59: 1, 60: 2, -1: -1, -30: -1, -31: -2} {
		if got := TOTPStep(time.Unix(unix, 0)); got != want {
			t.Errorf("TOTPStep(%d) = %d, want %d", unix, got, want)
		}
	}
}

var recoveryCodeShape = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$`)

func TestNewRecoveryCodes(t *testing.T) {
	codes, hashes, err := NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("%d codes, %d hashes, want 10", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if !recoveryCodeShape.MatchString(c) {
			t.Errorf("code %q has the wrong shape", c)
		}
		if hashes[i] != HashRecoveryCode(c) || len(hashes[i]) != 64 {
			t.Errorf("hash %d does not match its code", i)
		}
		if strings.Contains(hashes[i], c) || seen[c] || seen[hashes[i]] {
			t.Errorf("code %q repeated or leaked into its hash", c)
		}
		seen[c], seen[hashes[i]] = true, true
	}
	// 80 bits each: 16 symbols from 32.
	if len(recoveryAlphabet) != 32 || RecoveryCodeGroups*RecoveryCodeGroupLen*5 < 60 {
		t.Fatal("recovery codes carry too little entropy")
	}
	for _, n := range []int{0, -1, 101} {
		if _, _, err := NewRecoveryCodes(n); err == nil {
			t.Errorf("NewRecoveryCodes(%d) accepted", n)
		}
	}
}

func TestRecoveryCodesUseTheWholeAlphabet(t *testing.T) {
	counts := map[rune]int{}
	for range 20 {
		codes, _, err := NewRecoveryCodes(RecoveryCodeCount)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			for _, r := range strings.ReplaceAll(c, "-", "") {
				counts[r]++
			}
		}
	}
	// 3,200 symbols, 100 expected per letter: all 32 appear (missing one
	// has probability about 32·e^-100).
	if len(counts) != 32 {
		t.Fatalf("only %d distinct symbols used: %v", len(counts), counts)
	}
	for _, r := range "ilou" {
		if counts[r] > 0 {
			t.Errorf("ambiguous symbol %q used", r)
		}
	}
}

func TestHashRecoveryCodeNormalises(t *testing.T) {
	const code = "7k3m-q9xa-2b5d-hw81"
	want := HashRecoveryCode(code)
	for _, typed := range []string{
		"7K3M-Q9XA-2B5D-HW81",
		"7k3mq9xa2b5dhw81",
		"7k3m q9xa 2b5d hw81",
		" 7k3m-q9xa-2b5d-hw8l ", // l read as 1
		"7k3m-q9xa-2b5d-hw8I",   // I read as 1
	} {
		if got := HashRecoveryCode(typed); got != want {
			t.Errorf("%q hashes differently from %q", typed, code)
		}
	}
	if HashRecoveryCode("7k3m-q9xa-2b5d-hw0o") != HashRecoveryCode("7k3m-q9xa-2b5d-hw00") {
		t.Error("o is not read as 0")
	}
	for _, other := range []string{"7k3m-q9xa-2b5d-hw82", "7k3m-q9xa-2b5d-hw8", "", "7k3m-q9xa-2b5d-hw811"} {
		if HashRecoveryCode(other) == want {
			t.Errorf("%q matches %q", other, code)
		}
	}
}

func BenchmarkVerifyTOTP(b *testing.B) {
	now := time.Unix(1111111111, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyTOTP(rfcSecret, "050471", now, -1); err != nil {
			b.Fatal(err)
		}
	}
}
