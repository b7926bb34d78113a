package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mnemohq/mnemo"
)

// update replaces a memory's content in place, and optionally its expiry.
func (c *cli) update(args []string) error {
	cmd := c.command("update", "[-expires WHEN | -no-expiry] MEMORY_ID CONTENT")
	var expires expiry
	cmd.fs.Var(&expires, "expires", "the memory's new expiry: a time (2026-12-31, RFC 3339) or a duration from now (90m, 12h, 30d)")
	noExpiry := cmd.fs.Bool("no-expiry", false, "remove the memory's expiry")
	if err := cmd.parse(args); err != nil {
		return err
	}
	if len(cmd.args) != 2 {
		return cmd.usagef("takes a memory ID and the new content (- reads it from stdin), got %d arguments", len(cmd.args))
	}
	if *noExpiry && expires.set {
		return cmd.usagef("-expires and -no-expiry exclude each other")
	}
	id, content := cmd.args[0], cmd.args[1]
	if content == "-" {
		b, err := io.ReadAll(io.LimitReader(c.stdin, mnemo.MaxInputBytes+1)) // more is refused by Update
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		content = strings.TrimSpace(string(b))
	}
	if err := c.needFile("update"); err != nil {
		return err
	}
	return c.withEngine(true, func(eng *mnemo.Engine) (any, error) {
		return eng.Memories.Update(c.ctx, id, content, &mnemo.UpdateOptions{ExpiresAt: expires.at(), NoExpiry: *noExpiry})
	})
}

// history prints every change of a memory, oldest first.
func (c *cli) history(args []string) error {
	id, err := c.command("history", "MEMORY_ID").one(args, "memory ID")
	if err != nil {
		return err
	}
	return c.withEngine(false, func(eng *mnemo.Engine) (any, error) { return eng.Memories.History(c.ctx, id) })
}

// purge removes a memory and its history for good, or, with -user, everything of one user.
func (c *cli) purge(args []string) error {
	cmd := c.command("purge", "MEMORY_ID | -user USER [-group GROUP]")
	user := cmd.fs.String("user", "", "erase everything of this user (memories, histories, runs, buffered items)")
	group := cmd.fs.String("group", "", "the user's group (default \"default\"); only with -user")
	if err := cmd.parse(args); err != nil {
		return err
	}
	userSet, groupSet := false, false
	cmd.fs.Visit(func(f *flag.Flag) {
		userSet = userSet || f.Name == "user"
		groupSet = groupSet || f.Name == "group"
	})
	switch {
	case userSet && len(cmd.args) > 0:
		return cmd.usagef("takes a memory ID or -user, not both")
	case groupSet && !userSet:
		return cmd.usagef("-group needs -user")
	case !userSet && len(cmd.args) != 1:
		return cmd.usagef("takes one memory ID, or -user USER, got %d arguments", len(cmd.args))
	}
	if err := c.needFile("purge"); err != nil {
		return err
	}
	if userSet {
		return c.withEngine(true, func(eng *mnemo.Engine) (any, error) {
			rep, err := eng.Memories.PurgeUser(c.ctx, *group, *user)
			if err != nil {
				return nil, err
			}
			g := *group
			if g == "" {
				g = mnemo.DefaultGroup
			}
			return map[string]any{"group": g, "user_id": *user, "runs": rep.Runs, "memories": rep.Memories}, nil
		})
	}
	id := cmd.args[0]
	return c.withEngine(true, func(eng *mnemo.Engine) (any, error) {
		if err := eng.Memories.Purge(c.ctx, id); err != nil {
			return nil, err
		}
		return map[string]any{"purged": id}, nil
	})
}
