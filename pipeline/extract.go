package pipeline

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

// extract runs the extractor over each input of the payload: each text of a string input alone, a
// conversation whole. An input whose extraction fails for good is recorded in the batch's Failures
// and the others go on. It returns an error only when ctx ended, leaving the step to be resumed.
func (x *Executor) extract(ctx context.Context, r *status.Run, p *Payload) (*batch, error) {
	var reqs []ExtractRequest
	switch p.Type {
	case status.InputString:
		for i, text := range p.Texts {
			reqs = append(reqs, ExtractRequest{RunID: r.ID, UserID: r.UserID, Input: i, Text: text})
		}
	case status.InputConversation:
		reqs = append(reqs, ExtractRequest{RunID: r.ID, UserID: r.UserID, Messages: p.Messages})
	default:
		return nil, Permanent(fmt.Errorf("extract: input type %q has nothing to extract", p.Type))
	}
	out := &batch{Inputs: len(reqs)}
	for _, req := range reqs {
		var facts []memory.Fact
		err := x.retry(ctx, func(ctx context.Context) (err error) {
			facts, err = x.cfg.Extractor.Extract(ctx, req)
			return err
		})
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			out.Failures = append(out.Failures, inputFailure{Input: req.Input, Error: "extract: " + err.Error()})
			continue
		}
		out.Facts = append(out.Facts, cleanFacts(facts, req)...)
	}
	return out, nil
}

// cleanFacts makes an extractor's output safe to store whatever the extractor returned: contents are
// made valid UTF-8 and empty ones dropped, and a fact without sources is credited to its input.
func cleanFacts(facts []memory.Fact, req ExtractRequest) []memory.Fact {
	out := facts[:0]
	for _, f := range facts {
		if !utf8.ValidString(f.Content) {
			f.Content = strings.ToValidUTF8(f.Content, "\uFFFD")
		}
		if !utf8.ValidString(f.Topic) {
			f.Topic = strings.ToValidUTF8(f.Topic, "\uFFFD")
		}
		if strings.TrimSpace(f.Content) == "" {
			continue
		}
		if len(f.Sources) == 0 {
			f.Sources = []memory.Source{{RunID: req.RunID, Input: req.Input}}
		}
		out = append(out, f)
	}
	return out
}
