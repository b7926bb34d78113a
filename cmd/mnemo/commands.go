package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mnemohq/mnemo"
)

func (c *cli) add(args []string) error {
	fs := c.flags("add", "[flags] [TEXT...]")
	user := fs.String("user", "", "user ID the memories belong to")
	group := fs.String("group", "", "group (default \"default\")")
	doc := fs.String("doc", "", "document ID: an idempotency key")
	conv := fs.String("conversation", "", "JSON file of chat messages [{id, role, name, content, created_at}] (- for stdin)")
	items := fs.String("items", "", "JSON file of pre-extracted items [{content, topic}] (- for stdin)")
	wait := fs.Bool("wait", false, "wait until the run ends and print it then")
	props, meta := pairs{}, pairs{}
	fs.Var(props, "prop", "scope property key=value (repeatable)")
	fs.Var(meta, "meta", "metadata key=value (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var in mnemo.Input
	switch {
	case *conv != "" && *items != "", (*conv != "" || *items != "") && fs.NArg() > 0:
		return fmt.Errorf("%w: add takes texts, -conversation or -items, one of them", errUsage)
	case *conv != "":
		var msgs []mnemo.Message
		if err := c.readJSON(*conv, &msgs); err != nil {
			return err
		}
		in = mnemo.Conversation(msgs...)
	case *items != "":
		var its []mnemo.Item
		if err := c.readJSON(*items, &its); err != nil {
			return err
		}
		in = mnemo.PreExtracted(its...)
	case fs.NArg() > 0:
		in = mnemo.Text(fs.Args()...)
	default:
		return fmt.Errorf("%w: add needs texts, -conversation FILE or -items FILE", errUsage)
	}
	eng, err := c.open()
	if err != nil {
		return err
	}
	defer eng.Close()
	run, err := eng.Memories.Add(c.ctx, in, &mnemo.AddOptions{
		UserID: *user, Group: *group, Properties: props.orNil(), DocumentID: *doc, Metadata: meta.orNil(),
	})
	if err != nil {
		return err
	}
	if *wait {
		if run, err = eng.Runs.Wait(c.ctx, run.ID); err != nil {
			return err
		}
	}
	return c.print(run)
}

func (c *cli) readJSON(name string, v any) error {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

func (c *cli) runs(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: runs needs get, wait or list", errUsage)
	}
	switch args[0] {
	case "get":
		fs := c.flags("runs get", "RUN_ID")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		id, err := exactlyOne(fs, "run ID")
		if err != nil {
			return err
		}
		return c.withEngine(func(eng *mnemo.Engine) (any, error) { return eng.Runs.Get(c.ctx, id) })
	case "wait":
		fs := c.flags("runs wait", "[-timeout D] RUN_ID")
		timeout := fs.Duration("timeout", 0, "give up after this long (0 waits for ever)")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		id, err := exactlyOne(fs, "run ID")
		if err != nil {
			return err
		}
		ctx := c.ctx
		if *timeout > 0 {
			var cancel func()
			ctx, cancel = context.WithTimeout(ctx, *timeout)
			defer cancel()
		}
		return c.withEngine(func(eng *mnemo.Engine) (any, error) { return eng.Runs.Wait(ctx, id) })
	case "list":
		fs := c.flags("runs list", "[flags]")
		var statuses list
		fs.Var(&statuses, "status", "keep runs with this status (repeatable)")
		user := fs.String("user", "", "keep runs of this user")
		group := fs.String("group", "", "keep runs of this group")
		limit := fs.Int("limit", 0, "page size (default 20)")
		cursor := fs.String("cursor", "", "the next cursor of the previous page")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		opts := &mnemo.RunListOptions{UserID: *user, Group: *group, Limit: *limit, Cursor: *cursor}
		for _, s := range statuses {
			opts.Statuses = append(opts.Statuses, mnemo.Status(s))
		}
		return c.withEngine(func(eng *mnemo.Engine) (any, error) { return eng.Runs.List(c.ctx, opts) })
	}
	return fmt.Errorf("%w: unknown runs command %q", errUsage, args[0])
}

func (c *cli) list(args []string) error {
	fs := c.flags("list", "[flags]")
	user := fs.String("user", "", "user ID of the scope")
	group := fs.String("group", "", "group of the scope (default \"default\")")
	limit := fs.Int("limit", 0, "page size (default 20)")
	cursor := fs.String("cursor", "", "the next cursor of the previous page")
	props := pairs{}
	var topics list
	fs.Var(props, "prop", "keep memories with this property key=value (repeatable)")
	fs.Var(&topics, "topic", "keep memories of this topic (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts := &mnemo.ListOptions{UserID: *user, Group: *group, Properties: props.orNil(), Topics: topics, Limit: *limit, Cursor: *cursor}
	return c.withEngine(func(eng *mnemo.Engine) (any, error) { return eng.Memories.List(c.ctx, opts) })
}

func (c *cli) get(args []string) error {
	fs := c.flags("get", "MEMORY_ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := exactlyOne(fs, "memory ID")
	if err != nil {
		return err
	}
	return c.withEngine(func(eng *mnemo.Engine) (any, error) { return eng.Memories.Get(c.ctx, id) })
}

func (c *cli) delete(args []string) error {
	fs := c.flags("delete", "MEMORY_ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := exactlyOne(fs, "memory ID")
	if err != nil {
		return err
	}
	return c.withEngine(func(eng *mnemo.Engine) (any, error) {
		if err := eng.Memories.Delete(c.ctx, id); err != nil {
			return nil, err
		}
		return map[string]any{"deleted": id}, nil
	})
}

// withEngine opens the file, calls fn, prints its result and closes the file.
func (c *cli) withEngine(fn func(*mnemo.Engine) (any, error)) error {
	eng, err := c.open()
	if err != nil {
		return err
	}
	defer eng.Close()
	v, err := fn(eng)
	if err != nil {
		return err
	}
	return c.print(v)
}
