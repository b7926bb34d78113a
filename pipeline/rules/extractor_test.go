package rules_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

func TestExtractText(t *testing.T) {
	t.Parallel()
	facts, err := rules.Extractor{}.Extract(context.Background(), pipeline.ExtractRequest{
		RunID: "r1", Input: 2, Text: "Alice prefers async Python. She lives in Lisbon. Alice prefers async Python.",
	})
	if err != nil {
		t.Fatal(err)
	}
	src := []memory.Source{{RunID: "r1", Input: 2}}
	want := []memory.Fact{{Content: "Alice prefers async Python.", Sources: src}, {Content: "She lives in Lisbon.", Sources: src}}
	if fmt.Sprint(facts) != fmt.Sprint(want) {
		t.Fatalf("facts\n got %+v\nwant %+v", facts, want)
	}
}

func TestExtractConversation(t *testing.T) {
	t.Parallel()
	at := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	msgs := []memory.Message{
		{ID: "s", Role: "system", Content: "You are a helpful assistant. Remember facts."},
		{ID: "a", Role: "user", Name: "Caroline", Content: "Hey Mel! I went to a support group yesterday. Thanks!", CreatedAt: at},
		{ID: "b", Role: "assistant", Content: "Wow, that's cool! The group meets on Fridays.", CreatedAt: at.Add(time.Minute)},
		{ID: "c", Role: "user", Content: "I also paint.", CreatedAt: at.Add(2 * time.Minute)},
		{ID: "d", Role: "tool", Content: "Weather in Lisbon: sunny."},
		{ID: "e", Role: "developer", Content: "Be brief."},
		{ID: "f", Role: "user", Name: "Caroline", Content: "I went to a support group yesterday."}, // said again
	}
	run := func(userID string) []memory.Fact {
		facts, err := rules.Extractor{}.Extract(context.Background(), pipeline.ExtractRequest{RunID: "r", UserID: userID, Messages: msgs})
		if err != nil {
			t.Fatal(err)
		}
		return facts
	}
	src := func(i int, id string) []memory.Source { return []memory.Source{{RunID: "r", Input: i, MessageID: id}} }
	want := []memory.Fact{
		{Content: "Caroline: I went to a support group yesterday.", Sources: src(1, "a"), EventTime: at},
		{Content: "Assistant: The group meets on Fridays.", Sources: src(2, "b"), EventTime: at.Add(time.Minute)},
		{Content: "caroline-id: I also paint.", Sources: src(3, "c"), EventTime: at.Add(2 * time.Minute)},
		{Content: "caroline-id: Weather in Lisbon: sunny.", Sources: src(4, "d")},
	}
	if got := run("caroline-id"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("facts\n got %+v\nwant %+v", got, want)
	}
	// Without a user ID, user and tool messages are the "User"'s; and the output is deterministic.
	first := run("")
	if first[2].Content != "User: I also paint." || fmt.Sprint(first) != fmt.Sprint(run("")) {
		t.Fatalf("facts without a user: %+v", first)
	}
	keep, _ := rules.Extractor{KeepChitChat: true}.Extract(context.Background(), pipeline.ExtractRequest{RunID: "r", Messages: msgs[1:2]})
	if len(keep) != 3 || keep[0].Content != "Caroline: Hey Mel!" {
		t.Fatalf("KeepChitChat: %+v", keep)
	}
}

func TestExtractCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (rules.Extractor{}).Extract(ctx, pipeline.ExtractRequest{Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
