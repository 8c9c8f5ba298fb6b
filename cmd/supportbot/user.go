package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/config"
	"supportbot/internal/securemem"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

// userCommands are the subcommands of `supportbot user`; each is also an
// audit event, with "cli" as the actor.
var userCommands = []struct{ name, args, summary string }{
	{"add", "--role ROLE --email EMAIL --name NAME [--password-file FILE]", "create an account (password read without echo)"},
	{"list", "[--role ROLE]", "list accounts"},
	{"disable", "EMAIL", "disable an account and end its sessions"},
	{"enable", "EMAIL", "enable a disabled account"},
	{"unlock", "EMAIL", "lift a lockout after failed logins"},
	{"set-role", "EMAIL ROLE", "change the role (customer, support, admin); ends its sessions"},
	{"reset-2fa", "EMAIL", "remove TOTP and recovery codes so the user enrols again; ends its sessions"},
}

func runUser(a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(a.stderr, "Usage: supportbot user COMMAND [options]")
		fmt.Fprintln(a.stderr)
		for _, c := range userCommands {
			fmt.Fprintf(a.stderr, "  %-10s %-62s %s\n", c.name, c.args, c.summary)
		}
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "add":
		return runUserAdd(a, args[1:])
	case "list":
		return runUserList(a, args[1:])
	case "disable", "enable", "unlock", "set-role", "reset-2fa":
		return runUserChange(a, args[0], args[1:])
	}
	fmt.Fprintf(a.stderr, "supportbot user: unknown command %q (see supportbot user -h)\n", args[0])
	return 2
}

// userEnv is what the user commands work with.
type userEnv struct {
	cfg   *config.Config
	db    *storage.DB
	keys  *keys
	store *users.Store
	audit *audit.Store
}

func (e *userEnv) close() {
	e.keys.close()
	_ = e.db.Close() // the command's outcome is already decided
}

func (a *app) openUsers(ctx context.Context) (*userEnv, bool) {
	c, ok := a.validConfig(true)
	if !ok {
		return nil, false
	}
	logger := a.logger(c)
	db, ok := a.openDB(ctx, c, logger)
	if !ok {
		return nil, false
	}
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "supportbot user: %v\n", errors.Join(err, db.Close()))
		return nil, false
	}
	k, err := openKeys(c)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user: %v\n", errors.Join(err, db.Close()))
		return nil, false
	}
	return &userEnv{
		cfg: c, db: db, keys: k,
		store: users.NewStore(db, k.fields, k.blind, time.Now),
		audit: audit.NewStore(db, k.auditChain, logger, time.Now),
	}, true
}

func runUserAdd(a *app, args []string) int {
	fs := newFlagSet(a, "user add", "Create an account. The password is read from the terminal without echo, or from --password-file.")
	role := fs.String("role", "", "customer, support or admin (required)")
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "display name (required)")
	passwordFile := fs.String("password-file", "", "read the password from this file (mode 0600) instead of the terminal")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	r := users.Role(*role)
	if !r.Valid() || *email == "" || strings.TrimSpace(*name) == "" || fs.NArg() != 0 {
		fmt.Fprintln(a.stderr, "supportbot user add: --role (customer, support or admin), --email and --name are required")
		return 2
	}
	password, err := a.readNewPassword(*passwordFile)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user add: %v\n", err)
		return 1
	}
	defer securemem.Zero(password)
	if err := auth.CheckPassword(string(password), *email, *name); err != nil {
		fmt.Fprintf(a.stderr, "supportbot user add: the password is not accepted:\n%s\n", lines(err.Error()))
		return 1
	}

	ctx := context.Background()
	env, ok := a.openUsers(ctx)
	if !ok {
		return 1
	}
	defer env.close()
	c := env.cfg
	hasher, err := newHasher(c, 1, 1)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user add: %v\n", err)
		return 1
	}
	defer hasher.Close()
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user add: %v\n", err)
		return 1
	}
	u, err := env.store.Create(ctx, users.NewUser{Role: r, Email: *email, Name: *name, PasswordHash: hash})
	if errors.Is(err, users.ErrEmailTaken) {
		fmt.Fprintln(a.stderr, "supportbot user add: an account with this email already exists")
		return 1
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user add: %v\n", err)
		return 1
	}
	if !a.recordCLI(ctx, env, "admin.user_created", u.ID, "role="+string(r)) {
		return 1
	}
	fmt.Fprintf(a.stdout, "created %s %s (id %s)\n", r, *email, u.ID)
	if r != users.RoleCustomer && c.StaffNeed2FA() {
		fmt.Fprintln(a.stdout, "2FA is required for staff: the first sign-in asks to enrol an authenticator app.")
	}
	return 0
}

