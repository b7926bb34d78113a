package mnemo_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mnemohq/mnemo"
)

// Add a Markdown file: its bytes are stored before Add returns, and each memory names the file and
// the chunk it came from (a heading starts a chunk).
func ExampleFile() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mnemo-example-*")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "garden.md")
	doc := "# Garden\n\nThe tomatoes grow by the south wall.\n\n## Tools\n\nThe spade hangs in the shed.\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		log.Fatal(err)
	}

	run, err := eng.Memories.Add(ctx, mnemo.File(path), &mnemo.AddOptions{UserID: "ana"})
	if err != nil {
		log.Fatal(err)
	}
	run, err = eng.Runs.Wait(ctx, run.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.InputType, run.Status, run.MemoriesCreated)
	page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "ana"})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range page.Memories {
		src := m.Sources[0]
		fmt.Printf("%s (%s, chunk %d)\n", m.Content, filepath.Base(src.File), src.Chunk)
	}
	// Output:
	// file completed 2
	// The tomatoes grow by the south wall. (garden.md, chunk 1)
	// The spade hangs in the shed. (garden.md, chunk 2)
}

// Add several inputs in one commit; an item that cannot be added is reported, and the others are
// accepted. The batch's status sums its runs' up once they end.
func ExampleMemoryService_AddBatch() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()

	batch, err := eng.Memories.AddBatch(ctx, []mnemo.AddRequest{
		{Input: mnemo.Text("Bo keeps bees."), Options: mnemo.AddOptions{UserID: "bo"}},
		{Input: mnemo.Text(""), Options: mnemo.AddOptions{UserID: "bo"}},
		{Input: mnemo.PreExtracted(mnemo.Item{Content: "Bo sells honey.", Topic: "work"}), Options: mnemo.AddOptions{UserID: "bo"}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("refused:", batch.Items[1].Err)

	batch, err = eng.Batches.Wait(ctx, batch.ID)
	if err != nil {
		log.Fatal(err)
	}
	for i, it := range batch.Items {
		fmt.Println(i, it.Status)
	}
	fmt.Println("batch:", batch.Status)
	// Output:
	// refused: invalid input: items[1].contents[0]: empty
	// 0 completed
	// 1 failed
	// 2 completed
	// batch: partial_success
}
