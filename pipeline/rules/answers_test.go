package rules_test

import (
	"testing"
	"time"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// contents extracts a conversation of (speaker, content) pairs and returns the facts' contents.
func contents(t *testing.T, x rules.Extractor, at time.Time, turns ...string) []string {
	t.Helper()
	var msgs []memory.Message
	for i := 0; i+1 < len(turns); i += 2 {
		msgs = append(msgs, memory.Message{ID: turns[i], Role: memory.RoleUser, Name: turns[i], Content: turns[i+1], CreatedAt: at})
	}
	var out []string
	for _, f := range extract(t, x, pipeline.ExtractRequest{RunID: "r", Messages: msgs}) {
		out = append(out, f.Content)
	}
	return out
}

func TestExtractShortAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		turns []string
		want  []string
	}{
		{"a count", []string{"Cy", "It went well. How many people came?", "Mo", "Maybe 15 people."},
			[]string{"Cy: It went well.", "Cy: How many people came?", "Mo: Maybe 15 people. (answering Cy: How many people came?)"}},
		{"a yes is kept with its question", []string{"Cy", "Did you ever try pottery?", "Mo", "Yes, twice. I made a bowl."},
			[]string{"Cy: Did you ever try pottery?", "Mo: Yes, twice. (answering Cy: Did you ever try pottery?)", "Mo: I made a bowl."}},
		{"a bare yes too", []string{"Cy", "Did you adopt the dog?", "Mo", "Yes!"},
			[]string{"Cy: Did you adopt the dog?", "Mo: Yes! (answering Cy: Did you adopt the dog?)"}},
		{"thanks is no answer", []string{"Cy", "What game was it?", "Mo", "Thanks! It's a team shooter game."},
			[]string{"Cy: What game was it?", "Mo: It's a team shooter game."}},
		{"a pleasantry asks nothing", []string{"Cy", "How are you?", "Mo", "Good, busy with work."},
			[]string{"Mo: Good, busy with work."}},
		{"a long answer stands alone", []string{"Cy", "What did you do?", "Mo", "I took the kids camping at the lake in the mountains."},
			[]string{"Cy: What did you do?", "Mo: I took the kids camping at the lake in the mountains."}},
		{"only the first sentence", []string{"Cy", "Where did you go?", "Mo", "I went out. Paris, of course."},
			[]string{"Cy: Where did you go?", "Mo: I went out. (answering Cy: Where did you go?)", "Mo: Paris, of course."}},
		{"not after a statement", []string{"Cy", "I went out.", "Mo", "Maybe 15 people."},
			[]string{"Cy: I went out.", "Mo: Maybe 15 people."}},
		{"not one's own question", []string{"Cy", "Who came? Maybe 15 people."},
			[]string{"Cy: Who came?", "Cy: Maybe 15 people."}},
		{"the question must end the message", []string{"Cy", "Who came? I wonder.", "Mo", "Maybe 15 people."},
			[]string{"Cy: Who came?", "Cy: I wonder.", "Mo: Maybe 15 people."}},
	} {
		got := contents(t, rules.Extractor{SentenceFacts: true}, time.Time{}, tc.turns...)
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestExtractFactPerMessage(t *testing.T) {
	t.Parallel()
	at := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	turns := []string{
		"Cy", "Hey Mo! I went to a support group yesterday. It was so powerful. I met Ann. I met Ann. We talked. She paints. Bye!",
		"Mo", "What happened?",
		"Cy", "Lots of stories. They were inspiring.",
	}
	got := contents(t, rules.Extractor{}, at, turns...)
	want := []string{
		"Cy: I went to a support group yesterday. It was so powerful. I met Ann.", // three sentences at most, a repeat once
		"Cy: We talked. She paints.",
		"Mo: What happened?",
		"Cy: Lots of stories. (answering Mo: What happened?) They were inspiring.",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("fact %d: got %q, want %q", i, got[i], want[i])
		}
	}
	dated := contents(t, rules.Extractor{AbsoluteDates: true}, at, turns[:2]...)
	if want := "Cy: I went to a support group yesterday (7 May 2023). It was so powerful. I met Ann."; len(dated) == 0 || dated[0] != want {
		t.Errorf("AbsoluteDates: got %q, want first %q", dated, want)
	}
	undated := contents(t, rules.Extractor{AbsoluteDates: true}, time.Time{}, turns[:2]...)
	if want := "Cy: I went to a support group yesterday. It was so powerful. I met Ann."; len(undated) == 0 || undated[0] != want {
		t.Errorf("AbsoluteDates without a time: got %q, want first %q", undated, want)
	}
}
