package logging

import "testing"

func TestSensitiveKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"password", true},
		{"Password", true},
		{"new_password", true},
		{"PASSWD", true},
		{"passphrase", true},
		{"token", true},
		{"refreshToken", true},
		{"access_token", true},
		{"X-Auth-Token", true},
		{"secret", true},
		{"client_secret", true},
		{"SECRET_KEY", true},
		{"Authorization", true},
		{"cookie", true},
		{"Set-Cookie", true},
		{"cvv", true},
		{"CVC", true},
		{"card", true},
		{"card_number", true},
		{"cardNumber", true},
		{"pan", true},
		{"PAN", true},
		{"card_pan", true},
		{"cardPAN", true},
		{"panHash", true},
		{"PANNumber", true},
		{"api_key", true},
		{"apikey", true},
		{"API-Key", true},
		{"apiKey", true},
		{"private_key", true},
		{"privateKey", true},
		{"session", true},
		{"session_id", true},
		{"sessionID", true},
		{"totp_otp", true},
		{"otp", true},
		{"pin", true},
		{"db_pwd", true},
		{"jwt", true},
		{"credentials", true},
		{"bearer", true},
		{"a_very_long_key_name_that_goes_past_the_sixty_four_byte_buffer_password", true},

		{"", false},
		{"event", false},
		{KeyEvent, false},
		{KeyUserID, false},
		{KeyIP, false},
		{KeyRequestID, false},
		{KeyStatus, false},
		{KeyError, false},
		{"company", false},
		{"span", false},
		{"expand", false},
		{"japan", false},
		{"footprint", false},
		{"shipping", false},
		{"spinner", false},
		{"order_id", false},
		{"method", false},
		{"path", false},
		{"duration", false},
		{"a_very_long_key_name_that_goes_past_the_sixty_four_byte_buffer_harmless", false},
	} {
		if got := sensitiveKey(tc.key); got != tc.want {
			t.Errorf("sensitiveKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}
