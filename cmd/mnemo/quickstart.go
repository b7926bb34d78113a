package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mnemohq/mnemo"
)

// sampleConversation is the quickstart's input: a short chat in which a user tells an assistant a
// few things worth remembering, among pleasantries that are not.
func sampleConversation(start time.Time) mnemo.Input {
	msgs := []mnemo.Message{
		{ID: "m1", Role: "user", Name: "Alice", Content: "Hi there!"},
		{ID: "m2", Role: "assistant", Content: "Hello Alice! How can I help you today?"},
		{ID: "m3", Role: "user", Name: "Alice", Content: "I'm planning a trip to Lisbon in May. I prefer trains to planes, and I'm vegetarian."},
		{ID: "m4", Role: "assistant", Content: "Noted. The night train from Madrid arrives at 7:30 a.m., which suits an early start."},
		{ID: "m5", Role: "user", Name: "Alice", Content: "Great, thanks! My budget is about 1,200 euros."},
		{ID: "m6", Role: "assistant", Content: "You're welcome!"},
	}
	for i := range msgs {
		msgs[i].CreatedAt = start.Add(time.Duration(i) * time.Minute)
	}
	return mnemo.Conversation(msgs...)
}

func (c *cli) quickstart(args []string) error {
	fs := c.flags("quickstart", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !c.dbSet {
		c.db = filepath.Join(os.TempDir(), "mnemo-quickstart.db")
	}
	// Start from an empty file so the quickstart shows the same thing each time.
	if err := os.Remove(c.db); err != nil && !os.IsNotExist(err) {
		return err
	}
	eng, err := c.open()
	if err != nil {
		return err
	}
	defer eng.Close()
	fmt.Fprintf(c.stderr, "mnemo quickstart: file %s\n", c.db)

	run, err := eng.Memories.Add(c.ctx, sampleConversation(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)),
		&mnemo.AddOptions{UserID: "alice", Properties: map[string]string{"conversation_id": "trip-planning"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "added run %s (status %s); waiting for it...\n", run.ID, run.Status)
	if run, err = eng.Runs.Wait(c.ctx, run.ID); err != nil {
		return err
	}
	if err := c.print(run); err != nil {
		return err
	}
	page, err := eng.Memories.List(c.ctx, &mnemo.ListOptions{UserID: "alice"})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "the memories of user alice (%d):\n", page.Total)
	return c.print(page)
}
