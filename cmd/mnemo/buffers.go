package main

import (
	"flag"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// The buffers of a buffered pipeline (the -buffer-* global flags): buffers list reads, buffers flush
// writes.

const buffersUsage = `usage: mnemo [global flags] buffers list [-user U] [-group G] [-prop k=v ...]
       mnemo [global flags] buffers flush (-user U | -group G | -prop k=v ... | -all) [-wait]

A buffered pipeline (-buffer-count N, -buffer-since-first D or -buffer-since-last D) parks each run
at its buffer step (status in_buffer), per scope, until the trigger fires; then the scope's parked
runs resume together and one summary per scope (topic -summarize, default "summary") takes their
facts. Open a file with the flags its runs were added with: under other flags its buffers stay
parked ("active": false) and fire neither on their trigger nor on flush.

The global flags are -db FILE, -lock-timeout D, -read-only, -buffer-count N, -buffer-since-first D,
-buffer-since-last D and -summarize TOPIC (see "mnemo -h").
Run "mnemo buffers list -h" (or flush) for a command's flags.
`

func (c *cli) buffers(args []string) error {
	if len(args) == 0 {
		return c.global.usagef("buffers needs list or flush")
	}
	switch args[0] {
	case "list":
		return c.buffersList(args[1:])
	case "flush":
		return c.buffersFlush(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, buffersUsage)
		return errHelp
	}
	return c.global.usagef("unknown buffers command %q: buffers needs list or flush", args[0])
}

// scopeFlags are the flags that select buffers by scope, as mnemo.FlushOptions does.
type scopeFlags struct {
	user, group *string
	props       pairs
	given       bool // whether any of them was on the command line
}

func newScopeFlags(cmd *command, verb string) *scopeFlags {
	s := &scopeFlags{props: pairs{}}
	s.user = cmd.fs.String("user", "", verb+" the buffers of this user (exactly: without -user, those of no user)")
	s.group = cmd.fs.String("group", "", verb+" the buffers of this group (default \"default\")")
	cmd.fs.Var(s.props, "prop", verb+" the buffers whose scope has this property `key=value` (repeatable)")
	return s
}

// parsed records, once cmd is parsed, whether a selector was given.
func (s *scopeFlags) parsed(cmd *command) {
	cmd.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "user", "group", "prop":
			s.given = true
		}
	})
}

// options returns the selection; nil (every buffer) when no selector was given.
func (s *scopeFlags) options() *mnemo.FlushOptions {
	if !s.given {
		return nil
	}
	return &mnemo.FlushOptions{UserID: *s.user, Group: *s.group, Properties: s.props.orNil()}
}

func (c *cli) buffersList(args []string) error {
	cmd := c.command("buffers list", "[-user U] [-group G] [-prop k=v ...]")
	sel := newScopeFlags(cmd, "list")
	if err := cmd.none(args); err != nil {
		return err
	}
	sel.parsed(cmd)
	return c.withEngine(false, func(eng *mnemo.Engine) (any, error) {
		return eng.Buffers.List(c.ctx, (*mnemo.BufferListOptions)(sel.options()))
	})
}

// flushResult is what buffers flush prints: how many parked runs the flush resumed, and with -wait
// the runs once ended.
type flushResult struct {
	Resumed int         `json:"resumed"`
	Runs    []mnemo.Run `json:"runs,omitzero"`
}

// buffersFlush fires the selected buffers. It first lets the selection's runs in flight (such as
// those an add left queued when it exited, which this open resumes) reach their buffers, so that a
// flush right after an add takes the add's facts; then it notes the runs parked in the selected
// buffers, flushes, and with -wait waits for those runs to end.
func (c *cli) buffersFlush(args []string) error {
	cmd := c.command("buffers flush", "(-user U | -group G | -prop k=v ... | -all) [-wait]")
	sel := newScopeFlags(cmd, "fire")
	all := cmd.fs.Bool("all", false, "fire every buffer")
	wait := cmd.fs.Bool("wait", false, "wait until the runs parked in the selected buffers have ended, and print them")
	if err := cmd.none(args); err != nil {
		return err
	}
	sel.parsed(cmd)
	switch {
	case *all && sel.given:
		return cmd.usagef("-all fires every buffer: it takes no -user, -group or -prop")
	case !*all && !sel.given:
		return cmd.usagef("needs -user, -group or -prop to select the buffers to fire, or -all for every one")
	}
	opts := sel.options()
	pipe, err := c.pipeline()
	if err != nil {
		return err
	}
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
	var parked []string
	// Unbuffered, nothing can fire (open warned of any parked runs); read-only, Flush refuses.
	if pipe != nil && !c.readOnly {
		if err := c.settle(eng, opts); err != nil {
			return err
		}
		if parked, err = c.parkedRuns(eng, pipe, opts); err != nil {
			return err
		}
	}
	n, err := eng.Buffers.Flush(c.ctx, opts)
	if err != nil {
		return c.explain(err)
	}
	res := flushResult{Resumed: n}
	if *wait {
		res.Runs = []mnemo.Run{}
		for _, id := range parked {
			r, err := eng.Runs.Wait(c.ctx, id)
			if err != nil {
				return err
			}
			res.Runs = append(res.Runs, *r)
		}
	}
	return c.print(res)
}

