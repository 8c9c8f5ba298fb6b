package main

import (
	"fmt"
	"os"
	"path/filepath"

	"supportbot/internal/config"
)

func runConfig(a *app, args []string) int {
	fs := newFlagSet(a, "config", "Print the effective configuration; secrets are shown as <redacted>.")
	markdown := fs.Bool("markdown", false, "write the option reference to docs/CONFIGURATION.md instead")
	out := fs.String("out", "docs/CONFIGURATION.md", "file written by --markdown")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *markdown {
		if err := os.MkdirAll(filepath.Dir(*out), 0o750); err != nil {
			fmt.Fprintf(a.stderr, "supportbot config: %v\n", err)
			return 1
		}
		// Documentation, not a secret: world-readable like the rest of the repo.
		if err := os.WriteFile(*out, []byte(config.Markdown()), 0o644); err != nil { // #nosec G306 -- public documentation
			fmt.Fprintf(a.stderr, "supportbot config: %v\n", err)
			return 1
		}
		fmt.Fprintf(a.stdout, "wrote %s\n", *out)
		return 0
	}
	c, ok := a.loadConfig(false)
	if !ok {
		return 1
	}
	if err := c.Print(a.stdout); err != nil {
		fmt.Fprintf(a.stderr, "supportbot config: %v\n", err)
		return 1
	}
	if err := c.Validate(); err != nil {
		fmt.Fprintf(a.stderr, "\nThis configuration would not start:\n%s\n", lines(err.Error()))
		return 1
	}
	return 0
}
