package rules_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

func extract(t *testing.T, x rules.Extractor, req pipeline.ExtractRequest) []memory.Fact {
	t.Helper()
	facts, err := x.Extract(context.Background(), req)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return facts
}

func assertFacts(t *testing.T, got, want []memory.Fact) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("facts differ\n got %+v\nwant %+v", got, want)
	}
}

func TestExtractText(t *testing.T) {
	t.Parallel()
	req := pipeline.ExtractRequest{
		RunID: "r1", UserID: "u1", Input: 2,
		Text: "Hi! I'm vegetarian.  My sister\nlives in Paris, e.g. near St. Germain. Thanks! I'm vegetarian.",
	}
	src := []memory.Source{{RunID: "r1", Input: 2}}
	assertFacts(t, extract(t, rules.Extractor{}, req), []memory.Fact{
		{Content: "I'm vegetarian.", Sources: src},
		{Content: "My sister lives in Paris, e.g. near St. Germain.", Sources: src},
	})
	assertFacts(t, extract(t, rules.Extractor{KeepChitChat: true}, req), []memory.Fact{
		{Content: "Hi!", Sources: src},
		{Content: "I'm vegetarian.", Sources: src},
		{Content: "My sister lives in Paris, e.g. near St. Germain.", Sources: src},
		{Content: "Thanks!", Sources: src},
	})
	assertFacts(t, extract(t, rules.Extractor{}, pipeline.ExtractRequest{RunID: "r1", Text: " \n "}), nil)
}

func TestExtractConversation(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	req := pipeline.ExtractRequest{RunID: "r7", UserID: "caroline", Messages: []memory.Message{
		{ID: "m0", Role: memory.RoleSystem, Content: "You are a helpful assistant. The user likes brevity.", CreatedAt: t0},
		{ID: "m1", Role: memory.RoleUser, Name: "Caroline", CreatedAt: t0.Add(time.Minute),
			Content: "Hey Mel! Good to see you! I went to a LGBTQ support group yesterday. It was so powerful."},
		{ID: "m2", Role: memory.RoleAssistant, Name: "Melanie", CreatedAt: t0.Add(2 * time.Minute),
			Content: "Wow, that's cool! What happened there?"},
		{ID: "m3", Role: memory.RoleUser, Content: "The transgender stories were inspiring. Thanks for asking."},
		{Role: memory.RoleAssistant, Content: "Glad to hear it. I painted a lake sunrise last year."},
		{ID: "m5", Role: memory.RoleTool, Content: "weather: 21°C in Lisbon", CreatedAt: t0.Add(5 * time.Minute)},
		{ID: "m6", Role: memory.RoleDeveloper, Content: "Answer in English."},
	}}
	src := func(i int, id string) []memory.Source {
		return []memory.Source{{RunID: "r7", Input: i, MessageID: id}}
	}
	assertFacts(t, extract(t, rules.Extractor{SentenceFacts: true}, req), []memory.Fact{
		{Content: "Caroline: I went to a LGBTQ support group yesterday.", Sources: src(1, "m1"), EventTime: t0.Add(time.Minute)},
		{Content: "Caroline: It was so powerful.", Sources: src(1, "m1"), EventTime: t0.Add(time.Minute)},
		{Content: "Melanie: What happened there?", Sources: src(2, "m2"), EventTime: t0.Add(2 * time.Minute)},
		// A short answer to m2's question: folded with it.
		{Content: "caroline: The transgender stories were inspiring. (answering Melanie: What happened there?)", Sources: src(3, "m3")},
		{Content: "Assistant: I painted a lake sunrise last year.", Sources: src(4, "")},
		{Content: "caroline: weather: 21°C in Lisbon", Sources: src(5, "m5"), EventTime: t0.Add(5 * time.Minute)},
	})
}

