package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
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

// sampleNotes are the buffered quickstart's inputs: three texts of one user, which a count-3 buffer
// holds until the third arrives.
var sampleNotes = []string{
	"Alice is planning a trip to Lisbon in May.",
	"Alice prefers trains to planes.",
	"Alice is vegetarian.",
}

// quickstart adds the sample conversation to a new file and prints the run and the memories; with
// -buffered, it adds three texts through a buffered pipeline instead. It never opens a file that
// exists: with no -db (and whatever $MNEMO_DB says) it writes in a new temporary directory, and a
// -db naming an existing file is refused.
func (c *cli) quickstart(args []string) error {
	cmd := c.command("quickstart", "[-buffered]")
	buffered := cmd.fs.Bool("buffered", false,
		"add three texts through a buffer of count 3 and a summary: see a run park, then resume with the others")
	if err := cmd.none(args); err != nil {
		return err
	}
	if c.readOnly {
		return c.global.usagef("quickstart writes a new file: -read-only does not apply")
	}
	if c.buffered() || c.summarize != "" {
		return c.global.usagef("quickstart chooses its own pipeline: -buffer-* and -summarize do not apply (see quickstart -buffered)")
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
	run := c.runQuickstart
	if *buffered {
		c.trigger, c.summarize = buffer.Trigger{Count: len(sampleNotes)}, defaultSummaryTopic
		run = c.runBufferedQuickstart
	}
	if err := run(); err != nil {
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

// runBufferedQuickstart adds the three sample notes to the new file, opened with a count-3 buffer
// and a summary (the global flags set by quickstart). The first two runs park in alice's buffer; it
// prints the first as soon as it is parked. The third fills the buffer: the three runs resume
// together, and it prints them once ended, then alice's summary memory, which holds all three facts.
func (c *cli) runBufferedQuickstart() error {
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
	opts := &mnemo.AddOptions{UserID: "alice", Properties: map[string]string{"conversation_id": "trip-planning"}}
	ids := make([]string, len(sampleNotes))
	for i, note := range sampleNotes {
		run, err := eng.Memories.Add(c.ctx, mnemo.Text(note), opts)
		if err != nil {
			return err
		}
		ids[i] = run.ID
		if i == len(sampleNotes)-1 {
			fmt.Fprintf(c.stderr, "added run %s: its item fills the buffer (count %d), so the %d runs resume together; waiting for them...\n",
				run.ID, c.trigger.Count, len(ids))
			break
		}
		if run, err = eng.Runs.WaitFor(c.ctx, run.ID, mnemo.InBuffer); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "added run %s: it committed its own memory and parked in alice's buffer (%d of %d items)\n",
			run.ID, i+1, c.trigger.Count)
		if i == 0 {
			if err := c.print(run); err != nil {
				return err
			}
		}
	}
	runs := make([]*mnemo.Run, len(ids))
	for i, id := range ids {
		if runs[i], err = eng.Runs.Wait(c.ctx, id); err != nil {
			return err
		}
	}
	if err := c.print(runs); err != nil {
		return err
	}
	page, err := eng.Memories.List(c.ctx, &mnemo.ListOptions{UserID: "alice", Properties: opts.Properties, Topics: []string{defaultSummaryTopic}})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "alice's summary (topic %q), made when the buffer fired:\n", defaultSummaryTopic)
	return c.print(page)
}
