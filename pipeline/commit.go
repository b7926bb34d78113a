package pipeline

import (
	"encoding/json"
	"fmt"

	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// commit writes the batch's facts as memories and advances the run, all in one transaction that is a
// compare-and-set on the run's revision. A fact whose content its scope already holds is a no-op.
// Each memory's ID derives from the run, the step and the fact, so a replayed commit cannot make a
// twin.
func (x *Executor) commit(r *status.Run, in *batch, last bool) (status.Run, error) {
	runUUID, err := uuid.Parse(r.ID)
	if err != nil {
		return status.Run{}, Permanent(fmt.Errorf("commit: run id: %w", err))
	}
	step := r.Step
	return x.cfg.Store.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		now := x.now()
		out := &batch{Inputs: in.Inputs, Failures: in.Failures}
		scope := store.Scope{Group: run.Group, UserID: run.UserID}
		for i, f := range in.Facts {
			key := store.ContentKey(scope, run.Properties, f.Content)
			if t.ContentOwner(key) != "" {
				continue // the scope holds this fact already
			}
			id := uuid.NewSHA1(runUUID, fmt.Appendf(nil, "%d/%d/%s", step, i, f.Content)).String()
			m := memory.Memory{
				ID: id, Content: f.Content, Topic: f.Topic,
				Group: run.Group, UserID: run.UserID, Properties: run.Properties, Metadata: run.Metadata,
				Sources: f.Sources, CreatedAt: now, UpdatedAt: now, EventTime: f.EventTime, Version: 1,
			}
			if err := t.CreateMemory(m, key); err != nil {
				return err
			}
			// The store derives MemoriesCreated and MemoryIDs from the created operations.
			run.CommittedOperations.Created = append(run.CommittedOperations.Created, status.Operation{MemoryID: id, CommittedAt: now})
			out.Facts = append(out.Facts, f)
		}
		return x.advance(t, run, out, last, now)
	})
}

// advance records that the run's current step produced out: it checkpoints out for the next step,
// moves the run on, and when the step was the last one, ends the run.
func (x *Executor) advance(t *store.Tx, run *status.Run, out *batch, last bool, now time.Time) error {
	if !last {
		data, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if err := t.PutCheckpoint(run.ID, run.Step, data); err != nil {
			return err
		}
	}
	run.Step++
	run.UpdatedAt = now
	if last {
		finish(run, out, now)
	}
	return nil
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