func TestExtractSystemMessages(t *testing.T) {
	t.Parallel()
	req := pipeline.ExtractRequest{RunID: "r", Messages: []memory.Message{
		{ID: "s", Role: memory.RoleSystem, Content: "You are a travel agent. The user lives in Oslo."},
		{ID: "d", Role: memory.RoleDeveloper, Name: "Ops", Content: "Never book night trains."},
	}}
	assertFacts(t, extract(t, rules.Extractor{}, req), nil)
	assertFacts(t, extract(t, rules.Extractor{KeepSystem: true, SentenceFacts: true}, req), []memory.Fact{
		{Content: "System: You are a travel agent.", Sources: []memory.Source{{RunID: "r", Input: 0, MessageID: "s"}}},
		{Content: "System: The user lives in Oslo.", Sources: []memory.Source{{RunID: "r", Input: 0, MessageID: "s"}}},
		{Content: "Ops: Never book night trains.", Sources: []memory.Source{{RunID: "r", Input: 1, MessageID: "d"}}},
	})
}

func TestExtractSpeaker(t *testing.T) {
	t.Parallel()
	cases := []struct {
		role, name, userID, want string
	}{
		{memory.RoleUser, "Caroline", "u1", "Caroline"},
		{memory.RoleUser, "", "u1", "u1"},
		{memory.RoleUser, "", "", "User"},
		{memory.RoleUser, "  ", "  ", "User"},
		{memory.RoleUser, " Mary \n Ann ", "", "Mary Ann"},
		{memory.RoleTool, "", "u1", "u1"},
		{memory.RoleTool, "", "", "User"},
		{memory.RoleTool, "calendar", "u1", "calendar"},
		{memory.RoleAssistant, "", "u1", "Assistant"},
		{memory.RoleAssistant, "Melanie", "u1", "Melanie"},
		{memory.RoleSystem, "", "u1", "System"},
		{memory.RoleDeveloper, "", "u1", "System"},
		{memory.RoleDeveloper, "Ops", "u1", "Ops"},
		{"", "", "u1", "u1"},
		{"narrator", "", "", "User"},
	}
	for _, c := range cases {
		req := pipeline.ExtractRequest{RunID: "r", UserID: c.userID, Messages: []memory.Message{
			{Role: c.role, Name: c.name, Content: "I live in Oslo."},
		}}
		facts := extract(t, rules.Extractor{KeepSystem: true}, req)
		if want := c.want + ": I live in Oslo."; len(facts) != 1 || facts[0].Content != want {
			t.Errorf("role %q, name %q, user %q: got %+v, want %q", c.role, c.name, c.userID, facts, want)
		}
	}
}

func TestExtractChitChat(t *testing.T) {
	t.Parallel()
	req := pipeline.ExtractRequest{RunID: "r", Messages: []memory.Message{
		{ID: "a", Role: memory.RoleUser, Name: "Jon", Content: "Hi! How are you?"},
		{ID: "b", Role: memory.RoleAssistant, Content: "Good, thanks! Nice to meet you."},
		{ID: "c", Role: memory.RoleUser, Name: "Jon", Content: "ok. lol. I have a dog named Rex."},
	}}
	assertFacts(t, extract(t, rules.Extractor{SentenceFacts: true}, req), []memory.Fact{
		{Content: "Jon: I have a dog named Rex.", Sources: []memory.Source{{RunID: "r", Input: 2, MessageID: "c"}}},
	})
	got := extract(t, rules.Extractor{KeepChitChat: true, SentenceFacts: true}, req)
	var contents []string
	for _, f := range got {
		contents = append(contents, f.Content)
	}
	want := []string{"Jon: Hi!", "Jon: How are you?", "Assistant: Good, thanks!", "Assistant: Nice to meet you.",
		"Jon: ok. lol.", "Jon: I have a dog named Rex."}
	if !reflect.DeepEqual(contents, want) {
		t.Errorf("KeepChitChat: got %q, want %q", contents, want)
	}
}

