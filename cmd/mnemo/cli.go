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
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/pipeline"
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
	trigger     buffer.Trigger // -buffer-count, -buffer-since-first, -buffer-since-last
	summarize   string         // -summarize; "" is defaultSummaryTopic
	serverURL   string         // -server, $MNEMO_SERVER: run against "mnemo serve" (remote.go)
}

// defaultSummaryTopic is the topic of a buffered pipeline's summary when -summarize names none.
const defaultSummaryTopic = "summary"

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
	c.global.fs.IntVar(&c.trigger.Count, "buffer-count", 0,
		"buffered pipeline: fire a scope's buffer when it holds `N` items")
	c.global.fs.DurationVar(&c.trigger.SinceFirst, "buffer-since-first", 0,
		"buffered pipeline: fire a scope's buffer this long after its first item")
	c.global.fs.DurationVar(&c.trigger.SinceLast, "buffer-since-last", 0,
		"buffered pipeline: fire a scope's buffer when no item has come for this long")
	c.global.fs.StringVar(&c.summarize, "summarize", "",
		"buffered pipeline: the `TOPIC` of the summary kept per scope (default \""+defaultSummaryTopic+"\")")
	c.registerRemote()
	return c
}

// buffered reports whether the global flags ask for a buffered pipeline.
func (c *cli) buffered() bool { return c.trigger != buffer.Trigger{} }

// pipeline returns the pipeline the global flags choose, which every command opens the file with:
// with a -buffer-* flag, extract -> transform -> commit -> buffer -> summarize -> commit (each run's
// facts are committed as they come, and each firing of a scope's buffer folds its facts into that
// scope's summary); without, the engine's default.
func (c *cli) pipeline() (*pipeline.Pipeline, error) {
	switch {
	case c.trigger.Count < 0:
		return nil, c.global.usagef("-buffer-count %d is negative", c.trigger.Count)
	case c.trigger.SinceFirst < 0:
		return nil, c.global.usagef("-buffer-since-first %v is negative", c.trigger.SinceFirst)
	case c.trigger.SinceLast < 0:
		return nil, c.global.usagef("-buffer-since-last %v is negative", c.trigger.SinceLast)
	case !c.buffered() && c.summarize != "":
		return nil, c.global.usagef("-summarize needs a buffered pipeline: -buffer-count, -buffer-since-first or -buffer-since-last")
	case !c.buffered():
		return nil, nil // the engine's default
	}
	topic := c.summarize
	if topic == "" {
		topic = defaultSummaryTopic
	}
	p := pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(c.trigger), pipeline.Summarize(topic), pipeline.Commit())
	if err := p.Validate(); err != nil {
		return nil, c.global.usagef("-summarize %q: %v", c.summarize, err)
	}
	return p, nil
}

// open opens the file for a command: read-only for one that only reads, or under -read-only, so
// that a missing file is an error rather than a new empty file and no unfinished run is resumed.
func (c *cli) open(writes bool) (*mnemo.Engine, error) {
	return c.openWith(writes, nil)
}

// openWith is open with options of the command's own, set by tune.
func (c *cli) openWith(writes bool, tune func(*mnemo.Options)) (*mnemo.Engine, error) {
	if c.lockTimeout < 0 {
		return nil, c.global.usagef("-lock-timeout %v is negative", c.lockTimeout)
	}
	pipe, err := c.pipeline()
	if err != nil {
		return nil, err
	}
	readOnly := !writes || c.readOnly
	if fi, err := os.Stat(c.db.path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a mnemo file", c.db.path)
	} else if err == nil && fi.Size() == 0 && readOnly { // bbolt would try to initialise it
		return nil, fmt.Errorf("open %s: %w: the file is empty", c.db.path, mnemo.ErrCorrupt)
	}
	opts := &mnemo.Options{
		ReadOnly:    readOnly,
		LockTimeout: max(c.lockTimeout, time.Nanosecond), // zero would mean the default
		Pipeline:    pipe,
	}
	if tune != nil {
		tune(opts)
	}
	eng, err := mnemo.Open(c.db.path, opts)
	switch {
	case readOnly && errors.Is(err, mnemo.ErrNotFound):
		return nil, fmt.Errorf("%w (opened read-only, so not created: check -db or $MNEMO_DB)", err)
	case errors.Is(err, mnemo.ErrLocked):
		return nil, fmt.Errorf("%w; -lock-timeout was %v", err, c.lockTimeout)
	case err != nil:
		return nil, err
	}
	if !readOnly {
		c.warnInactive(eng)
	}
	return eng, nil
}

// warnInactive says on stderr when the file holds runs parked in buffers that the pipeline of the
// global flags has no buffer step for: they stay parked, safe, and no command fires them until the
// file is opened with the flags they were added with. (The engine logs it too, but the CLI discards
// the engine's logs.)
func (c *cli) warnInactive(eng *mnemo.Engine) {
	infos, err := eng.Buffers.List(c.ctx, nil)
	if err != nil {
		return // the command's own calls will meet the error, if it lasts
	}
	var buffers, runs int
	for _, b := range infos {
		if !b.Active {
			buffers, runs = buffers+1, runs+b.Runs
		}
	}
	if buffers > 0 {
		fmt.Fprintf(c.stderr, "mnemo: warning: %d parked run(s) wait in %d buffer(s) that this pipeline has no buffer step for; "+
			"they stay parked, safe, until the file is opened with the -buffer-* flags they were added with (see \"mnemo buffers list\")\n",
			runs, buffers)
	}
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

// needFile returns an error wrapping ErrNotFound when the file does not exist, for the commands
// that change what a file holds (delete, update, purge): they never create one.
func (c *cli) needFile(command string) error {
	if _, err := os.Stat(c.db.path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open %s: %w: no such file (%s changes an existing file and creates none: check -db or $MNEMO_DB)",
			c.db.path, mnemo.ErrNotFound, command)
	}
	return nil
}
