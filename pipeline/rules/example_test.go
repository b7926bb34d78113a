package rules_test

import (
	"context"
	"fmt"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

func ExampleExtractor() {
	facts, _ := rules.Extractor{}.Extract(context.Background(), pipeline.ExtractRequest{
		RunID: "run-1",
		Messages: []memory.Message{
			{ID: "m1", Role: "user", Name: "Alice", Content: "Hi! I moved to Lisbon in May. Dr. Costa is my new GP."},
			{ID: "m2", Role: "assistant", Content: "Welcome to Lisbon!"},
			{ID: "m3", Role: "user", Name: "Alice", Content: "Thanks!"},
		},
	})
	for _, f := range facts {
		fmt.Printf("%s (message %s)\n", f.Content, f.Sources[0].MessageID)
	}
	// Output:
	// Alice: I moved to Lisbon in May. (message m1)
	// Alice: Dr. Costa is my new GP. (message m1)
	// Assistant: Welcome to Lisbon! (message m2)
}

func ExampleSentences() {
	for _, s := range rules.Sentences("Mr. Smith paid $4.50 at 9 a.m. Then he left... Quickly!") {
		fmt.Println(s)
	}
	// Output:
	// Mr. Smith paid $4.50 at 9 a.m.
	// Then he left...
	// Quickly!
}
