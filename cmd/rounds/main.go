// Command rounds runs a Rounds instance and administers it.
//
//	rounds serve                      start the server
//	rounds admin …                    manage accounts, tokens and federation
//	rounds demo                       two federated instances on loopback
//	rounds version                    print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0"

// exitUsage is the exit code for bad flags or arguments, as flag uses.
const exitUsage = 2

// errUsage marks an error whose message and usage were already printed.
var errUsage = errors.New("usage")

type env struct {
	stdout, stderr io.Writer
	environ        []string
}

const mainUsage = `Rounds — a federated ActivityPub server for clinicians.

Usage:
  rounds serve [flags]          start the server (see rounds serve --help)
  rounds admin <command>        manage accounts, tokens and federation (see rounds admin --help)
  rounds demo [flags]           start two federated instances on loopback with sample data
  rounds healthcheck [flags]    exit 0 if the local server answers /healthz (for Docker)
  rounds version                print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one kills at once instead of waiting
	// out a graceful shutdown that may take up to 30 s.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ()})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, mainUsage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], e)
	case "admin":
		err = cmdAdmin(ctx, args[1:], e)
	case "demo":
		err = cmdDemo(ctx, args[1:], e)
	case "healthcheck":
		err = cmdHealthcheck(ctx, args[1:], e)
	case "version", "--version", "-v":
		fmt.Fprintf(e.stdout, "rounds %s\n", version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(e.stdout, mainUsage)
		return 0
	default:
		fmt.Fprintf(e.stderr, "rounds: unknown command %q\n\n%s", args[0], mainUsage)
		return exitUsage
	}
	return exitCode(err, e)
}

func exitCode(err error, e env) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "rounds: %v\n", err)
		return 1
	}
}

// newFlagSet makes a FlagSet whose errors and usage go to stderr and that
// returns errUsage (exit 2) on bad flags.
func newFlagSet(name, usage string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning flag errors into errUsage; --help gives flag.ErrHelp.
// Flags may follow the arguments ("federation allow DOMAIN --note …",
// "account suspend alice --config …"): package flag alone stops at the first
// argument and would count the flags as arguments.
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	// Parse again with only "--" and the arguments, so fs.Args() returns them.
	return fs.Parse(append([]string{"--"}, positional...))
}

// usageErr prints a message about bad arguments and returns errUsage.
func usageErr(e env, fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(e.stderr, "rounds: "+format+"\n", args...)
	if fs != nil {
		fs.Usage()
	}
	return errUsage
}
