package rules

import (
	"context"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
)

// Extractor is the default pipeline.Extractor: it turns every sentence worth keeping into one fact.
// Its zero value is the default and ready to use:
//
//   - A text (ExtractRequest.Text) becomes one fact per sentence (see Sentences), chit-chat aside (see
//     IsChitChat), each naming the run and the text's input index in its only Source, with no event
//     time.
//   - A conversation (ExtractRequest.Messages) becomes, for each message, one fact per sentence of its
//     content, chit-chat aside, prefixed with the speaker: "Caroline: I went to a LGBTQ support group
//     yesterday.". Each names the run, the message's index and the message's ID in its only Source,
//     and has the message's CreatedAt as its event time (zero when the message has none). The speaker
//     is the message's Name; failing that, the run's UserID for user and tool messages ("User" when
//     the run has none), "Assistant" for assistant messages and "System" for system and developer
//     messages. A message with an unknown role counts as the user's.
//   - System and developer messages produce no facts unless KeepSystem is set: they are instructions
//     to the assistant ("You are a helpful assistant."), not things anyone said about themselves or
//     the world, and an application that prepends the same prompt to every conversation would
//     otherwise store it again and again.
//
// Within one request a fact whose content equals an earlier one's is dropped: the first is kept.
// The output depends on the request alone, so the same request always yields the same facts in the
// same order. Extract fails only when ctx is done. An Extractor is safe for concurrent use.
type Extractor struct {
	// KeepChitChat keeps the sentences that IsChitChat reports, which are dropped by default.
	KeepChitChat bool
	// KeepSystem extracts facts from system and developer messages too, spoken by "System" unless
	// the message has a Name. Set it when the application puts facts, not instructions, there.
	KeepSystem bool
}

var (
	_ pipeline.Extractor = Extractor{}
	_ pipeline.Cheap     = Extractor{}
)

// Cheap reports true: extraction by rules takes microseconds a fact and is deterministic, so the
// pipeline need not checkpoint it on its own (see pipeline.Cheap).
func (Extractor) Cheap() bool { return true }

// Extract returns the facts of one input, as the type's documentation describes. It returns
// ctx.Err() if ctx is done, and no error otherwise.
func (x Extractor) Extract(ctx context.Context, req pipeline.ExtractRequest) ([]memory.Fact, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := collector{seen: make(map[string]struct{})}
	if len(req.Messages) == 0 {
		src := memory.Source{RunID: req.RunID, Input: req.Input}
		for _, s := range Sentences(req.Text) {
			if x.keep(s) {
				out.add(memory.Fact{Content: s, Sources: []memory.Source{src}})
			}
		}
		return out.facts, nil
	}
	for i, m := range req.Messages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if isSystem(m.Role) && !x.KeepSystem {
			continue
		}
		who := speaker(m, req.UserID)
		src := memory.Source{RunID: req.RunID, Input: i, MessageID: m.ID}
		for _, s := range Sentences(m.Content) {
			if x.keep(s) {
				out.add(memory.Fact{Content: who + ": " + s, Sources: []memory.Source{src}, EventTime: m.CreatedAt})
			}
		}
	}
	return out.facts, nil
}

// keep reports whether sentence s becomes a fact.
func (x Extractor) keep(s string) bool {
	return x.KeepChitChat || !IsChitChat(s)
}

// collector gathers the facts of one request, dropping exact repeats of a content.
type collector struct {
	facts []memory.Fact
	seen  map[string]struct{}
}

func (c *collector) add(f memory.Fact) {
	if _, dup := c.seen[f.Content]; dup {
		return
	}
	c.seen[f.Content] = struct{}{}
	c.facts = append(c.facts, f)
}
