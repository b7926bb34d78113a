package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// A run goes through its pipeline in stages, each computed outside the writer and stored in one
// write (or, for a large commit, a write per part), so that the default pipeline costs a run two
// commits: the extract stage (queued -> running, with the extract step's checkpoint), and the commit
// stage (the transform step and the commit step, ending the run); one, when the extractor is Cheap
// and the facts fit one part.

// extractStage runs the extract step over the run's input and stores its output as the step's
// checkpoint, advancing the run to the next step. When the extractor is Cheap and the run's facts fit
// one commit part, it goes on instead to the commit stage with the output in hand, and the run is
// stored once, finished (see Cheap).
func (d *driver) extractStage(r *status.Run) (status.Run, error) {
	st := d.x.cfg.Store
	p, err := d.payload(r.ID)
	if err != nil {
		return status.Run{}, err
	}
	var out *batch
	if cerr := d.computing(func() { out, err = d.extract(r, p) }); cerr != nil {
		return status.Run{}, cerr
	}
	if err != nil {
		return status.Run{}, err
	}
	k := r.Step
	if isCheap(d.x.cfg.Extractor) {
		next, err := d.commitStage(r, k+1, out, true)
		if !errors.Is(err, errTooLarge) {
			return next, err
		}
	}
	var cp *store.Checkpoint
	if cerr := d.computing(func() { cp = store.NewCheckpoint(k, out.encode(r.ID)) }); cerr != nil {
		return status.Run{}, cerr
	}
	if err := st.WriteLeadingChunks(r.ID, cp); err != nil {
		return status.Run{}, err
	}
	starting := !d.started
	next, err := st.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		now := d.x.now()
		start(t, run, starting, now)
		if err := t.PutCheckpoint(run.ID, cp); err != nil {
			return err
		}
		run.Step = k + 1
		run.UpdatedAt = now
		return nil
	})
	if err == nil {
		d.started = true
	}
	return next, err
}

// extract runs the extractor over each input of the payload: each text of a string input alone, a
// conversation whole. An input whose extraction fails for good is recorded in the batch's Failures
// and the others go on. It returns an error only when the executor is cancelled, leaving the step to
// be resumed.
func (d *driver) extract(r *status.Run, p *Payload) (*batch, error) {
	ctx := d.x.ctx
	var reqs []ExtractRequest
	switch p.Type {
	case status.InputString:
		for i, text := range p.Texts {
			reqs = append(reqs, ExtractRequest{RunID: r.ID, UserID: r.UserID, Input: i, Text: text})
		}
	case status.InputConversation:
		reqs = append(reqs, ExtractRequest{RunID: r.ID, UserID: r.UserID, Messages: p.Messages})
	case status.InputFile:
		return d.extractFile(r, p)
	default:
		return nil, Permanent(fmt.Errorf("extract: input type %q has nothing to extract", p.Type))
	}
	out := &batch{Inputs: len(reqs)}
	for _, req := range reqs {
		var facts []memory.Fact
		err := d.retry(ctx, r.Step, func(ctx context.Context) (err error) {
			facts, err = d.x.cfg.Extractor.Extract(ctx, req)
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
	out := make([]memory.Fact, 0, len(facts)) // the extractor's slice is its own: never write into it
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

// payload reads the run's input.
func (d *driver) payload(id string) (*Payload, error) {
	data, err := d.x.cfg.Store.Input(id)
	if err != nil {
		return nil, err
	}
	p, err := DecodePayload(data)
	if err != nil {
		return nil, Permanent(fmt.Errorf("run %s: %w", id, err))
	}
	return p, nil
}

// input returns what the run's current step consumes: the previous step's checkpoint, or for the
// step the input entered at, the input itself.
func (d *driver) input(r *status.Run) (*batch, error) {
	if r.Step == r.StartingStep {
		p, err := d.payload(r.ID)
		if err != nil {
			return nil, err
		}
		if p.Type != status.InputPreExtracted {
			return nil, Permanent(fmt.Errorf("input type %s cannot enter at step %d", p.Type, r.Step))
		}
		return fromPayload(r.ID, p), nil
	}
	data, err := d.x.cfg.Store.Checkpoint(r.ID, r.Step-1)
	if err != nil {
		return nil, err
	}
	b, err := decodeBatch(data, r.ID)
	if err != nil {
		return nil, Permanent(fmt.Errorf("run %s: %w", r.ID, err))
	}
	return b, nil
}
