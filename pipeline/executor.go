package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// Defaults for Config.
const (
	DefaultMaxAttempts = 3
	DefaultBackoff     = 200 * time.Millisecond
	// abandonGrace is how long Stop waits, after cancelling the steps still running at its deadline,
	// for them to return. A step that ignores its context is then left behind: its writes fail with
	// ErrClosed once the store closes, and the run resumes at the next Open.
	abandonGrace = time.Second
)

// Config wires an Executor to the engine.
type Config struct {
	Store     *store.Store
	Pipeline  *Pipeline
	Extractor Extractor
	Clock     clock.Clock
	Logger    *slog.Logger
	// Workers is how many runs are processed at once.
	Workers int
	// MaxAttempts bounds the tries of a failing extraction; Backoff is the wait before the second.
	MaxAttempts int
	Backoff     time.Duration
}

// Executor runs queued runs through the pipeline with a fixed pool of worker goroutines.
type Executor struct {
	cfg      Config
	queue    *runQueue
	ctx      context.Context // steps' context; cancelled when Stop's deadline passes
	cancel   context.CancelFunc
	stopping chan struct{} // closed by Stop: workers take no new run and start no new step
	stopOnce sync.Once
	workers  sync.WaitGroup
}

// NewExecutor returns an executor for cfg; Start sets its workers going.
func NewExecutor(cfg Config) *Executor {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Executor{cfg: cfg, queue: newRunQueue(), ctx: ctx, cancel: cancel, stopping: make(chan struct{})}
}

// Start launches the worker goroutines.
func (x *Executor) Start() {
	for range x.cfg.Workers {
		x.workers.Add(1)
		go x.work()
	}
}

// Enqueue hands runs to the workers. It never blocks.
func (x *Executor) Enqueue(ids ...string) { x.queue.push(ids...) }

// Stop makes the workers take no new run and start no new step, and waits for the steps under way to
// finish until ctx ends; then it cancels them. Runs left unfinished stay running in the file and are
// resumed from their last checkpoint at the next Open.
func (x *Executor) Stop(ctx context.Context) error {
	x.stopOnce.Do(func() { close(x.stopping) })
	done := make(chan struct{})
	go func() {
		x.workers.Wait()
		close(done)
	}()
	defer x.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	x.cancel()
	select {
	case <-done:
	case <-time.After(abandonGrace):
		x.cfg.Logger.Warn("mnemo: a pipeline step ignored cancellation; leaving it behind")
	}
	return ctx.Err()
}

func (x *Executor) work() {
	defer x.workers.Done()
	for {
		id, ok := x.queue.pop(x.stopping)
		if !ok {
			return
		}
		x.processSafely(id)
	}
}

// processSafely is process behind a recover: a bug in a step must fail its run, not bring down the
// application that embeds the engine. (A panic in an extractor is caught earlier, per input.)
func (x *Executor) processSafely(id string) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		x.cfg.Logger.Error("mnemo: pipeline panicked", "run", id, "panic", p)
		if r, err := x.cfg.Store.Run(id); err == nil && r.Status == status.Running {
			x.fail(r, fmt.Errorf("internal error: %v", p))
		}
	}()
	x.process(id)
}

func (x *Executor) stopped() bool {
	select {
	case <-x.stopping:
		return true
	default:
		return false
	}
}

func (x *Executor) now() time.Time { return x.cfg.Clock.Now().UTC().Round(0) }

