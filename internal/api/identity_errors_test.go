package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

func TestAuthErrorMapping(t *testing.T) {
	weak := auth.CheckPassword("short", "", "")
	tests := []struct {
		name       string
		err        error
		status     int
		code       string // "" for the status's default
		field      string
		retryAfter string
		challenge  bool // WWW-Authenticate set
	}{
		{"wrong credentials", auth.ErrInvalidCredentials, 401, CodeInvalidCredentials, "", "", true},
		{"rate limited rounds up", &auth.RateLimitedError{RetryAfter: 1500 * time.Millisecond}, 429, "", "", "2", false},
		{"rate limited never says 0", &auth.RateLimitedError{RetryAfter: time.Millisecond}, 429, "", "", "1", false},
		{"wrapped rate limit", fmt.Errorf("auth: x: %w", &auth.RateLimitedError{RetryAfter: 3 * time.Minute}), 429, "", "", "180", false},
		{"bcrypt pool full", fmt.Errorf("auth: login: %w", auth.ErrBusy), 503, "", "", "2", false},
		{"bad token", fmt.Errorf("auth: refresh: %w", auth.ErrInvalidToken), 401, CodeInvalidToken, "", "", true},
		{"bad code", auth.ErrOTPReplayed, 401, CodeInvalidCode, "", "", false},
		{"re-authentication failed", auth.ErrReauthFailed, 403, CodeReauthFailed, "", "", false},
		{"weak password", weak, 400, CodeWeakPassword, "/password", "", false},
		{"field", &auth.FieldError{Field: "phone", Message: "Phone number needs at least 3 digits."}, 400, "", "/phone", "", false},
		{"email taken", auth.ErrEmailTaken, 400, CodeEmailTaken, "/email", "", false},
		{"registration closed", auth.ErrRegistrationClosed, 403, CodeRegistrationClosed, "", "", false},
		{"self change", auth.ErrSelfChange, 403, CodeSelfChange, "", "", false},
		{"last admin, which is also forbidden", fmt.Errorf("auth: update: %w", auth.ErrLastAdmin), 403, CodeLastAdmin, "", "", false},
		{"mfa enabled", fmt.Errorf("x: %w", auth.ErrMFAEnabled), 400, CodeMFAEnabled, "", "", false},
		{"mfa not enabled", auth.ErrMFANotEnabled, 400, CodeMFANotEnabled, "", "", false},
		{"enrolment not started", auth.ErrEnrollmentNotStarted, 400, CodeEnrollmentNotStarted, "", "", false},
		{"forbidden", fmt.Errorf("auth: %w", auth.ErrForbidden), 403, "", "", "", false},
		{"someone else's", fmt.Errorf("auth: %w: %w", auth.ErrNotFound, users.ErrNotFound), 404, "", "", "", false},
		{"store failure", errors.New("users: get: connection refused"), 500, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			err := AuthError(w, tt.err)
			if !errors.Is(err, tt.err) {
				t.Errorf("the cause is lost: %v", err)
			}
			var re *response.Error
			status := http.StatusInternalServerError
			code, field := "", ""
			if errors.As(err, &re) {
				status, code, field = re.Status, re.Code, re.Field
				if strings.Contains(re.Message, "auth:") || strings.Contains(re.Message, "connection") {
					t.Errorf("message %q leaks an internal error", re.Message)
				}
			}
			if status != tt.status || code != tt.code || field != tt.field {
				t.Errorf("got %d %q %q, want %d %q %q", status, code, field, tt.status, tt.code, tt.field)
			}
			if got := w.Header().Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			if got := w.Header().Get("WWW-Authenticate") != ""; got != tt.challenge {
				t.Errorf("WWW-Authenticate set = %t", got)
			}
		})
	}
}

func TestWeakPasswordListsEveryRule(t *testing.T) {
	var pe *auth.PasswordError
	if !errors.As(auth.CheckPassword("short", "", ""), &pe) || len(pe.Violations) < 3 {
		t.Fatalf("expected several violations, got %v", pe)
	}
	e := weakPassword(pe, "/new_password")
	for _, m := range pe.Messages() {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q lacks %q", e.Message, m)
		}
	}
	long := strings.Repeat("Aa1!", 19) // 76 bytes
	if !errors.As(auth.CheckPassword(long, "", ""), &pe) {
		t.Fatal("76 bytes accepted")
	}
	if e := weakPassword(pe, "/password"); !strings.Contains(e.Message, "72 bytes") || !strings.Contains(e.Message, "bcrypt") {
		t.Errorf("the length rule does not say why: %q", e.Message)
	}
}
