// Command supportbot is the secure customer-support chatbot server for online
// shops: one binary with subcommands to serve, migrate, check and inspect it.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand. run gets the arguments after the command's
// name and returns the process exit code.
type command struct {
	name    string
	summary string
	run     func(a *app, args []string) int
}

// commands lists every subcommand in the order `supportbot help` shows them.
func commands() []command {
	return []command{
		{"demo", "run a development server with a demo shop (prints its logins on first start)", runDemo},
		{"serve", "run the HTTP server (migrates the database first)", runServe},
		{"migrate", "apply database migrations and show their status", runMigrate},
		{"doctor", "check the configuration against the production security checklist", runDoctor},
		{"config", "print the effective configuration (secrets redacted); --markdown writes docs/CONFIGURATION.md", runConfig},
		{"user", "accounts: add, list, disable, enable, unlock, set-role, reset-2fa", runUser},
		{"chat", "talk to the bot in the terminal as a demo customer (development only)", runChat},
		{"bot", "the bot's understanding: 'bot classify' reads JSON lines, 'bot eval FILE' scores a labelled corpus", runBot},
		{"audit", "audit trail: 'audit verify' checks the hash chain, 'audit tail' prints recent events", runAudit},
		{"version", "print the version", runVersion},
		{"help", "list the commands", nil},
	}
}

// app carries what every command needs and lets tests capture output and
// supply the environment.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	envFile        string
}

func main() {
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv, envFile: ".env"}
	os.Exit(a.main(os.Args[1:]))
}

func (a *app) main(args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		a.usage(a.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(a, args[1:])
		}
	}
	fmt.Fprintf(a.stderr, "supportbot: unknown command %q\n\n", name)
	a.usage(a.stderr)
	return 2
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "supportbot — secure customer-support chatbot server")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: supportbot COMMAND [options]   (supportbot COMMAND -h for a command's options)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Configuration comes from the environment, .env and NAME_FILE files; see docs/CONFIGURATION.md.")
	fmt.Fprintln(w, "Run locally with: ENV=development supportbot serve")
}

// lines indents a multi-line message for the terminal.
func lines(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}