// process takes a queued run and drives it step by step to its end. It returns early, leaving the run
// running and resumable, when the executor stops.
func (x *Executor) process(id string) {
	r, err := x.cfg.Store.Run(id)
	if err != nil {
		x.cfg.Logger.Error("mnemo: load run", "run", id, "err", err)
		return
	}
	if r.Status != status.Queued {
		return // taken already, parked in a buffer, or finished
	}
	r, err = x.cfg.Store.UpdateRun(id, r.Revision, func(_ *store.Tx, run *status.Run) error {
		now := x.now()
		run.Status = status.Running
		run.Attempts++
		if run.StartedAt.IsZero() {
			run.StartedAt = now
		}
		run.UpdatedAt = now
		return nil
	})
	if err != nil {
		x.cfg.Logger.Error("mnemo: start run", "run", id, "err", err)
		return
	}
	if !slices.Equal(r.Steps, x.cfg.Pipeline.Names()) {
		x.fail(r, fmt.Errorf("the run was added with pipeline %v, and the engine now runs %v", r.Steps, x.cfg.Pipeline.Names()))
		return
	}
	for r.Step < x.cfg.Pipeline.Len() && !x.stopped() {
		next, err := x.step(&r)
		switch {
		case x.ctx.Err() != nil:
			return // shutting down: the run resumes at the next Open
		case errors.Is(err, errs.Conflict) || errors.Is(err, errs.Closed):
			x.cfg.Logger.Warn("mnemo: run changed under its worker", "run", id, "err", err)
			return
		case err != nil:
			x.fail(r, err)
			return
		}
		r = next
	}
}

// step runs the run's current step and stores its outcome.
func (x *Executor) step(r *status.Run) (status.Run, error) {
	k := r.Step
	last := k == x.cfg.Pipeline.Len()-1
	s := x.cfg.Pipeline.steps[k]
	if s.kind() == kindExtract {
		p, err := x.payload(r.ID)
		if err != nil {
			return status.Run{}, err
		}
		out, err := x.extract(x.ctx, r, p)
		if err != nil {
			return status.Run{}, err
		}
		return x.save(r, out, last)
	}
	var next status.Run
	err := x.retry(x.ctx, func(context.Context) error {
		in, err := x.input(r)
		if err != nil {
			return err
		}
		switch s.kind() {
		case kindTransform:
			next, err = x.save(r, transform(in), last)
		case kindCommit:
			next, err = x.commit(r, in, last)
		default:
			err = Permanent(fmt.Errorf("step %d (%s) has no implementation", k, s.Name()))
		}
		return err
	})
	return next, err
}

// save checkpoints a step's output and advances the run, as a compare-and-set on its revision.
func (x *Executor) save(r *status.Run, out *batch, last bool) (status.Run, error) {
	return x.cfg.Store.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		return x.advance(t, run, out, last, x.now())
	})
}

func (x *Executor) payload(id string) (*Payload, error) {
	data, err := x.cfg.Store.Input(id)
	if err != nil {
		return nil, err
	}
	var p Payload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, Permanent(fmt.Errorf("%w: input of run %s: %v", errs.Corrupt, id, err))
	}
	return &p, nil
}

// input returns what the run's current step consumes: the previous step's checkpoint, or for the
// step the input entered at, the input itself.
func (x *Executor) input(r *status.Run) (*batch, error) {
	if r.Step == r.StartingStep {
		p, err := x.payload(r.ID)
		if err != nil {
			return nil, err
		}
		if p.Type != status.InputPreExtracted {
			return nil, Permanent(fmt.Errorf("input type %s cannot enter at step %d", p.Type, r.Step))
		}
		return fromPayload(r.ID, p), nil
	}
	data, err := x.cfg.Store.Checkpoint(r.ID, r.Step-1)
	if err != nil {
		return nil, err
	}
	var b batch
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, Permanent(fmt.Errorf("%w: checkpoint of run %s: %v", errs.Corrupt, r.ID, err))
	}
	return &b, nil
}

// fail ends a run that cannot go on: failed, or partial_success if an earlier commit step of its
// pipeline already committed memories.
func (x *Executor) fail(r status.Run, cause error) {
	_, err := x.cfg.Store.UpdateRun(r.ID, r.Revision, func(_ *store.Tx, run *status.Run) error {
		now := x.now()
		run.Status = status.Failed
		if run.CommittedOperations.Len() > 0 {
			run.Status = status.PartialSuccess
		}
		run.Error = fmt.Sprintf("step %d (%s): %v", run.Step, stepName(run), cause)
		run.CompletedAt = now
		run.UpdatedAt = now
		return nil
	})
	if err != nil {
		x.cfg.Logger.Error("mnemo: record run failure", "run", r.ID, "cause", cause, "err", err)
	}
}

func stepName(r *status.Run) string {
	if r.Step >= 0 && r.Step < len(r.Steps) {
		return r.Steps[r.Step]
	}
	return "end"
}
