package rules

import (
	"context"
	"slices"
	"strings"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
)

// Extractor is the default pipeline.Extractor: it turns what was said into facts, a message (or a
// sentence of a text) at a time. Its zero value is the default and ready to use:
//
//   - A text (ExtractRequest.Text) becomes one fact per sentence (see Sentences), chit-chat aside (see
//     IsChitChat), each naming the run and the text's input index in its only Source, with no event
//     time.
//   - A conversation (ExtractRequest.Messages) becomes, for each message, one fact holding the
//     sentences of its content worth keeping (see below) in order, prefixed with the speaker:
//     "Caroline: I went to a LGBTQ support group yesterday. It was so powerful.", a sentence said
//     twice kept once; a message of more than MaxFactSentences such sentences makes one fact per
//     MaxFactSentences, so that no memory holds a long text. With SentenceFacts, each sentence is a
//     fact of its own instead ("Caroline: I went to a LGBTQ support group yesterday."). Each fact names the run, the message's index and the message's ID in its only
//     Source, and has the message's CreatedAt as its event time (zero when the message has none).
//     The speaker is the message's Name; failing that, the run's UserID for user and tool messages
//     ("User" when the run has none), "Assistant" for assistant messages and "System" for system
//     and developer messages. A message with an unknown role counts as the user's.
//   - The sentences worth keeping are those that are not chit-chat (IsChitChat), with one exception,
//     a short answer: when the previous message, said by another speaker, ends with a question
//     ("?") that is not chit-chat itself, and the message's first sentence has at most six words and
//     is either not chit-chat or starts with a yes or a no ("yes", "yeah", "no", "nope", "sure",
//     "definitely", ...), that sentence is kept with the question it answers, so that the fact
//     stands on its own: "Melanie: Maybe 15 people. (answering Caroline: How many people came?)",
//     "Melanie: Yes, twice. (answering Caroline: Did you ever try pottery?)". "Thanks!" after a
//     question, or any answer to "How are you?", is still chit-chat. Questions are kept: a question
//     often carries what its asker knows ("How was the concert at the Bowl?").
//   - With AbsoluteDates, each kept sentence of a message with a CreatedAt has its relative dates
//     resolved against that time (see ResolveDates): "Caroline: I went to a LGBTQ support group
//     yesterday (7 May 2023).".
//   - System and developer messages produce no facts unless KeepSystem is set: they are instructions
//     to the assistant ("You are a helpful assistant."), not things anyone said about themselves or
//     the world, and an application that prepends the same prompt to every conversation would
//     otherwise store it again and again. Such a message left out is skipped over when looking for
//     the previous message; any other message counts, even one that makes no fact.
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
	// AbsoluteDates writes the absolute date of each relative date ("yesterday", "last week") of a
	// conversation's messages into their facts, resolved against the message's CreatedAt (see
	// ResolveDates). It is off by default: on LoCoMo it leaves retrieval by words as it was (the
	// dates are rarely in the questions), and a fact that names a date is superseded by the same
	// words with another date (see Reconciler, rule 5), where "I went to the gym yesterday." said on
	// two days is one memory without it.
	AbsoluteDates bool
	// SentenceFacts makes one fact of each sentence of a conversation's messages rather than one per
	// message (of up to MaxFactSentences sentences). Facts per message retrieve better, which is why
	// they are the default: on the LoCoMo dev split, hybrid search R@10 is .668 with them and .641
	// with facts per sentence (BM25 alone: .656 and .627), the top 10 memories covering 10 turns
	// either way; a sentence cut from its message loses the words that tie it to a question. Facts
	// per sentence reconcile more finely: a message that repeats one sentence of an earlier message
	// is a duplicate of that sentence, not of the whole message, and a contradiction supersedes that
	// sentence alone.
	SentenceFacts bool
}

// MaxFactSentences is the most sentences of one message a conversation's fact holds (unless
// Extractor.SentenceFacts): a message of more makes one fact per MaxFactSentences sentences.
const MaxFactSentences = 3

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
	prevWho, prevQuestion := "", ""
	for i, m := range req.Messages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if isSystem(m.Role) && !x.KeepSystem {
			continue
		}
		who := speaker(m, req.UserID)
		src := memory.Source{RunID: req.RunID, Input: i, MessageID: m.ID}
		sents := Sentences(m.Content)
		kept := make([]string, 0, len(sents))
		for j, s := range sents {
			if j == 0 && prevQuestion != "" && prevWho != who {
				if f := foldAnswer(s, prevWho, prevQuestion); f != "" {
					kept = append(kept, f)
					continue
				}
			}
			if x.keep(s) && !slices.Contains(kept, s) {
				kept = append(kept, s)
			}
		}
		per := MaxFactSentences
		if x.SentenceFacts {
			per = 1
		}
		for start := 0; start < len(kept); start += per {
			part := kept[start:min(start+per, len(kept))]
			if x.AbsoluteDates {
				for k, s := range part {
					part[k] = ResolveDates(s, m.CreatedAt)
				}
			}
			out.add(memory.Fact{Content: who + ": " + strings.Join(part, " "), Sources: []memory.Source{src}, EventTime: m.CreatedAt})
		}
		prevWho, prevQuestion = who, ""
		if n := len(sents); n > 0 && isQuestion(sents[n-1]) {
			prevQuestion = sents[n-1]
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
