package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

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
	if cerr := d.x.computing(func() { out, err = d.extract(r, p) }); cerr != nil {
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
	if cerr := d.x.computing(func() { cp = store.NewCheckpoint(k, out.encode(r.ID)) }); cerr != nil {
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

// errTooLarge says that a run's facts do not fit the one commit part an extraction would have been
// committed with, unstored.
var errTooLarge = errors.New("the facts do not fit one commit part")

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

// commitStage runs the steps from the run's current one to the next commit step (transforms) and the
// commit itself. The facts are committed in parts of at most CommitPartSize, each a write of its own
// that records how far it got, so that a large run neither holds the writer for long nor starts
// over when it resumes: the run stays at the stage's first step until its last part, the transforms
// are deterministic, so a resumed run computes the same facts from the same checkpoint and continues
// after the last part committed. The run ends with the last part of its last commit.
//
// The stage starts at step k with input in; a nil in is read from the file (the previous step's
// checkpoint, or the payload). fused says that in is an extraction not stored yet: then the facts must
// fit one part, or the stage stores nothing and returns errTooLarge.
func (d *driver) commitStage(r *status.Run, k int, in *batch, fused bool) (status.Run, error) {
	x, st := d.x, d.x.cfg.Store
	c := x.cfg.Pipeline.commitAt(k)
	last := c == x.cfg.Pipeline.Len()-1
	if in == nil {
		var err error
		if in, err = d.input(r); err != nil {
			return status.Run{}, err
		}
	}
	out := in
	var runUUID uuid.UUID
	var err error
	if cerr := x.computing(func() {
		for j := k; j < c; j++ {
			if x.cfg.Pipeline.steps[j].kind() == kindTransform {
				out = transform(out)
			}
		}
		runUUID, err = uuid.Parse(r.ID)
	}); cerr != nil {
		return status.Run{}, cerr
	}
	if err != nil {
		return status.Run{}, Permanent(fmt.Errorf("commit: run id: %w", err))
	}
	if fused && len(out.Facts) > x.cfg.CommitPartSize {
		return status.Run{}, errTooLarge
	}
	done := 0
	if !fused && r.Attempts > 0 { // only a run some worker already took can have committed parts
		if step, n, ok, err := st.Progress(r.ID); err != nil {
			return status.Run{}, err
		} else if ok && step == c {
			done = min(n, len(out.Facts))
		}
	}
	total := len(out.Facts)
	large := total-done > x.cfg.CommitPartSize || done > 0
	var cp *store.Checkpoint
	if !last {
		cp = store.NewCheckpoint(c, out.encode(r.ID))
	}
	for {
		end := min(done+x.cfg.CommitPartSize, total)
		now := x.now()
		var part []store.NewMemory
		if cerr := x.computing(func() { part = d.prepare(r, runUUID, c, out, done, end, now) }); cerr != nil {
			return status.Run{}, cerr
		}
		final := end == total
		if final && cp != nil {
			if err := st.WriteLeadingChunks(r.ID, cp); err != nil {
				return status.Run{}, err
			}
		}
		starting := !d.started
		next, err := st.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
			start(t, run, starting, now)
			if err := t.EnsureAttrs(run.ID, run.Properties, run.Metadata); err != nil {
				return err
			}
			var ops status.Operations
			for i := range part {
				created, err := t.InsertMemory(&part[i])
				if err != nil {
					return err
				}
				if created {
					ops.Created = append(ops.Created, status.Operation{MemoryID: part[i].ID, CommittedAt: now})
				}
			}
			if err := t.RecordOps(run, ops, large); err != nil {
				return err
			}
			run.UpdatedAt = now
			if !final {
				return t.SetProgress(run.ID, c, end)
			}
			if large {
				if err := t.ClearProgress(run.ID); err != nil {
					return err
				}
			}
			if cp != nil {
				if err := t.PutCheckpoint(run.ID, cp); err != nil {
					return err
				}
			}
			run.Step = c + 1
			if last {
				finish(run, out, now)
			}
			return nil
		})
		if err != nil {
			return status.Run{}, err
		}
		d.started = true
		if final {
			return next, nil
		}
		r, done = &next, end
		if x.ctx.Err() != nil {
			return next, x.ctx.Err() // Close's deadline: stop between parts; the run resumes from here
		}
	}
}

// prepare makes the memories of facts[from:to] of out ready to insert: IDs, records and keys, all
// computed before the write.
func (d *driver) prepare(r *status.Run, run uuid.UUID, step int, out *batch, from, to int, now time.Time) []store.NewMemory {
	keys := store.NewContentKeyer(store.Scope{Group: r.Group, UserID: r.UserID}, r.Properties)
	res := make([]store.NewMemory, 0, to-from)
	for i := from; i < to; i++ {
		f := &out.Facts[i]
		id := memoryID(run, step, i, f.Content)
		m := memory.Memory{
			ID: id.String(), Content: f.Content, Topic: f.Topic,
			Group: r.Group, UserID: r.UserID, Properties: r.Properties, Metadata: r.Metadata,
			Sources: f.Sources, CreatedAt: now, UpdatedAt: now, EventTime: f.EventTime, Version: 1,
		}
		res = append(res, store.PrepareMemory(m, id, run[:], keys.Key(out.norm(i))))
	}
	return res
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

// finish ends a run whose steps are all done: completed when no input failed, failed when every input
// failed, partial_success in between.
func finish(run *status.Run, out *batch, now time.Time) {
	run.CompletedAt = now
	switch {
	case len(out.Failures) == 0:
		run.Status = status.Completed
	case len(out.Failures) < out.Inputs:
		run.Status = status.PartialSuccess
		run.Error = out.summary()
	default:
		run.Status = status.Failed
		run.Error = out.summary()
	}
}
