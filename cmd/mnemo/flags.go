package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errHelp is returned when the user asked for the usage (-h, --help, help): it has been printed to
// stdout, and the exit status is 0.
var errHelp = flag.ErrHelp

// command is one command's flag set, what its usage says, and, once parsed, its arguments.
type command struct {
	fs       *flag.FlagSet
	name     string // "add", "runs get"; "" for the global flags
	synopsis string // "mnemo [global flags] add [flags] [TEXT...]"
	stdout   io.Writer
	args     []string // the positional arguments
}

// newCommand returns an empty command; run prints its errors and usage, once, so the flag package
// prints nothing.
func newCommand(name, synopsis string, stdout io.Writer) *command {
	fs := flag.NewFlagSet(strings.TrimSpace("mnemo "+name), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &command{fs: fs, name: name, synopsis: synopsis, stdout: stdout}
}

// command returns the command name, with the global flags registered on it too so that they may
// follow the command: "mnemo add -db x.db TEXT".
func (c *cli) command(name, args string) *command {
	cmd := newCommand(name, "mnemo [global flags] "+name+" "+args, c.stdout)
	c.global.fs.VisitAll(func(f *flag.Flag) {
		cmd.fs.Var(f.Value, f.Name, f.Usage)
		cmd.fs.Lookup(f.Name).DefValue = f.DefValue
	})
	return cmd
}

// parse parses flags and positional arguments in any order: flag parsing resumes after each
// positional argument, and "--" makes everything after it positional. A flag the command does not
// know is an error, never data.
func (cmd *command) parse(args []string) error {
	for {
		if err := cmd.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				cmd.printHelp()
				return errHelp
			}
			return &usageError{cmd: cmd, err: err}
		}
		rest := cmd.fs.Args()
		if cmd.endedByDashes(args, rest) || cmd.name == "" { // the global flags end at the command
			cmd.args = append(cmd.args, rest...)
			return nil
		}
		if len(rest) == 0 {
			return nil
		}
		cmd.args, args = append(cmd.args, rest[0]), rest[1:]
	}
}

// endedByDashes reports whether the flag package stopped parsing args, leaving rest, at a "--" (it
// consumes it) rather than at a positional argument (which it leaves). It walks the flags taken,
// skipping their values, so that a "--" given as a value ("-user --") is not taken for the end.
func (cmd *command) endedByDashes(args, rest []string) bool {
	for i := 0; i < len(args)-len(rest); i++ {
		if args[i] == "--" {
			return true
		}
		name, _, inline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if f := cmd.fs.Lookup(name); f != nil && !inline && !isBool(f) {
			i++ // the flag's value is the next argument
		}
	}
	return false
}

// isBool reports whether f is a bool flag, which takes no separate value.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// printHelp prints the command's usage and flags to stdout.
func (cmd *command) printHelp() {
	if cmd.name == "" {
		fmt.Fprint(cmd.stdout, usage)
		return
	}
	fmt.Fprintf(cmd.stdout, "usage: %s\n\nflags (global ones included):\n", cmd.synopsis)
	cmd.fs.SetOutput(cmd.stdout)
	cmd.fs.PrintDefaults()
	cmd.fs.SetOutput(io.Discard)
}

// none parses args for a command that takes no positional argument.
func (cmd *command) none(args []string) error {
	if err := cmd.parse(args); err != nil {
		return err
	}
	if len(cmd.args) > 0 {
		return cmd.usagef("takes no arguments, got %q", cmd.args[0])
	}
	return nil
}

// one parses args for a command that takes exactly one positional argument, and returns it.
func (cmd *command) one(args []string, what string) (string, error) {
	if err := cmd.parse(args); err != nil {
		return "", err
	}
	if len(cmd.args) != 1 {
		return "", cmd.usagef("takes one %s, got %d arguments", what, len(cmd.args))
	}
	return cmd.args[0], nil
}

// usagef returns a usage error of the command.
func (cmd *command) usagef(format string, args ...any) error {
	return &usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
}

// usageError is a mistake in the command line: exit status 2, and a pointer to the usage.
type usageError struct {
	cmd *command
	err error
}

// Error returns the mistake, after the command's name.
func (e *usageError) Error() string {
	if e.cmd.name == "" {
		return e.err.Error()
	}
	return e.cmd.name + ": " + e.err.Error()
}

// hint returns what run prints after the error: the usage, or a command's synopsis.
func (e *usageError) hint() string {
	if e.cmd.name == "" {
		return "\n" + usage
	}
	return fmt.Sprintf("usage: %s\nRun \"mnemo %s -h\" for its flags.\n", e.cmd.synopsis, e.cmd.name)
}

// pathFlag is the -db flag: a non-empty path, and whether the command line gave it.
type pathFlag struct {
	path string
	set  bool
}

// String returns the path.
func (p *pathFlag) String() string { return p.path }

// Set takes a path from the command line; an empty one is an error.
func (p *pathFlag) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	p.path, p.set = s, true
	return nil
}

// pairs is a repeatable key=value flag.
type pairs map[string]string

// String returns the pairs as k=v, sorted and comma-separated.
func (p pairs) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, ",")
}

// Set adds one key=value pair.
func (p pairs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not key=value", s)
	}
	p[k] = v
	return nil
}

// orNil returns nil for an empty map, so that options keep their zero value.
func (p pairs) orNil() map[string]string {
	if len(p) == 0 {
		return nil
	}
	return p
}

// list is a repeatable string flag.
type list []string

// String returns the values, comma-separated.
func (l *list) String() string { return strings.Join(*l, ",") }

// Set appends one value.
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

// expiry is an -expires flag: an absolute time (2026-12-31, 2026-12-31T18:00:00Z) or a duration
// from now (90m, 12h, 30d), read when the flag is parsed.
type expiry struct {
	t   time.Time
	set bool
	now func() time.Time // time.Now unless a test sets it
}

// String returns the time, or "" when unset.
func (e *expiry) String() string {
	if e == nil || !e.set {
		return ""
	}
	return e.t.Format(time.RFC3339)
}

// Set reads a time or a duration from now; a duration must be positive.
func (e *expiry) Set(s string) error {
	now := time.Now
	if e.now != nil {
		now = e.now
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			e.t, e.set = t, true
			return nil
		}
	}
	d, err := parseDays(s)
	if err != nil {
		return fmt.Errorf("%q is neither a time (2026-12-31, RFC 3339) nor a duration (90m, 12h, 30d)", s)
	}
	if d <= 0 {
		return fmt.Errorf("%q: a duration from now must be positive", s)
	}
	e.t, e.set = now().Add(d), true
	return nil
}

// at returns the time, zero when unset.
func (e *expiry) at() time.Time { return e.t }

// parseDays is time.ParseDuration with whole days too: "30d", "1d12h".
func parseDays(s string) (time.Duration, error) {
	days, rest, ok := strings.Cut(s, "d")
	if !ok {
		return time.ParseDuration(s)
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 || n > 100*365 {
		return 0, fmt.Errorf("bad day count %q", days)
	}
	d := time.Duration(n) * 24 * time.Hour
	if rest == "" {
		return d, nil
	}
	r, err := time.ParseDuration(rest)
	return d + r, err
}
