package auth

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password limits. MinPasswordRunes is both specifications' minimum
// ("minimum 12 characters"; ASVS 4.0.3 2.1.1). MaxPasswordBytes is bcrypt's
// input limit: bcrypt silently ignores every byte after the 72nd, so a
// longer password is refused rather than truncated (ASVS 4.0.3 2.1.3 asks
// that passwords are never truncated).
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 72
)

// PasswordRule names one rule of the password policy, so the API and UI can
// point at the rule that failed.
type PasswordRule string

// The rules of the password policy (hardening guide, "Enforce password
// complexity: minimum 12 characters, mixed case, numbers, symbols"; first
// specification, "Use strong passwords"; issue 3, "Password rules").
const (
	RuleMinLength PasswordRule = "min_length"
	RuleMaxBytes  PasswordRule = "max_bytes"
	RuleUpper     PasswordRule = "upper_case"
	RuleLower     PasswordRule = "lower_case"
	RuleDigit     PasswordRule = "digit"
	RuleSymbol    PasswordRule = "symbol"
	RuleValidText PasswordRule = "valid_text"
	RuleNotEmail  PasswordRule = "not_email"
	RuleNotName   PasswordRule = "not_name"
	RuleNotCommon PasswordRule = "not_common"
)

// ruleCount is the number of rules above; it sizes the violation slice.
const ruleCount = 10

// Violation is one unmet password rule with a message meant for the user.
type Violation struct {
	Rule    PasswordRule
	Message string
}

// PasswordError lists every rule a proposed password breaks, so a user fixes
// them all in one go instead of one per attempt. It never contains the
// password (DESIGN.md invariant 5).
type PasswordError struct {
	Violations []Violation
}

// Error joins the user-facing messages.
func (e *PasswordError) Error() string {
	return "auth: password rejected: " + strings.Join(e.Messages(), "; ")
}

// Messages returns the user-facing message of each violation, in rule order.
func (e *PasswordError) Messages() []string {
	out := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		out[i] = v.Message
	}
	return out
}

// Has reports whether the error includes a violation of rule.
func (e *PasswordError) Has(rule PasswordRule) bool {
	for _, v := range e.Violations {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// commonPasswordsText is a list of common and leaked-style passwords, one a
// line, written for this project: the classic top lists and their usual
// variants (a capital first letter, digits, a year or symbols appended). A
// password on it is refused whatever its complexity (ASVS 4.0.3 2.1.7; NIST
// SP 800-63B 5.1.1.2: check against commonly used or compromised values).
//
//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the lower-cased set built from commonPasswordsText on
// first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// IsCommonPassword reports whether pw is on the embedded list of common
// passwords, compared case-insensitively ("PASSWORD123!" is as weak as
// "Password123!").
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// CheckPassword checks a proposed password against the policy for the
// account with the given email and display name (either may be empty). It
// returns nil or a *PasswordError listing every unmet rule. Length is counted
// in characters (runes) for the minimum and in bytes for bcrypt's maximum,
// because "ü" is one character but two bytes.
//
// Only new passwords are checked; a login compares whatever is typed.
func CheckPassword(pw, email, name string) error {
	vs := make([]Violation, 0, ruleCount)
	add := func(r PasswordRule, msg string) { vs = append(vs, Violation{Rule: r, Message: msg}) }

	valid := utf8.ValidString(pw)
	if !valid {
		add(RuleValidText, "Password must be valid text (UTF-8).")
	}
	if utf8.RuneCountInString(pw) < MinPasswordRunes {
		add(RuleMinLength, "Password must be at least 12 characters long.")
	}
	if len(pw) > MaxPasswordBytes {
		add(RuleMaxBytes, "Password must be at most 72 bytes long: bcrypt, the password hashing "+
			"algorithm, ignores anything longer (letters outside English count as 2 to 4 bytes). "+
			"Choose a shorter password; it is never cut short for you.")
	}

	var upper, lower, digit, symbol, control bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsControl(r):
			control = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			symbol = true
		}
	}
	if !upper {
		add(RuleUpper, "Password must contain an upper-case letter.")
	}
	if !lower {
		add(RuleLower, "Password must contain a lower-case letter.")
	}
	if !digit {
		add(RuleDigit, "Password must contain a digit.")
	}
	if !symbol {
		add(RuleSymbol, "Password must contain a symbol such as ! ? # % or *.")
	}
	if control && valid {
		add(RuleValidText, "Password must not contain control characters such as tabs or line breaks.")
	}

	// Personal data is the first thing an attacker tries (ASVS 4.0.3 2.1.7
	// context-specific words; issue 3, "not equal to the email or name").
	cmp := strings.TrimSpace(pw)
	if email = strings.TrimSpace(email); email != "" {
		local := email
		if at := strings.LastIndexByte(email, '@'); at > 0 {
			local = email[:at]
		}
		if strings.EqualFold(cmp, email) || strings.EqualFold(cmp, local) {
			add(RuleNotEmail, "Password must not be your email address or its part before the @.")
		}
	}
	if name = strings.TrimSpace(name); name != "" && strings.EqualFold(cmp, name) {
		add(RuleNotName, "Password must not be your name.")
	}
	if IsCommonPassword(pw) || IsCommonPassword(cmp) {
		add(RuleNotCommon, "Password is too common: it appears in lists of leaked passwords. Choose another one.")
	}

	if len(vs) == 0 {
		return nil
	}
	return &PasswordError{Violations: vs}
}
