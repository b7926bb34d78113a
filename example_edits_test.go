package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/mnemohq/mnemo"
)

// addAndWait adds a text for a user and waits for its run.
func addAndWait(eng *mnemo.Engine, text, user string) *mnemo.Run {
	ctx := context.Background()
	run, err := eng.Memories.Add(ctx, mnemo.Text(text), &mnemo.AddOptions{UserID: user})
	if err != nil {
		log.Fatal(err)
	}
	if run, err = eng.Runs.Wait(ctx, run.ID); err != nil {
		log.Fatal(err)
	}
	return run
}

// Reconciliation: a repeat is a no-op, a refinement updates the memory in place, a contradiction
// supersedes it. The superseded memory stays readable, with a link to its successor.
func ExampleReconciler() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	first := addAndWait(eng, "I live in Paris.", "ann")
	for _, text := range []string{"I live in Paris!", "I live in Paris with my two cats.", "I moved to Berlin."} {
		ops := addAndWait(eng, text, "ann").CommittedOperations
		fmt.Printf("%-35q created %d, updated %d, deleted %d\n", text, len(ops.Created), len(ops.Updated), len(ops.Deleted))
	}
	page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "ann"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listed:", page.Memories[0].Content)
	old, err := eng.Memories.Get(ctx, first.MemoryIDs[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("old: %q, version %d, superseded by the listed one: %v\n", old.Content, old.Version, old.SupersededBy == page.Memories[0].ID)
	// Output:
	// "I live in Paris!"                  created 0, updated 0, deleted 0
	// "I live in Paris with my two cats." created 0, updated 1, deleted 0
	// "I moved to Berlin."                created 1, updated 0, deleted 1
	// listed: I moved to Berlin.
	// old: "I live in Paris with my two cats.", version 3, superseded by the listed one: true
}

// The application's own edits, and the history that records them beside the runs' changes.
func ExampleMemoryService_History() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	id := addAndWait(eng, "Bob plays the cello.", "bob").MemoryIDs[0]
	if _, err := eng.Memories.Update(ctx, id, "Bob plays the cello in a quartet.", nil); err != nil {
		log.Fatal(err)
	}
	if err := eng.Memories.Delete(ctx, id); err != nil {
		log.Fatal(err)
	}
	changes, err := eng.Memories.History(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range changes {
		by := "a run"
		if c.RunID == mnemo.ChangeByAPI {
			by = "the application"
		}
		fmt.Printf("v%d %s by %s: %q -> %q\n", c.Version, c.Operation, by, c.OldContent, c.NewContent)
	}
	if err := eng.Memories.Purge(ctx, id); err != nil {
		log.Fatal(err)
	}
	_, err = eng.Memories.History(ctx, id)
	fmt.Println("history after Purge is not found:", errors.Is(err, mnemo.ErrNotFound))
	// Output:
	// v1 create by a run: "" -> "Bob plays the cello."
	// v2 update by the application: "Bob plays the cello." -> "Bob plays the cello in a quartet."
	// v2 delete by the application: "Bob plays the cello in a quartet." -> ""
	// history after Purge is not found: true
}
