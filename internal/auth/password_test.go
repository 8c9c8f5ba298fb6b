package auth

import (
	"bufio"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCheckPasswordAcceptsStrongPasswords(t *testing.T) {
	for _, pw := range []string{
		"Tr4il-Mix-Kettle",
		"correct Horse 9 battery!",
		"Überweisung#2031x",        // non-English letters count as letters
		"Ж3лезная-дорога",          // 15 runes, 27 bytes
		strings.Repeat("Ab1!", 18), // exactly 72 bytes
	} {
		if err := CheckPassword(pw, "ann@shop.example", "Ann Smith"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

func TestCheckPasswordListsEveryUnmetRule(t *testing.T) {
	for _, tc := range []struct {
		name, pw, email, display string
		want                     []PasswordRule
	}{
		{"empty", "", "", "", []PasswordRule{RuleMinLength, RuleUpper, RuleLower, RuleDigit, RuleSymbol}},
		{"short but complex", "Ab1!Ab1!Ab1", "", "", []PasswordRule{RuleMinLength}},
		{"no upper case", "lowercase-only-1", "", "", []PasswordRule{RuleUpper}},
		{"no lower case", "UPPERCASE-ONLY-1", "", "", []PasswordRule{RuleLower}},
		{"no digit", "No-Digits-At-All", "", "", []PasswordRule{RuleDigit}},
		{"no symbol", "NoSymbolsHere123", "", "", []PasswordRule{RuleSymbol}},
		{"space is not a symbol", "No Symbols Here 123", "", "", []PasswordRule{RuleSymbol}},
		{"73 bytes", strings.Repeat("Ab1!", 18) + "x", "", "", []PasswordRule{RuleMaxBytes}},
		{"multi-byte over 72 bytes", strings.Repeat("Ü", 30) + "ab1!Xy" + strings.Repeat("é", 10), "", "", []PasswordRule{RuleMaxBytes}},
		{"control character", "Tab\there-Pass1", "", "", []PasswordRule{RuleValidText}},
		{"invalid UTF-8", "Bad\xffUtf8-Pass1", "", "", []PasswordRule{RuleValidText}},
		{"equals the email", "Ann.Smith-99@Shop.Example", "ann.smith-99@shop.example", "", []PasswordRule{RuleNotEmail}},
		{"equals the local part", "Mary.Jones-1984!", "mary.jones-1984!@shop.example", "", []PasswordRule{RuleNotEmail}},
		{"equals the name", "Bartholomew O'Neil 3rd", "", "bartholomew o'neil 3RD", []PasswordRule{RuleNotName}},
		{"equals the name with spaces around", "  Mary-Ann Smith 2 ", "", "Mary-Ann Smith 2", []PasswordRule{RuleNotName}},
		{"common", "Password123!", "", "", []PasswordRule{RuleNotCommon}},
		{"common in other case", "pASSWORD123!", "", "", []PasswordRule{RuleNotCommon}},
		{"common and short", "qwerty", "", "", []PasswordRule{RuleMinLength, RuleUpper, RuleDigit, RuleSymbol, RuleNotCommon}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(tc.pw, tc.email, tc.display)
			var pe *PasswordError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *PasswordError", err)
			}
			var got []PasswordRule
			for _, v := range pe.Violations {
				got = append(got, v.Rule)
				if v.Message == "" {
					t.Errorf("%s has no message", v.Rule)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(slices.Compact(got), want) {
				t.Fatalf("rules = %v, want %v", got, want)
			}
			for _, r := range tc.want {
				if !pe.Has(r) {
					t.Errorf("Has(%s) = false", r)
				}
			}
			if len(tc.pw) >= 6 && strings.Contains(err.Error(), tc.pw) {
				t.Errorf("error contains the password: %v", err)
			}
		})
	}
}

func TestPasswordTooLongMessageNamesBcrypt(t *testing.T) {
	err := CheckPassword(strings.Repeat("Ab1!", 19), "", "")
	var pe *PasswordError
	if !errors.As(err, &pe) || !pe.Has(RuleMaxBytes) {
		t.Fatalf("err = %v", err)
	}
	msg := strings.Join(pe.Messages(), " ")
	for _, want := range []string{"72 bytes", "bcrypt", "never cut"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	n := 0
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.TrimSpace(line) != line {
			t.Fatalf("line %d: %q has blank space around it", n+1, line)
		}
		if seen[strings.ToLower(line)] {
			t.Errorf("duplicate %q", line)
		}
		seen[strings.ToLower(line)] = true
		n++
	}
	if n < 1000 {
		t.Fatalf("%d common passwords, want at least 1000", n)
	}
	if len(commonPasswords()) != n {
		t.Fatalf("set has %d entries, file %d", len(commonPasswords()), n)
	}
	// Classic entries and their complex-looking variants, which the
	// complexity rules alone would accept.
	for _, pw := range []string{"123456", "password", "qwerty", "iloveyou", "Password123!", "P@ssw0rd1234",
		"Welcome2024!", "Qwerty123456!", "Summer2025!", "Letmein123!", "LETMEIN123!"} {
		if !IsCommonPassword(pw) {
			t.Errorf("%q is not on the list", pw)
		}
	}
	if IsCommonPassword("Tr4il-Mix-Kettle") {
		t.Error("a random passphrase is on the list")
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	commonPasswords() // load the list outside the loop
	b.ReportAllocs()
	for b.Loop() {
		_ = CheckPassword("Tr4il-Mix-Kettle", "ann@shop.example", "Ann Smith")
	}
}
