package rules_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

func ExampleExtractor() {
	at := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	req := pipeline.ExtractRequest{RunID: "run-1", UserID: "caroline", Messages: []memory.Message{
		{ID: "m1", Role: memory.RoleUser, Name: "Caroline", CreatedAt: at,
			Content: "Hey Mel! I went to a LGBTQ support group yesterday. It was so powerful."},
		{ID: "m2", Role: memory.RoleAssistant, Name: "Melanie", CreatedAt: at.Add(time.Minute),
			Content: "Wow, that's cool! I painted a lake sunrise last year."},
		{ID: "m3", Role: memory.RoleUser, CreatedAt: at.Add(2 * time.Minute),
			Content: "Thanks! My kids love Dr. Seuss... We read every night."},
	}}
	facts, err := rules.Extractor{}.Extract(context.Background(), req)
	if err != nil {
		panic(err)
	}
	for _, f := range facts {
		fmt.Printf("%s [%s %s]\n", f.Content, f.Sources[0].MessageID, f.EventTime.Format(time.Kitchen))
	}
	// Output:
	// Caroline: I went to a LGBTQ support group yesterday. It was so powerful. [m1 1:56PM]
	// Melanie: I painted a lake sunrise last year. [m2 1:57PM]
	// caroline: My kids love Dr. Seuss... We read every night. [m3 1:58PM]
}
