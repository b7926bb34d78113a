package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/mnemohq/mnemo"
)

// The read commands (runs get, runs list, list, get, history) open the file read-only; delete and runs
// wait write, runs wait because the workers that finish the run write.

const runsUsage = `usage: mnemo [global flags] runs get RUN_ID
       mnemo [global flags] runs wait [-timeout D] RUN_ID
       mnemo [global flags] runs list [flags]

The global flags are -db FILE, -lock-timeout D, -read-only, -buffer-count N, -buffer-since-first D,
-buffer-since-last D and -summarize TOPIC (see "mnemo -h").
Run "mnemo runs list -h" (or get, wait) for a command's flags.
`

func (c *cli) runs(args []string) error {
	if len(args) == 0 {
		return c.global.usagef("runs needs get, wait or list")
	}
	switch args[0] {
	case "get":
		cmd := c.command("runs get", "RUN_ID")
		id, err := cmd.one(args[1:], "run ID")
		if err != nil {
			return err
		}
		return c.withEngine(false, func(eng *mnemo.Engine) (any, error) { return eng.Runs.Get(c.ctx, id) })
	case "wait":
		return c.runsWait(args[1:])
	case "list":
		cmd := c.command("runs list", "[flags]")
		var statuses list
		cmd.fs.Var(&statuses, "status", "keep runs with this `status` (repeatable)")
		user := cmd.fs.String("user", "", "keep runs of this user")
		group := cmd.fs.String("group", "", "keep runs of this group")
		limit := cmd.fs.Int("limit", 0, "page size (default 20)")
		cursor := cmd.fs.String("cursor", "", "the next cursor of the previous page")
		if err := cmd.none(args[1:]); err != nil {
			return err
		}
		opts := &mnemo.RunListOptions{UserID: *user, Group: *group, Limit: *limit, Cursor: *cursor}
		for _, s := range statuses {
			opts.Statuses = append(opts.Statuses, mnemo.Status(s))
		}
		return c.withEngine(false, func(eng *mnemo.Engine) (any, error) { return eng.Runs.List(c.ctx, opts) })
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, runsUsage)
		return errHelp
	}
	return c.global.usagef("unknown runs command %q: runs needs get, wait or list", args[0])
}

func (c *cli) runsWait(args []string) error {
	cmd := c.command("runs wait", "[-timeout D] RUN_ID")
	timeout := cmd.fs.Duration("timeout", 0, "give up after this long (0 waits for ever; a parked run ends only when its buffer fires)")
	id, err := cmd.one(args, "run ID")
	if err != nil {
		return err
	}
	ctx := c.ctx
	if *timeout > 0 {
		var cancel func()
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
	run, err := eng.Runs.Wait(ctx, id)
	if run != nil { // with an error, the run as last seen
		if perr := c.print(run); err == nil {
			err = perr
		}
	}
	if *timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("runs wait %s: the run did not end within -timeout %v", id, *timeout)
	}
	return err
}

func (c *cli) list(args []string) error {
	cmd := c.command("list", "[flags]")
	user := cmd.fs.String("user", "", "user ID of the scope")
	group := cmd.fs.String("group", "", "group of the scope (default \"default\")")
	limit := cmd.fs.Int("limit", 0, "page size (default 20)")
	cursor := cmd.fs.String("cursor", "", "the next cursor of the previous page")
	props := pairs{}
	var topics list
	cmd.fs.Var(props, "prop", "keep memories with this property `key=value` (repeatable)")
	cmd.fs.Var(&topics, "topic", "keep memories of this `topic` (repeatable)")
	superseded := cmd.fs.Bool("include-superseded", false, "list superseded memories too (expired ones stay hidden)")
	if err := cmd.none(args); err != nil {
		return err
	}
	opts := &mnemo.ListOptions{UserID: *user, Group: *group, Properties: props.orNil(), Topics: topics, Limit: *limit, Cursor: *cursor,
		IncludeSuperseded: *superseded}
	return c.withEngine(false, func(eng *mnemo.Engine) (any, error) { return eng.Memories.List(c.ctx, opts) })
}

func (c *cli) get(args []string) error {
	id, err := c.command("get", "MEMORY_ID").one(args, "memory ID")
	if err != nil {
		return err
	}
	return c.withEngine(false, func(eng *mnemo.Engine) (any, error) { return eng.Memories.Get(c.ctx, id) })
}

func (c *cli) delete(args []string) error {
	id, err := c.command("delete", "MEMORY_ID").one(args, "memory ID")
	if err != nil {
		return err
	}
	if err := c.needFile("delete"); err != nil {
		return err
	}
	return c.withEngine(true, func(eng *mnemo.Engine) (any, error) {
		if err := eng.Memories.Delete(c.ctx, id); err != nil {
			return nil, err
		}
		return map[string]any{"deleted": id}, nil
	})
}
