package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mnemohq/mnemo"
)

// cli carries what every command needs: the streams and the global flags.
type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer

	global      *command // the global flags; every command registers them too
	db          pathFlag
	lockTimeout time.Duration
	readOnly    bool
}

func newCLI(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) *cli {
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	c.db.path = os.Getenv("MNEMO_DB")
	if c.db.path == "" {
		c.db.path = "mnemo.db"
	}
	c.global = newCommand("", "", stdout)
	c.global.fs.Var(&c.db, "db", "the mnemo `FILE` ($MNEMO_DB, or mnemo.db); read commands never create it")
	c.global.fs.DurationVar(&c.lockTimeout, "lock-timeout", mnemo.DefaultLockTimeout,
		"how long to wait for another process to release the file (0: do not wait)")
	c.global.fs.BoolVar(&c.readOnly, "read-only", false, "open the file read-only even for the commands that write")
	return c
}

// open opens the file for a command: read-only for one that only reads, or under -read-only, so
// that a missing file is an error rather than a new empty file and no unfinished run is resumed.
func (c *cli) open(writes bool) (*mnemo.Engine, error) {
	if c.lockTimeout < 0 {
		return nil, c.global.usagef("-lock-timeout %v is negative", c.lockTimeout)
	}
	readOnly := !writes || c.readOnly
	if fi, err := os.Stat(c.db.path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a mnemo file", c.db.path)
	} else if err == nil && fi.Size() == 0 && readOnly { // bbolt would try to initialise it
		return nil, fmt.Errorf("open %s: %w: the file is empty", c.db.path, mnemo.ErrCorrupt)
	}
	eng, err := mnemo.Open(c.db.path, &mnemo.Options{
		ReadOnly:    readOnly,
		LockTimeout: max(c.lockTimeout, time.Nanosecond), // zero would mean the default
	})
	switch {
	case readOnly && errors.Is(err, mnemo.ErrNotFound):
		return nil, fmt.Errorf("%w (opened read-only, so not created: check -db or $MNEMO_DB)", err)
	case errors.Is(err, mnemo.ErrLocked):
		return nil, fmt.Errorf("%w; -lock-timeout was %v", err, c.lockTimeout)
	}
	return eng, err
}

// explain adds to an error what the user may not have seen: that -read-only caused it.
func (c *cli) explain(err error) error {
	if c.readOnly && errors.Is(err, mnemo.ErrReadOnly) {
		return fmt.Errorf("%w (-read-only was given)", err)
	}
	return err
}

// withEngine opens the file, calls fn, prints its result and closes the file.
func (c *cli) withEngine(writes bool, fn func(*mnemo.Engine) (any, error)) error {
	eng, err := c.open(writes)
	if err != nil {
		return err
	}
	defer eng.Close()
	v, err := fn(eng)
	if err != nil {
		return c.explain(err)
	}
	return c.print(v)
}

// print writes v as indented JSON.
func (c *cli) print(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
