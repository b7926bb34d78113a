package pipeline

import (
	"errors"
	"fmt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/store"
)

// fire fires the buffer of scope: the items it holds go, as one batch, to the oldest of its parked
// runs (the leader), which resumes at once and runs the steps after the buffer for all of them; the
// others resume too and end with it. Unless force is set (Flush), the buffer fires only if its trigger
// says so by what it holds now: a due time computed before a park moved it on is not enough. It
// returns how many runs resumed: 0 for an empty buffer, or one not due. The caller holds the buffer's
// lock (see keyLocks).
func (x *Executor) fire(scope store.BufferScope, force bool) (int, error) {
	st := x.cfg.Store
	for tries := 0; ; tries++ {
		h, items, runs, err := st.BufferContents(scope)
		switch {
		case errors.Is(err, errs.NotFound):
			return 0, nil
		case err != nil:
			return 0, err
		case len(items) == 0 || len(runs) == 0:
			return 0, nil
		case !force && !x.due(h):
			return 0, nil
		}
		leader := runs[0].RunID
		b := &batch{Inputs: len(items), Facts: make([]memory.Fact, len(items))}
		for i, it := range items {
			if b.Facts[i], err = decodeFact(it.Data, it.RunID); err != nil {
				return 0, fmt.Errorf("buffer item of run %s: %w", it.RunID, err)
			}
		}
		cp := store.NewCheckpoint(scope.Step, b.encode(leader))
		if err := st.WriteLeadingChunks(leader, cp); err != nil {
			return 0, err
		}
		err = st.Fire(&store.Firing{
			Scope: scope, Fired: h.Fired, Through: items[len(items)-1].ID, Items: len(items), Runs: runs,
			Checkpoint: cp, Steps: x.cfg.Pipeline.Names(), Now: x.now(),
		})
		switch {
		case err == nil:
			x.Enqueue(leader)
			return len(runs), nil
		case errors.Is(err, errs.Conflict) && tries < 10:
			continue // runs parked or the buffer fired between the read and the write: read again
		default:
			return 0, err
		}
	}
}

// due reports whether a buffer's trigger fires it by what it holds now.
func (x *Executor) due(h store.Buffer) bool {
	t, ok := x.cfg.Pipeline.Buffer(h.Scope.Step)
	if !ok {
		return false
	}
	at, timed := t.Due(h.FirstAt, h.LastAt)
	return t.Full(h.Items) || (timed && !x.cfg.Clock.Now().Before(at))
}
