package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func runVersion(a *app, args []string) int {
	fs := newFlagSet(a, "version", "print the version")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	rev := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				rev = " (" + s.Value + ")"
			}
		}
	}
	fmt.Fprintf(a.stdout, "supportbot %s%s %s %s/%s\n", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// newFlagSet returns a flag set that prints its usage to the app's stderr
// and returns errors instead of exiting, so every command has -h.
func newFlagSet(a *app, name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: supportbot %s [options]\n\n%s\n", name, summary)
		if hasFlags(fs) {
			fmt.Fprintln(a.stderr, "\nOptions:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// flagExit maps a flag parsing error to an exit code: -h is success.
func flagExit(err error) int {
	if err == flag.ErrHelp {
		return 0
	}
	return 2
}
