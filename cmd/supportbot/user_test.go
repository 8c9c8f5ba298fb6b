package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func passwordFile(t *testing.T, pw string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(pw+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUserCommands(t *testing.T) {
	env := devEnv(t)
	env["BCRYPT_COST"] = "4" // development only; production refuses less than 12
	good := passwordFile(t, "Correct-Horse-42-battery", 0o600)

	code, out, errOut := run(t, env, "user", "add", "--role", "admin", "--email", "Ada@Shop.example", "--name", "Ada", "--password-file", good)
	if code != 0 || !strings.Contains(out, "created admin") {
		t.Fatalf("add: exit %d %s %s", code, out, errOut)
	}

	t.Run("duplicate email refused, whatever the case", func(t *testing.T) {
		code, _, errOut := run(t, env, "user", "add", "--role", "support", "--email", "ada@shop.example", "--name", "Other", "--password-file", good)
		if code != 1 || !strings.Contains(errOut, "already exists") {
			t.Fatalf("exit %d %s", code, errOut)
		}
	})
	t.Run("weak password refused with the rules", func(t *testing.T) {
		weak := passwordFile(t, "password", 0o600)
		code, _, errOut := run(t, env, "user", "add", "--role", "support", "--email", "bob@shop.example", "--name", "Bob", "--password-file", weak)
		if code != 1 || !strings.Contains(errOut, "12") {
			t.Fatalf("exit %d %s", code, errOut)
		}
	})
	t.Run("password file readable by others refused", func(t *testing.T) {
		loose := passwordFile(t, "Correct-Horse-42-battery", 0o644)
		code, _, errOut := run(t, env, "user", "add", "--role", "support", "--email", "bob@shop.example", "--name", "Bob", "--password-file", loose)
		if code != 1 || !strings.Contains(errOut, "chmod 600") {
			t.Fatalf("exit %d %s", code, errOut)
		}
	})
	t.Run("no password from a non-terminal without a file", func(t *testing.T) {
		code, _, errOut := run(t, env, "user", "add", "--role", "support", "--email", "bob@shop.example", "--name", "Bob")
		if code != 1 || !strings.Contains(errOut, "--password-file") {
			t.Fatalf("exit %d %s", code, errOut)
		}
	})
	t.Run("bad role refused", func(t *testing.T) {
		if code, _, _ := run(t, env, "user", "add", "--role", "root", "--email", "x@shop.example", "--name", "X", "--password-file", good); code != 2 {
			t.Fatalf("exit %d", code)
		}
	})

	// A second admin, so Ada may be disabled and demoted below.
	code, out, errOut = run(t, env, "user", "add", "--role", "admin", "--email", "bea@shop.example", "--name", "Bea", "--password-file", good)
	if code != 0 || !strings.Contains(out, "created admin") {
		t.Fatalf("add second admin: exit %d %s %s", code, out, errOut)
	}

	for _, step := range []struct {
		args  []string
		state string
	}{
		{[]string{"disable", "ada@shop.example"}, "disabled"},
		{[]string{"enable", "ada@shop.example"}, "active"},
		{[]string{"unlock", "ada@shop.example"}, "active"},
		{[]string{"reset-2fa", "ada@shop.example"}, "active"},
		{[]string{"set-role", "ada@shop.example", "support"}, "support"},
	} {
		code, _, errOut := run(t, env, append([]string{"user"}, step.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", step.args, code, errOut)
		}
		code, out, _ := run(t, env, "user", "list")
		if code != 0 || !strings.Contains(out, "Ada@Shop.example") || !strings.Contains(out, step.state) {
			t.Fatalf("after %v list shows:\n%s", step.args, out)
		}
	}
	// Ada is support now: Bea is the last enabled admin, and neither a
	// demotion nor disabling may take her away.
	t.Run("last enabled admin kept", func(t *testing.T) {
		for _, args := range [][]string{
			{"disable", "bea@shop.example"},
			{"set-role", "bea@shop.example", "support"},
			{"set-role", "bea@shop.example", "customer"},
		} {
			code, _, errOut := run(t, env, append([]string{"user"}, args...)...)
			if code != 1 || !strings.Contains(errOut, "must keep one enabled admin") {
				t.Errorf("%v: exit %d %s", args, code, errOut)
			}
		}
		code, out, _ := run(t, env, "user", "list", "--role", "admin")
		if code != 0 || !strings.Contains(out, "bea@shop.example") || !strings.Contains(out, "active") {
			t.Fatalf("Bea changed:\n%s", out)
		}
		// Setting the role she has already is no demotion.
		if code, _, errOut := run(t, env, "user", "set-role", "bea@shop.example", "admin"); code != 0 {
			t.Errorf("set-role admin on the last admin: exit %d %s", code, errOut)
		}
	})
	if code, _, errOut := run(t, env, "user", "disable", "nobody@shop.example"); code != 1 || !strings.Contains(errOut, "no such account") {
		t.Fatalf("unknown account: exit %d %s", code, errOut)
	}

	// Every change is in the audit trail, with the CLI as the actor, and the
	// trail still verifies.
	code, out, _ = run(t, env, "audit", "tail", "-n", "20")
	for _, event := range []string{"admin.user_created", "admin.user_disabled", "admin.user_enabled", "admin.user_unlocked", "admin.2fa_reset", "admin.role_changed"} {
		if !strings.Contains(out, event) {
			t.Errorf("audit trail lacks %s:\n%s", event, out)
		}
	}
	if strings.Contains(out, "Correct-Horse") {
		t.Error("the password reached the audit trail")
	}
	if code, out, _ := run(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("audit verify after user changes: %s", out)
	}
}
