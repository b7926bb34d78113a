package mnemo_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mnemohq/mnemo"
)

// Search ranks a scope's memories for a question: BM25 over their words fused with the default
// embedder's word vectors. Each result says why it ranked: its BM25 and vector parts and the
// query's terms it holds.
func ExampleMemoryService_Search() {
	eng, done := openExample(nil)
	defer done()
	ctx := context.Background()
	run, err := eng.Memories.Add(ctx, mnemo.Text(
		"Alice prefers async Python.",
		"She adopted a puppy named Rex.",
		"Her sister lives in Porto.",
	), &mnemo.AddOptions{UserID: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := eng.Runs.Wait(ctx, run.ID); err != nil {
		log.Fatal(err)
	}
	results, err := eng.Memories.Search(ctx, "Which programming language does Alice like?",
		&mnemo.SearchOptions{UserID: "alice", Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Printf("%.2f %q terms=%v\n", r.Score, r.Memory.Content, r.Terms)
	}
	// A question with none of the memories' words still finds the dog by meaning.
	dogs, err := eng.Memories.Search(ctx, "pets", &mnemo.SearchOptions{UserID: "alice", Mode: mnemo.Vector, Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", dogs[0].Memory.Content)
	// Output:
	// 1.00 "Alice prefers async Python." terms=[alic]
	// 0.29 "She adopted a puppy named Rex." terms=[]
	// "She adopted a puppy named Rex."
}
