package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// errTooLarge says that a run's facts do not fit the one commit part an extraction would have been
// committed with, unstored.
var errTooLarge = errors.New("the facts do not fit one commit part")

// commitStage runs the steps from step k that compute in memory (transform, summarize), and then
// the write that ends the stage:
//
//   - at a commit step, the facts are committed in parts of at most CommitPartSize, each a write of
//     its own that records how far it got, so that a large run neither holds the writer for long nor
//     starts over when it resumes (the run stays at the stage's first step until its last part; the
//     computing steps are deterministic, or, for a summary, stored in one part, so a resumed run
//     computes the same facts from the same checkpoint and continues after the last part). The last
//     part ends the run, or parks it at a buffer that follows, or stores its facts as the commit's
//     checkpoint for the next stage;
//   - at a buffer step, the run parks with its facts; a run with none goes past the buffer at once.
//
// The stage starts with input in, or when in is nil, what the file holds for step k (the previous
// step's checkpoint, or the payload). fused says that in is an extraction not stored yet: then the
// facts must fit one commit part, or the stage stores nothing and returns errTooLarge.
func (d *driver) commitStage(r *status.Run, k int, in *batch, fused bool) (status.Run, error) {
	x := d.x
	p := x.cfg.Pipeline
	if in == nil {
		var err error
		if in, err = d.input(r); err != nil {
			return status.Run{}, err
		}
	}
	out, j := in, k
	for {
		var err error
		if out, j, err = d.compute(r, out, j); err != nil {
			return status.Run{}, err
		}
		if p.steps[j].kind() != kindBuffer || len(out.Facts) > 0 {
			break
		}
		j++ // nothing to wait for: the run goes past the buffer
	}
	if p.steps[j].kind() == kindBuffer {
		return d.park(r, j, out)
	}
	if fused && len(out.Facts) > x.cfg.CommitPartSize {
		return status.Run{}, errTooLarge
	}
	return d.commit(r, j, out, fused)
}

// compute runs the computing steps from step j on (transform, summarize) over in, and returns their
// output and the index of the first step that writes (commit or buffer).
func (d *driver) compute(r *status.Run, in *batch, j int) (*batch, int, error) {
	p := d.x.cfg.Pipeline
	out := in
	for ; j < p.Len(); j++ {
		switch s := p.steps[j].(type) {
		case transformStep:
			if err := d.computing(func() { out = transform(out) }); err != nil {
				return nil, j, err
			}
			out.reconcile = true
		case summarizeStep:
			var err error
			if out, err = d.summarize(r, j, s.topic, out); err != nil {
				return nil, j, err
			}
		default:
			return out, j, nil
		}
	}
	return out, j, nil
}

// commit commits the facts of out as step c, in parts, and moves the run on (see commitStage).
func (d *driver) commit(r *status.Run, c int, out *batch, fused bool) (status.Run, error) {
	x, st := d.x, d.x.cfg.Store
	p := x.cfg.Pipeline
	runUUID, err := uuid.Parse(r.ID)
	if err != nil {
		return status.Run{}, Permanent(fmt.Errorf("commit: run id: %w", err))
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
	last := c == p.Len()-1
	parkAt := -1 // the buffer the run parks at after its last part
	var cp *store.Checkpoint
	switch {
	case last:
	case p.steps[c+1].kind() == kindBuffer && total > 0:
		parkAt = c + 1
	default:
		cp = store.NewCheckpoint(c, out.encode(r.ID))
	}
	attrs, err := d.sourceAttrs(r, out)
	if err != nil {
		return status.Run{}, err
	}
	for {
		end := min(done+x.cfg.CommitPartSize, total)
		now := x.now()
		final := end == total
		verdicts, err := d.reconcile(r, runUUID, c, out, done, end)
		if err != nil {
			return status.Run{}, err
		}
		var part []store.NewMemory
		var parking *parking
		if cerr := d.computing(func() {
			part = d.prepare(r, runUUID, c, out, done, end, attrs, verdicts, now)
			if final && parkAt >= 0 {
				parking = newParking(r, parkAt, out)
			}
		}); cerr != nil {
			return status.Run{}, cerr
		}
		if err := d.embed(c, out, done, part, verdicts); err != nil {
			return status.Run{}, err
		}
		if final && cp != nil {
			if err := st.WriteLeadingChunks(r.ID, cp); err != nil {
				return status.Run{}, err
			}
		}
		starting := !d.started
		next, err := st.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
			if err := checkTargets(t, verdicts); err != nil {
				return err
			}
			start(t, run, starting, now)
			if err := writePart(t, run, out, done, part, verdicts, now, large); err != nil {
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
			switch {
			case parking != nil:
				return parking.write(t, run, now)
			case cp != nil:
				run.Step = c + 1
				return t.PutCheckpoint(run.ID, cp)
			}
			run.Step = c + 1
			finish(run, out, now)
			return d.endFiring(t, run, succeeded(now), now)
		})
		if err != nil {
			return status.Run{}, err
		}
		d.started = true
		if final {
			if parking != nil {
				x.sched.parked(parking.header)
			}
			return next, nil
		}
		r, done = &next, end
		if x.ctx.Err() != nil {
			return next, x.ctx.Err() // Close's deadline: stop between parts; the run resumes from here
		}
	}
}