// readNewPassword reads a new password from a private file or, twice, from
// the terminal without echo. It never takes one from the command line,
// where it would sit in the shell history and the process list.
func (a *app) readNewPassword(file string) ([]byte, error) {
	if file != "" {
		if err := checkPrivateFile(file); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(file) // #nosec G304 -- the operator names the file on purpose
		if err != nil {
			return nil, fmt.Errorf("reading --password-file: %w", errors.Unwrap(err))
		}
		pw := []byte(strings.TrimRight(string(data), "\r\n"))
		securemem.Zero(data)
		return pw, nil
	}
	if !isTerminal(os.Stdin) {
		return nil, errors.New("standard input is not a terminal: use --password-file FILE (mode 0600)")
	}
	first, err := readSecretLine(a.stderr, os.Stdin, "Password: ")
	if err != nil {
		return nil, err
	}
	second, err := readSecretLine(a.stderr, os.Stdin, "Repeat password: ")
	if err != nil {
		securemem.Zero(first)
		return nil, err
	}
	defer securemem.Zero(second)
	if string(first) != string(second) {
		securemem.Zero(first)
		return nil, errors.New("the passwords differ")
	}
	return first, nil
}

func checkPrivateFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("--password-file: %w", errors.Unwrap(err))
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("--password-file %s has mode %04o; it must not be readable by group or others (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	return nil
}

func runUserList(a *app, args []string) int {
	fs := newFlagSet(a, "user list", "List accounts (newest first).")
	role := fs.String("role", "", "only this role: customer, support or admin")
	limit := fs.Int("n", users.MaxListLimit, fmt.Sprintf("number of accounts (at most %d)", users.MaxListLimit))
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *role != "" && !users.Role(*role).Valid() {
		fmt.Fprintln(a.stderr, "supportbot user list: --role must be customer, support or admin")
		return 2
	}
	ctx := context.Background()
	env, ok := a.openUsers(ctx)
	if !ok {
		return 1
	}
	defer env.close()
	list, err := env.store.List(ctx, users.ListFilter{Role: users.Role(*role), Limit: *limit})
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user list: %v\n", err)
		return 1
	}
	writeUsers(a.stdout, list, time.Now())
	return 0
}

func writeUsers(w io.Writer, list []users.User, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tEMAIL\tNAME\t2FA\tSTATE\tCREATED")
	for _, u := range list {
		state := "active"
		switch {
		case u.Disabled:
			state = "disabled"
		case u.Locked(now):
			state = "locked until " + u.LockedUntil.UTC().Format("15:04 UTC")
		}
		twoFA := "no"
		if u.TOTPEnabled {
			twoFA = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Role, u.Email, u.Name, twoFA, state,
			u.CreatedAt.UTC().Format("2006-01-02"))
	}
	_ = tw.Flush() // output errors surface as a short listing; nothing to undo
}

func runUserChange(a *app, cmd string, args []string) int {
	want := 1
	if cmd == "set-role" {
		want = 2
	}
	fs := newFlagSet(a, "user "+cmd, "Change an account, found by email or id.")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() != want {
		fmt.Fprintf(a.stderr, "supportbot user %s: expected %d argument(s); see supportbot user -h\n", cmd, want)
		return 2
	}
	ctx := context.Background()
	env, ok := a.openUsers(ctx)
	if !ok {
		return 1
	}
	defer env.close()
	u, err := findUser(ctx, env.store, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user %s: %v\n", cmd, err)
		return 1
	}
	var event, detail string
	switch cmd {
	case "disable":
		event, err = "admin.user_disabled", env.store.SetDisabled(ctx, u.ID, true)
	case "enable":
		event, err = "admin.user_enabled", env.store.SetDisabled(ctx, u.ID, false)
	case "unlock":
		event, err = "admin.user_unlocked", env.store.Unlock(ctx, u.ID)
	case "reset-2fa":
		event, err = "admin.2fa_reset", env.store.DisableTOTP(ctx, u.ID)
	case "set-role":
		r := users.Role(fs.Arg(1))
		if !r.Valid() {
			fmt.Fprintln(a.stderr, "supportbot user set-role: ROLE must be customer, support or admin")
			return 2
		}
		event, detail = "admin.role_changed", fmt.Sprintf("from=%s to=%s", u.Role, r)
		err = env.store.SetRole(ctx, u.ID, r)
	}
	if errors.Is(err, users.ErrLastAdmin) {
		// The store refuses atomically, so two operators racing each
		// other cannot both take away "the other" last admin.
		fmt.Fprintf(a.stderr, "supportbot user %s: %s is the last enabled admin, and an instance must keep one enabled admin; add or enable another admin first\n", cmd, u.ID)
		return 1
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user %s: %v\n", cmd, err)
		return 1
	}
	if !a.recordCLI(ctx, env, event, u.ID, detail) {
		return 1
	}
	fmt.Fprintf(a.stdout, "%s: done for %s\n", cmd, u.ID)
	return 0
}

// findUser finds an account by email or id.
func findUser(ctx context.Context, s *users.Store, ref string) (users.User, error) {
	var u users.User
	var err error
	if strings.Contains(ref, "@") {
		u, err = s.GetByEmail(ctx, ref)
	} else {
		u, err = s.Get(ctx, ref)
	}
	if errors.Is(err, users.ErrNotFound) {
		return u, errors.New("no such account")
	}
	return u, err
}

// recordCLI audits an administrative change made from the command line
// (hardening guide: "Admin access restricted and logged").
func (a *app) recordCLI(ctx context.Context, env *userEnv, event, target, detail string) bool {
	err := env.audit.Record(ctx, audit.Event{Type: event, Level: audit.LevelWarning, Actor: "cli",
		Target: "user:" + target, Details: detail, Status: "success"})
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot user: the change was made but could not be audited: %v\n", err)
		return false
	}
	return true
}
