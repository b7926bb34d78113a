// Package rules is mnemo's default extractor: offline, deterministic, and free of any model. It splits
// text into sentences, attributes each sentence of a conversation to its speaker, and drops chit-chat.
package rules

import (
	"context"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
)

// Extractor turns text and conversations into one fact per sentence. Its zero value is the default:
//
//   - a text becomes its sentences (see Sentences), each a fact naming the text's input index;
//   - a conversation message becomes its sentences minus chit-chat (see IsChitChat), each prefixed with
//     the speaker ("Caroline: I went to a support group yesterday."), naming the message's index and ID,
//     with the message's time as its event time. The speaker is the message's Name; failing that, the
//     run's user ID for user and tool messages ("User" if there is none), and "Assistant" for the
//     assistant;
//   - system and developer messages produce nothing: they instruct the assistant, they are not things
//     anyone said about themselves or the world.
//
// Within one request, a sentence that repeats an earlier one exactly is dropped. Extract never fails
// except when ctx has ended. Extractor is safe for concurrent use.
type Extractor struct {
	// KeepChitChat keeps greetings, thanks and one-word replies in conversations.
	KeepChitChat bool
}

var _ pipeline.Extractor = Extractor{}

// Extract returns the facts of one input.
func (x Extractor) Extract(ctx context.Context, req pipeline.ExtractRequest) ([]memory.Fact, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var facts []memory.Fact
	seen := map[string]bool{}
	emit := func(f memory.Fact) {
		if !seen[f.Content] {
			seen[f.Content] = true
			facts = append(facts, f)
		}
	}
	if req.Messages == nil {
		for _, s := range Sentences(req.Text) {
			emit(memory.Fact{Content: s, Sources: []memory.Source{{RunID: req.RunID, Input: req.Input}}})
		}
		return facts, nil
	}
	for i, m := range req.Messages {
		speaker, ok := speakerOf(m, req.UserID)
		if !ok {
			continue
		}
		for _, s := range Sentences(m.Content) {
			if !x.KeepChitChat && IsChitChat(s) {
				continue
			}
			emit(memory.Fact{
				Content:   speaker + ": " + s,
				Sources:   []memory.Source{{RunID: req.RunID, Input: i, MessageID: m.ID}},
				EventTime: m.CreatedAt,
			})
		}
	}
	return facts, nil
}

// speakerOf names who said m; ok is false for messages that yield no memories.
func speakerOf(m memory.Message, userID string) (name string, ok bool) {
	switch m.Role {
	case memory.RoleSystem, memory.RoleDeveloper:
		return "", false
	}
	if m.Name != "" {
		return m.Name, true
	}
	switch m.Role {
	case memory.RoleAssistant:
		return "Assistant", true
	case memory.RoleUser, memory.RoleTool:
		if userID != "" {
			return userID, true
		}
	}
	return "User", true
}