// writePart writes, in t, the memories of out from fact from on that prepare and reconcile made
// ready (part and verdicts), and records their operations in run (see store.Tx.RecordOps for large).
func writePart(t *store.Tx, run *status.Run, out *batch, from int, part []store.NewMemory, verdicts []verdict, now time.Time, large bool) error {
	if err := t.EnsureAttrs(run.ID, run.Properties, run.Metadata); err != nil {
		return err
	}
	var ops status.Operations
	made := map[string]bool{}
	for i := range part {
		v := &verdict{Decision: Decision{Op: OpAdd}}
		if verdicts != nil {
			v = &verdicts[i]
		}
		if err := apply(t, run, v, &out.Facts[from+i], &part[i], now, &ops, made); err != nil {
			return err
		}
	}
	return t.RecordOps(run, ops, large)
}

// sourceAttrs returns, for the facts of out that come from other runs than r (the items of a buffer
// firing that r leads), which of those runs keep properties or metadata for their memories to share.
func (d *driver) sourceAttrs(r *status.Run, out *batch) (map[string]bool, error) {
	var others []string
	seen := map[string]bool{r.ID: true}
	for i := range out.Facts {
		if src := out.Facts[i].Sources; len(src) > 0 && !seen[src[0].RunID] {
			seen[src[0].RunID] = true
			others = append(others, src[0].RunID)
		}
	}
	if len(others) == 0 {
		return nil, nil
	}
	return d.x.cfg.Store.AttrsOf(others)
}

// prepare makes the memories of facts[from:to] of out ready to insert: IDs, records, keys and
// history rows, all computed before the write; a fact that verdicts say inserts nothing (noop,
// update) gets a zero NewMemory. A memory shares the properties and metadata of the run its fact came
// from (after a buffer, not always r); a summary keeps the scope's properties itself.
func (d *driver) prepare(r *status.Run, run uuid.UUID, step int, out *batch, from, to int, attrs map[string]bool, verdicts []verdict, now time.Time) []store.NewMemory {
	keys := store.NewContentKeyer(store.Scope{Group: r.Group, UserID: r.UserID}, r.Properties)
	res := make([]store.NewMemory, to-from)
	for i := from; i < to; i++ {
		f := &out.Facts[i]
		reason := ""
		if verdicts != nil {
			v := &verdicts[i-from]
			if v.Op == OpNoop || (v.Op == OpUpdate && !v.local) { // a local target may make no memory: see apply
				continue
			}
			if v.Op == OpSupersede {
				reason = "supersedes " + v.Target + ": " + v.Reason
			}
		}
		if out.summary != nil && i == 0 {
			res[i-from] = out.summary.prepare(d.x.cfg.Store, r, f, now)
			continue
		}
		id := memoryID(run, step, out.idBase+i, f.Content)
		m := memory.Memory{
			ID: id.String(), Content: f.Content, Topic: f.Topic,
			Group: r.Group, UserID: r.UserID, Properties: r.Properties, Metadata: r.Metadata,
			Sources: f.Sources, CreatedAt: now, UpdatedAt: now, EventTime: f.EventTime, Version: 1,
			ExpiresAt: r.ExpiresAt,
		}
		attrsRun := run[:]
		if len(f.Sources) > 0 && f.Sources[0].RunID != r.ID {
			attrsRun = nil
			if src, err := uuid.Parse(f.Sources[0].RunID); err == nil && attrs[f.Sources[0].RunID] {
				attrsRun = src[:]
			}
			m.Metadata = nil // another run's: shared through attrsRun, or it has none
		}
		var terms []string
		if out.reconcile {
			terms = out.termsOf(d.x.cfg.Store, i)
		}
		res[i-from] = d.x.cfg.Store.PrepareMemory(m, id, attrsRun, keys.Key(out.norm(i)), terms, r.ID, reason)
	}
	return res
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
		run.Error = out.errorText()
	default:
		run.Status = status.Failed
		run.Error = out.errorText()
	}
}
