package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzVerifyAccess feeds arbitrary strings to both verifiers: they must
// never panic, must refuse with ErrInvalidToken, and must accept only
// strings our signer produced: a string that verifies must be exactly what
// signing its claims gives, so no mutation of a real token (another
// encoding, extra fields, a changed signature) verifies. The fuzzer cannot
// forge HMAC, so what verifies comes from the seeds, which the fixed clock
// and secret keep valid in every fuzzing process.
func FuzzVerifyAccess(f *testing.F) {
	clock := newFakeClock()
	tk := mustTokens(f, testTokensConfig(clock))
	var access []string
	for _, c := range []Claims{ann, {Subject: "u-admin", Role: RoleAdmin, AMR: []string{AMRPassword, AMRMFA}}} {
		s, _ := mustIssue(f, tk, c)
		access = append(access, s)
		f.Add(s)
		ch, _, err := tk.IssueChallenge(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ch)
	}
	for _, s := range access {
		parts := strings.Split(s, ".")
		f.Add(parts[0] + "." + parts[1] + ".")
		f.Add(`eyJhbGciOiJub25lIn0.` + parts[1] + ".")
		f.Add(s + "=")
		f.Add(strings.ToUpper(s))
	}
	for _, s := range []string{"", ".", "..", "a.b.c", "Bearer x", strings.Repeat("A", MaxTokenBytes+1),
		"eyJhbGciOiJIUzI1NiJ9.e30.", "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFiIn0.e30.c2ln"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		for typ, verify := range map[string]func(string) (Claims, error){
			TypeAccess: tk.VerifyAccess, TypeMFAChallenge: tk.VerifyChallenge,
		} {
			c, err := verify(s)
			if err != nil {
				if !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("refusal without ErrInvalidToken: %v", err)
				}
				continue
			}
			if c.Type != typ || !c.Role.Valid() || c.Subject == "" || c.KeyID != tk.KeyID() {
				t.Fatalf("verified claims are incomplete: %+v", c)
			}
			if again, err := tk.sign(c); err != nil || again != s {
				t.Fatalf("verified %q, which is not what our signer makes of its claims (%q)", s, again)
			}
		}
	})
}

// FuzzVerifyTOTP checks that a code is accepted only when it is six ASCII
// digits equal to the code of a step within one of now, after lastStep.
func FuzzVerifyTOTP(f *testing.F) {
	f.Add("050471", int64(1111111111), int64(-1))
	f.Add("050471", int64(1111111111), int64(1111111111/30))
	f.Add("081804", int64(1111111109), int64(0))
	f.Add(" 50471", int64(1111111111), int64(-1))
	f.Add("", int64(0), int64(0))
	f.Add("999999", int64(-1<<62), int64(-1<<63))
	f.Add("000000", int64(1<<62), int64(0))
	f.Fuzz(func(t *testing.T, code string, unix, last int64) {
		now := time.Unix(unix, 0)
		step, err := VerifyTOTP(rfcSecret, code, now, last)
		if err != nil {
			if !errors.Is(err, ErrInvalidOTP) {
				t.Fatalf("err = %v, want ErrInvalidOTP", err)
			}
			return
		}
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("accepted malformed code %q", code)
		}
		cur := TOTPStep(now)
		if step < cur-1 || step > cur+1 || step <= last {
			t.Fatalf("accepted step %d at current step %d, last %d", step, cur, last)
		}
		if codeAt(t, rfcSecret, step) != code {
			t.Fatalf("accepted %q, which is not the code of step %d", code, step)
		}
	})
}

// FuzzCheckPassword checks that the policy never panics, that an accepted
// password meets the length rules, and that messages never echo input.
func FuzzCheckPassword(f *testing.F) {
	f.Add("Tr4il-Mix-Kettle", "ann@shop.example", "Ann")
	f.Add("Password123!", "", "")
	f.Add("\xff\xfe", "@", "@")
	f.Add(strings.Repeat("Ü", 40), "x@", "")
	messages := map[string]bool{}
	for _, pw := range []string{"", strings.Repeat("Ab1!", 19), "Tab\there-Pass1", "\xff", "Password123!"} {
		var pe *PasswordError
		if errors.As(CheckPassword(pw, "", ""), &pe) {
			for _, m := range pe.Messages() {
				messages[m] = true
			}
		}
	}
	var pe *PasswordError
	errors.As(CheckPassword("Ann.Smith-99@Shop.Example", "ann.smith-99@shop.example", "Ann.Smith-99@Shop.Example"), &pe)
	for _, m := range pe.Messages() {
		messages[m] = true
	}

	f.Fuzz(func(t *testing.T, pw, email, name string) {
		err := CheckPassword(pw, email, name)
		if err == nil {
			if utf8.RuneCountInString(pw) < MinPasswordRunes || len(pw) > MaxPasswordBytes || !utf8.ValidString(pw) {
				t.Fatalf("accepted %q", pw)
			}
			if IsCommonPassword(pw) {
				t.Fatalf("accepted common %q", pw)
			}
			return
		}
		var pe *PasswordError
		if !errors.As(err, &pe) || len(pe.Violations) == 0 {
			t.Fatalf("err = %v, want *PasswordError with violations", err)
		}
		for _, m := range pe.Messages() {
			if !messages[m] {
				t.Fatalf("unexpected message %q", m)
			}
		}
	})
}

// FuzzHashRecoveryCode checks that normalisation is idempotent and ignores
// case and dashes, so a typed code always finds its stored hash.
func FuzzHashRecoveryCode(f *testing.F) {
	f.Add("7k3m-q9xa-2b5d-hw81")
	f.Add("7K3M Q9XA 2B5D HW8L")
	f.Add("İıK")
	f.Add("")
	f.Fuzz(func(t *testing.T, code string) {
		if !utf8.ValidString(code) {
			// Invalid bytes become U+FFFD and never match a real code;
			// removing a dash can make such bytes valid, so skip them.
			return
		}
		n := NormalizeRecoveryCode(code)
		if NormalizeRecoveryCode(n) != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", code, n, NormalizeRecoveryCode(n))
		}
		if strings.ContainsAny(n, "- \t") {
			t.Fatalf("separators left in %q", n)
		}
		if HashRecoveryCode(code) != HashRecoveryCode(strings.ReplaceAll(code, "-", "")) {
			t.Fatalf("dashes change the hash of %q", code)
		}
	})
}
