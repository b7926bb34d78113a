package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/mnemohq/mnemo"
)

// exampleFile returns a path in a fresh folder; the example removes it when done.
func exampleFile() (string, func()) {
	dir, err := os.MkdirTemp("", "mnemo-example-*")
	if err != nil {
		log.Fatal(err)
	}
	return filepath.Join(dir, "agent.db"), func() { os.RemoveAll(dir) }
}

// openExample opens an engine on a fresh file, as Example shows in full; done closes and removes it.
func openExample(opts *mnemo.Options) (eng *mnemo.Engine, done func()) {
	path, cleanup := exampleFile()
	eng, err := mnemo.Open(path, opts)
	if err != nil {
		log.Fatal(err)
	}
	return eng, func() { eng.Close(); cleanup() }
}

func Example() {
	path, cleanup := exampleFile()
	defer cleanup()
	ctx := context.Background()

	eng, err := mnemo.Open(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	run, err := eng.Memories.Add(ctx, mnemo.Text("Alice prefers async Python. She lives in Lisbon."),
		&mnemo.AddOptions{UserID: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("accepted:", run.Status)

	run, err = eng.Runs.Wait(ctx, run.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("finished:", run.Status, run.MemoriesCreated)

	page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range page.Memories {
		fmt.Println(m.Content)
	}
	// Output:
	// accepted: queued
	// finished: completed 2
	// Alice prefers async Python.
	// She lives in Lisbon.
}

func ExampleMemoryService_Add_conversation() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	run, err := eng.Memories.Add(ctx, mnemo.Conversation(
		mnemo.Message{ID: "m1", Role: "user", Name: "Alice", Content: "Hi! I'm vegetarian.", CreatedAt: at},
		mnemo.Message{ID: "m2", Role: "assistant", Content: "Noted, thanks!", CreatedAt: at.Add(time.Minute)},
	), &mnemo.AddOptions{UserID: "alice", Properties: map[string]string{"conversation_id": "c1"}})
	if err != nil {
		log.Fatal(err)
	}
	run, err = eng.Runs.Wait(ctx, run.ID)
	if err != nil {
		log.Fatal(err)
	}
	m, err := eng.Memories.Get(ctx, run.MemoryIDs[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Content)
	fmt.Println("from message", m.Sources[0].MessageID, "said at", m.EventTime.Format(time.RFC3339))
	// Output:
	// Alice: I'm vegetarian.
	// from message m1 said at 2026-03-14T09:00:00Z
}

func ExampleMemoryService_Add_preExtracted() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	run, err := eng.Memories.Add(ctx, mnemo.PreExtracted(
		mnemo.Item{Content: "Alice is vegetarian.", Topic: "food"},
		mnemo.Item{Content: "Alice works at Acme.", Topic: "work"},
	), &mnemo.AddOptions{UserID: "alice", DocumentID: "profile-v1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("enters at step", run.StartingStep, "of", run.Steps)
	eng.Runs.Wait(ctx, run.ID)

	page, _ := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "alice", Topics: []string{"food"}})
	fmt.Println(page.Total, page.Memories[0].Content)

	_, err = eng.Memories.Add(ctx, mnemo.PreExtracted(mnemo.Item{Content: "again"}),
		&mnemo.AddOptions{UserID: "alice", DocumentID: "profile-v1"})
	fmt.Println("same document again:", errors.Is(err, mnemo.ErrConflict))
	// Output:
	// enters at step 1 of [extract transform commit]
	// 1 Alice is vegetarian.
	// same document again: true
}

func ExampleRunService_Watch() {
	eng, done := openExample(&mnemo.Options{Workers: 1})
	defer done()
	ctx := context.Background()

	run, err := eng.Memories.Add(ctx, mnemo.Text("Bob plays the cello."), nil)
	if err != nil {
		log.Fatal(err)
	}
	updates, err := eng.Runs.Watch(ctx, run.ID)
	if err != nil {
		log.Fatal(err)
	}
	var last mnemo.Run
	for r := range updates { // the run now, then each status change; closed at the end
		last = r
	}
	fmt.Println(last.Status, last.CommittedOperations.Created[0].MemoryID == last.MemoryIDs[0])
	// Output:
	// completed true
}

func ExampleRunService_List() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	for _, text := range []string{"One fact.", "Another fact.", "A third fact."} {
		run, _ := eng.Memories.Add(ctx, mnemo.Text(text), &mnemo.AddOptions{UserID: "carol"})
		eng.Runs.Wait(ctx, run.ID)
	}
	page, err := eng.Runs.List(ctx, &mnemo.RunListOptions{UserID: "carol", Statuses: []mnemo.Status{mnemo.Completed}, Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Runs), page.Next != "")
	page, _ = eng.Runs.List(ctx, &mnemo.RunListOptions{UserID: "carol", Limit: 2, Cursor: page.Next})
	fmt.Println(len(page.Runs), page.Next != "")
	// Output:
	// 2 true
	// 1 false
}

func ExampleOpen_locked() {
	path, cleanup := exampleFile()
	defer cleanup()
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	// bbolt's file lock admits one opener; a second gives up after LockTimeout.
	_, err = mnemo.Open(path, &mnemo.Options{LockTimeout: 50 * time.Millisecond})
	fmt.Println(errors.Is(err, mnemo.ErrLocked))
	// Output:
	// true
}
