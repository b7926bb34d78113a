package main

import (
	"errors"
	"fmt"
	"io/fs"
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

// quickstart adds the sample conversation to a new file and prints the run and the memories. It
// never opens a file that exists: with no -db (and whatever $MNEMO_DB says) it writes in a new
// temporary directory, and a -db naming an existing file is refused.
func (c *cli) quickstart(args []string) error {
	if err := c.command("quickstart", "").none(args); err != nil {
		return err
	}
	if c.readOnly {
		return c.global.usagef("quickstart writes a new file: -read-only does not apply")
	}
	path := c.db.path
	if !c.db.set {
		dir, err := os.MkdirTemp("", "mnemo-quickstart-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "quickstart.db")
	}
	// Create the file here, exclusively: nothing else can have it, and mnemo.Open then fills it.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: quickstart writes only a new file, and %s exists: name a new -db path, or none",
			mnemo.ErrInvalidInput, path)
	}
	if err != nil {
		return err
	}
	f.Close()
	c.db.path = path
	if err := c.runQuickstart(); err != nil {
		return fmt.Errorf("quickstart (file %s): %w", path, err)
	}
	fmt.Fprintf(c.stderr, "mnemo: quickstart wrote %s\n", path)
	return nil
}

// runQuickstart adds the sample conversation to the new file, waits for its run and prints it, then
// the memories it made.
func (c *cli) runQuickstart() error {
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
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