// settle waits until each run of the selection that is queued or running has parked (and, if that
// made its buffer due, ended) or ended.
func (c *cli) settle(eng *mnemo.Engine, sel *mnemo.FlushOptions) error {
	inFlight, err := c.runsWhere(eng, []mnemo.Status{mnemo.Queued, mnemo.Running}, func(r *mnemo.Run) bool {
		return inScope(sel, r)
	})
	if err != nil {
		return err
	}
	for _, id := range inFlight {
		if _, err := c.waitParkedOrEnded(eng, id); err != nil {
			return err
		}
	}
	return nil
}

// parkedRuns returns the runs parked in the buffers that a flush of sel fires: those of the selected
// scopes at a buffer step of pipe.
func (c *cli) parkedRuns(eng *mnemo.Engine, pipe *pipeline.Pipeline, sel *mnemo.FlushOptions) ([]string, error) {
	return c.runsWhere(eng, []mnemo.Status{mnemo.InBuffer}, func(r *mnemo.Run) bool {
		_, active := pipe.Buffer(r.Step)
		return active && inScope(sel, r)
	})
}

// runsWhere returns the IDs of the runs in one of statuses for which keep is true, oldest first.
func (c *cli) runsWhere(eng *mnemo.Engine, statuses []mnemo.Status, keep func(*mnemo.Run) bool) ([]string, error) {
	var ids []string
	opts := &mnemo.RunListOptions{Statuses: statuses, Limit: mnemo.MaxListLimit}
	for {
		page, err := eng.Runs.List(c.ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range page.Runs {
			if keep(&page.Runs[i]) {
				ids = append(ids, page.Runs[i].ID)
			}
		}
		if page.Next == "" {
			return ids, nil
		}
		opts.Cursor = page.Next
	}
}

// inScope reports whether the run's scope, which is its buffer's, is one sel selects, as
// Buffers.Flush selects them: the group (DefaultGroup if empty) and the user exactly, user IDs
// compared case-insensitively, and every property of sel. A nil sel selects every scope.
func inScope(sel *mnemo.FlushOptions, r *mnemo.Run) bool {
	if sel == nil {
		return true
	}
	group := sel.Group
	if group == "" {
		group = mnemo.DefaultGroup
	}
	if r.Group != group || strings.ToLower(r.UserID) != strings.ToLower(sel.UserID) {
		return false
	}
	for k, v := range sel.Properties {
		if got, ok := r.Properties[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// waitParkedOrEnded waits until the run ends, or parks in a buffer that is not due: a run that
// parks in a buffer it fills, or whose time has come, is waited for to its end, since it resumes at
// once. Under an unbuffered pipeline it is Runs.Wait.
func (c *cli) waitParkedOrEnded(eng *mnemo.Engine, id string) (*mnemo.Run, error) {
	r, err := eng.Runs.WaitFor(c.ctx, id, mnemo.Completed, mnemo.Failed, mnemo.PartialSuccess, mnemo.InBuffer)
	if err != nil || r.Status != mnemo.InBuffer {
		return r, err
	}
	due, err := c.bufferDue(eng, r)
	if err != nil || !due {
		return r, err
	}
	return eng.Runs.Wait(c.ctx, id)
}

// bufferDue reports whether the buffer the run r is parked in fires now: it is full, or its time
// has come, or it has fired already (it no longer holds items).
func (c *cli) bufferDue(eng *mnemo.Engine, r *mnemo.Run) (bool, error) {
	infos, err := eng.Buffers.List(c.ctx, &mnemo.BufferListOptions{UserID: r.UserID, Group: r.Group, Properties: r.Properties})
	if err != nil {
		return false, err
	}
	for _, b := range infos {
		if b.Step != r.Step || !maps.Equal(b.Properties, r.Properties) {
			continue // another step's buffer, or a scope with more properties
		}
		if !b.Active {
			return false, nil
		}
		full := c.trigger.Full(b.Items)
		timeUp := !b.FiresAt.IsZero() && !b.FiresAt.After(time.Now())
		return full || timeUp, nil
	}
	return true, nil // emptied: it has fired
}