func TestExtractDuplicates(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	req := pipeline.ExtractRequest{RunID: "r", Messages: []memory.Message{
		{ID: "a", Role: memory.RoleUser, Name: "Ann", Content: "I live in Rome. I live in Rome.", CreatedAt: t1},
		{ID: "b", Role: memory.RoleUser, Name: "Bob", Content: "I live in Rome."},
		{ID: "c", Role: memory.RoleUser, Name: "Ann", Content: "I   live in\nRome.", CreatedAt: t1.Add(time.Hour)},
		{ID: "d", Role: memory.RoleUser, Name: "Ann", Content: "i live in rome."},
	}}
	assertFacts(t, extract(t, rules.Extractor{}, req), []memory.Fact{
		{Content: "Ann: I live in Rome.", Sources: []memory.Source{{RunID: "r", Input: 0, MessageID: "a"}}, EventTime: t1},
		{Content: "Bob: I live in Rome.", Sources: []memory.Source{{RunID: "r", Input: 1, MessageID: "b"}}},
		{Content: "Ann: i live in rome.", Sources: []memory.Source{{RunID: "r", Input: 3, MessageID: "d"}}},
	})
	text := pipeline.ExtractRequest{RunID: "r", Text: "Rome is big. Rome is old. Rome is big."}
	src := []memory.Source{{RunID: "r"}}
	assertFacts(t, extract(t, rules.Extractor{}, text), []memory.Fact{
		{Content: "Rome is big.", Sources: src},
		{Content: "Rome is old.", Sources: src},
	})
}

func TestExtractCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, req := range []pipeline.ExtractRequest{
		{RunID: "r", Text: "I live in Oslo."},
		{RunID: "r", Messages: []memory.Message{{Role: memory.RoleUser, Content: "I live in Oslo."}}},
	} {
		facts, err := rules.Extractor{}.Extract(ctx, req)
		if !errors.Is(err, context.Canceled) || facts != nil {
			t.Errorf("Extract after cancel = %v, %v; want nil, context.Canceled", facts, err)
		}
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if _, err := (rules.Extractor{}).Extract(ctx, pipeline.ExtractRequest{Text: "x"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Extract after deadline: %v", err)
	}
}

// TestExtractDeterministic extracts the same requests from many goroutines at once (run it with
// -race) and expects the same facts every time.
func TestExtractDeterministic(t *testing.T) {
	t.Parallel()
	reqs := []pipeline.ExtractRequest{
		{RunID: "r", Input: 1, Text: benchText},
		{RunID: "r", UserID: "u", Messages: []memory.Message{
			{ID: "1", Role: memory.RoleUser, Content: benchText[:2000]},
			{ID: "2", Role: memory.RoleAssistant, Content: benchText[1000:3000]},
		}},
	}
	var x rules.Extractor
	want := make([][]memory.Fact, len(reqs))
	for i, req := range reqs {
		want[i] = extract(t, x, req)
		if len(want[i]) == 0 {
			t.Fatalf("request %d: no facts", i)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, req := range reqs {
				got, err := x.Extract(context.Background(), req)
				if err != nil || !reflect.DeepEqual(got, want[i]) {
					t.Errorf("request %d: facts differ between calls (err %v)", i, err)
				}
			}
		})
	}
	wg.Wait()
}

// benchConversation is 200 chat messages in LoCoMo's style: two speakers, questions, short
// answers, reactions and relative dates, each message with a time.
var benchConversation = func() []memory.Message {
	lines := []string{
		"Hey Mel! Good to see you! How have you been?",
		"I'm swamped with the kids & work. What's up with you? Anything new?",
		"I went to a LGBTQ support group yesterday and it was so powerful.",
		"Wow, that's cool! How many people came?",
		"Maybe 15 people.",
		"That sounds amazing. Last Saturday I took the kids camping at the lake, and next month we're going to Yosemite.",
		"Two weeks ago I started a pottery class; my teacher, Mr. Lee, says I'm a natural. Did you ever try it?",
		"Yes, twice. I made a bowl last year!",
	}
	t0 := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	msgs := make([]memory.Message, 200)
	for i := range msgs {
		name := "Caroline"
		if i%2 == 1 {
			name = "Melanie"
		}
		msgs[i] = memory.Message{ID: fmt.Sprint("D1:", i+1), Role: memory.RoleUser, Name: name,
			Content: lines[i%len(lines)], CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
	}
	return msgs
}()

func BenchmarkExtractor(b *testing.B) {
	req := pipeline.ExtractRequest{RunID: "r", UserID: "u", Messages: benchConversation}
	var x rules.Extractor
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Extract(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
