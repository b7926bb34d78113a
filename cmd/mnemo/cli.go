package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mnemohq/mnemo"
)

// cli carries what every command needs.
type cli struct {
	ctx            context.Context
	db             string
	dbSet          bool // -db was given on the command line
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (c *cli) open() (*mnemo.Engine, error) {
	return mnemo.Open(c.db, nil)
}

// print writes v as indented JSON.
func (c *cli) print(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// flags returns a flag set for a subcommand that reports errors to stderr.
func (c *cli) flags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: mnemo [-db FILE] %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a subcommand's flags; a flag error is a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	return nil
}

// exactlyOne returns the single positional argument of a command.
func exactlyOne(fs *flag.FlagSet, what string) (string, error) {
	if fs.NArg() != 1 {
		return "", fmt.Errorf("%w: %s takes one %s", errUsage, fs.Name(), what)
	}
	return fs.Arg(0), nil
}

// pairs is a repeatable key=value flag.
type pairs map[string]string

func (p pairs) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, ",")
}

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

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }
