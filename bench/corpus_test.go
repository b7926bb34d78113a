package bench

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The generators are checked here, quickly; the benchmarks themselves run only under -bench.

func TestMakeConversations(t *testing.T) {
	t.Parallel()
	convs := MakeConversations(ConversationCount, ConversationTurns)
	if again := MakeConversations(ConversationCount, ConversationTurns); !slices.EqualFunc(convs, again, func(a, b Conversation) bool {
		return a.UserID == b.UserID && a.Facts == b.Facts && slices.Equal(a.Messages, b.Messages)
	}) {
		t.Fatal("two calls generated different conversations")
	}
	chitChat := make(map[string]bool)
	for _, list := range [][]string{greetings, farewells, acknowledgements, interjections} {
		for _, s := range list {
			for _, sent := range splitSentences(s) {
				chitChat[sent] = true
			}
		}
	}
	users := make(map[string]int)
	ids := make(map[string]bool)
	seen := make(map[string]int)
	facts, small := 0, 0
	for _, c := range convs {
		users[c.UserID]++
		content := 0
		for j, m := range c.Messages {
			if ids[m.ID] {
				t.Fatalf("message ID %s repeats", m.ID)
			}
			ids[m.ID] = true
			if wantRole := []string{"user", "assistant"}[j%2]; m.Role != wantRole || m.Name == "" || m.Name != c.Messages[j%2].Name {
				t.Fatalf("%s: role %s, name %q: want %s, alternating two named speakers", m.ID, m.Role, m.Name, wantRole)
			}
			if j > 0 && m.CreatedAt.Sub(c.Messages[j-1].CreatedAt) != time.Minute {
				t.Fatalf("%s: %v after the previous message, want a minute", m.ID, m.CreatedAt.Sub(c.Messages[j-1].CreatedAt))
			}
			for _, s := range splitSentences(m.Content) {
				if chitChat[s] || strings.HasPrefix(s, "Hey ") && strings.Count(s, " ") == 1 {
					small++
					continue
				}
				content++
				seen[s]++
			}
		}
		if content != c.Facts {
			t.Errorf("conversation of %s: %d content sentences, Facts says %d", c.UserID, content, c.Facts)
		}
		facts += content
	}
	if len(users) != ConversationUsers {
		t.Errorf("%d users, want %d", len(users), ConversationUsers)
	}
	repeats := facts - len(seen) // sentences that are the same as an earlier one
	t.Logf("%d content sentences, %d distinct; %d chit-chat", facts, len(seen), small)
	if repeats*100 > facts {
		t.Errorf("%d of %d content sentences repeat an earlier one: want under 1%%", repeats, facts)
	}
	if small*100 < facts*10 {
		t.Errorf("%d chit-chat sentences for %d content ones: want at least 10%%", small, facts)
	}
}

// splitSentences cuts generated text after every '.', '!' or '?' followed by a space, which is
// where, and only where, the generators end sentences.
func splitSentences(s string) []string {
	var out []string
	for {
		i := strings.IndexAny(s, ".!?")
		for i >= 0 && i+1 < len(s) && s[i+1] != ' ' {
			j := strings.IndexAny(s[i+1:], ".!?")
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i < 0 || i+1 >= len(s) {
			return append(out, s)
		}
		out = append(out, s[:i+1])
		s = s[i+2:]
	}
}

func TestMakeTexts(t *testing.T) {
	t.Parallel()
	texts, users := MakeTexts(TextCount)
	distinct := make(map[string]bool)
	owners := make(map[string]bool)
	for i, s := range texts {
		if len(splitSentences(s)) != 1 {
			t.Fatalf("text %d %q is not one sentence", i, s)
		}
		distinct[s], owners[users[i]] = true, true
	}
	if len(distinct) != TextCount || len(owners) != TextUsers {
		t.Errorf("%d distinct texts of %d users, want %d of %d", len(distinct), len(owners), TextCount, TextUsers)
	}
}

func TestMakeBufferTexts(t *testing.T) {
	t.Parallel()
	texts := MakeBufferTexts(BufferRuns)
	distinct := make(map[string]bool)
	for i, s := range texts {
		if len(splitSentences(s)) != 1 {
			t.Fatalf("text %d %q is not one sentence", i, s)
		}
		distinct[strings.ToLower(s)] = true
	}
	if len(distinct) != BufferRuns {
		t.Errorf("%d distinct texts, want %d", len(distinct), BufferRuns)
	}
	scopes := make(map[[2]string]int)
	for i := range BufferRuns {
		u, c := BufferScope(i)
		scopes[[2]string{u, c}]++
	}
	for s, n := range scopes {
		if n != BufferRunsPerScope {
			t.Fatalf("scope %v has %d runs, want %d", s, n, BufferRunsPerScope)
		}
	}
	if len(scopes) != BufferScopes {
		t.Errorf("%d scopes, want %d", len(scopes), BufferScopes)
	}
}

func TestMakeBigConversation(t *testing.T) {
	t.Parallel()
	msgs := MakeBigConversation(BigInputBytes)
	size := 0
	for _, m := range msgs {
		size += len(m.Content)
	}
	if size < BigInputBytes || size > BigInputBytes+200 || len(msgs) < 70_000 || len(msgs) > 80_000 {
		t.Errorf("%d messages of %d bytes, want about 75,000 of %d", len(msgs), size, BigInputBytes)
	}
	if msgs[0].Role == msgs[1].Role || msgs[0].Content == msgs[1].Content {
		t.Errorf("first two messages %+v, %+v: want alternating roles and distinct lines", msgs[0], msgs[1])
	}
}
