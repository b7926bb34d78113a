package pipeline

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// driver takes one run from where it stands to its end, a stage at a time. Whatever happens it
// leaves the run either finished, or pending in the file for the next Open (when the executor
// stops): an error of storage is waited out and tried again, a conflict is read again, and only the
// input's own faults end the run failed.
type driver struct {
	x       *Executor
	id      string
	rank    uint64        // the order the executor took the run in: the compute gate serves the lowest first
	started bool          // this driver has counted its attempt (Run.Attempts) in the file
	delay   time.Duration // the next wait after a storage error; 0 before the first
}

// run is the driver's loop. A panic in a stage fails the run rather than the process.
func (d *driver) run() {
	defer d.recoverPanic()
	conflicts, raced := 0, 0 // conflicts in a row: of any kind, and on reconciled memories
	for d.x.ctx.Err() == nil {
		r, err := d.x.cfg.Store.Run(d.id)
		switch {
		case errors.Is(err, errs.Corrupt):
			d.failDamaged(err)
			return
		case errors.Is(err, errs.NotFound), errors.Is(err, errs.Closed), errors.Is(err, errs.InvalidInput):
			if !errors.Is(err, errs.Closed) {
				d.x.cfg.Logger.Error("mnemo: queued run cannot be read", "run", d.id, "err", err)
			}
			return
		case err != nil:
			if !d.backoff(err) {
				return
			}
			continue
		}
		if r.Status.Terminal() || r.Status == status.InBuffer {
			return // finished, or parked until its buffer fires
		}
		if d.x.buffered && r.Step > d.x.firstBuffer {
			if _, follower, err := d.x.cfg.Store.FiringLeader(d.id); err == nil && follower {
				return // the run that leads its buffer's firing ends it
			}
		}
		next, err := d.stage(&r)
		switch {
		case err == nil:
			d.delay, conflicts, raced = 0, 0, 0
			if next.Status.Terminal() {
				d.logOutcome(&next)
				return
			}
			if next.Status == status.InBuffer {
				return // parked: its buffer's firing resumes it
			}
			if d.x.stopped() {
				return // resumes at the next Open, from the checkpoint just written
			}
		case d.x.ctx.Err() != nil, errors.Is(err, errs.Closed):
			return
		case store.IsStorage(err):
			if !d.backoff(err) {
				return
			}
		case errors.Is(err, errTargetChanged) && raced < maxRaces:
			// Another write changed a memory this stage reconciled with: that is progress, not a
			// fault. Read and reconcile again at once.
			raced++
		case errors.Is(err, errs.Conflict):
			// The run changed under us: read it again. Repeated conflicts are a bug somewhere (or
			// a memory fought over past maxRaces); they are logged and waited out like storage
			// errors rather than spun on.
			if conflicts++; conflicts > 3 && !d.backoff(err) {
				return
			}
		default:
			d.fail(&r, err)
			return
		}
	}
}

// stage runs the stage that starts at the run's current step and stores its outcome.
func (d *driver) stage(r *status.Run) (status.Run, error) {
	p := d.x.cfg.Pipeline
	if !slices.Equal(r.Steps, p.Names()) {
		return d.adopt(r)
	}
	if r.Step < 0 || r.Step >= p.Len() {
		return status.Run{}, Permanent(fmt.Errorf("the run is at step %d of a pipeline of %d steps and not finished", r.Step, p.Len()))
	}
	if p.steps[r.Step].kind() == kindExtract {
		if c, ok := p.streamsFiles(); ok && r.InputType == status.InputFile {
			return d.fileStage(r, r.Step, c)
		}
		return d.extractStage(r)
	}
	return d.commitStage(r, r.Step, nil, false)
}

// adopt moves a run added with another pipeline than the engine's onto the engine's, if it can go on
// there: a run nothing was done for yet starts over on it, and a run whose finished steps and current
// step are the engine's too goes on from where it is. Any other run fails, saying why: its stored
// output would mean something else in the other pipeline. (Runs parked at a buffer are not driven;
// they take the engine's pipeline up when their buffer fires, see Executor.fire.) The run is then
// read again.
func (d *driver) adopt(r *status.Run) (status.Run, error) {
	p := d.x.cfg.Pipeline
	names := p.Names()
	fresh := r.Attempts == 0 && r.Step == r.StartingStep
	start, err := p.StartingStep(r.InputType)
	switch {
	case fresh && err == nil:
	case r.Step < len(names) && r.Step < len(r.Steps) && slices.Equal(r.Steps[:r.Step+1], names[:r.Step+1]):
		fresh = false
	default:
		return status.Run{}, Permanent(fmt.Errorf("the run was added with pipeline %v, and the engine now runs %v, which does not share the steps it went through", r.Steps, names))
	}
	next, err := d.x.cfg.Store.UpdateRun(r.ID, r.Revision, func(_ *store.Tx, run *status.Run) error {
		run.Steps = names
		if fresh {
			run.StartingStep, run.Step = start, start
		}
		run.UpdatedAt = d.x.now()
		return nil
	})
	if err == nil {
		d.x.cfg.Logger.Info("mnemo: run moved to the engine's pipeline", "run", r.ID, "was", r.Steps, "now", names)
	}
	return next, err
}

// start marks the run, inside a write that is about to store a stage's outcome, as taken by this
// driver: queued -> running, and its attempt counted. starting says whether this driver has not yet
// done so in the file (computed before the write, since a write's function may run twice).
func start(t *store.Tx, run *status.Run, starting bool, now time.Time) {
	if run.Status == status.Queued {
		t.Via(run.ID, status.Running)
	}
	run.Status = status.Running
	if starting {
		run.Attempts++
		if run.StartedAt.IsZero() {
			run.StartedAt = now
		}
	}
}

// backoff waits before trying again after err, a storage error or a repeated conflict: the first
// wait is Config.Backoff, doubling up to MaxStorageBackoff, with a little jitter so that runs that
// failed together do not retry in lockstep. It logs the retry at Warn. It returns false when the
// executor stops meanwhile: the run stays pending in the file.
func (d *driver) backoff(err error) bool {
	if d.delay == 0 {
		d.delay = min(d.x.cfg.Backoff, MaxStorageBackoff)
	} else {
		d.delay = min(2*d.delay, MaxStorageBackoff)
	}
	wait := d.delay + rand.N(d.delay/4+1)
	msg := "mnemo: storage error, retrying"
	if !store.IsStorage(err) {
		msg = "mnemo: run changed under its worker, retrying"
	}
	d.x.cfg.Logger.Warn(msg, "run", d.id, "err", err, "delay", wait)
	select {
	case <-d.x.cfg.Clock.After(wait):
		return true
	case <-d.x.stopping:
		return false
	case <-d.x.ctx.Done():
		return false
	}
}

// fail ends a run that cannot go on because of its input or its steps: failed, or partial_success if
// an earlier commit step of its pipeline committed memories. Storage errors while recording that are
// waited out like any other.
func (d *driver) fail(r *status.Run, cause error) {
	for {
		starting := !d.started
		next, err := d.x.cfg.Store.UpdateRun(d.id, 0, func(t *store.Tx, run *status.Run) error {
			if run.Status.Terminal() {
				return store.Reject(errAlreadyEnded)
			}
			now := d.x.now()
			start(t, run, starting, now)
			run.Status = status.Failed
			if run.CommittedOperations.Len() > 0 || t.SpilledParts(run.ID) > 0 {
				run.Status = status.PartialSuccess
			}
			run.Error = fmt.Sprintf("step %d (%s): %v", run.Step, stepName(run), cause)
			run.CompletedAt = now
			run.UpdatedAt = now
			return d.endFiring(t, run, failedWith(run.Error, now), now)
		})
		switch {
		case err == nil:
			d.logOutcome(&next)
			return
		case errors.Is(err, errAlreadyEnded), errors.Is(err, errs.Closed):
			return
		case errors.Is(err, errs.Corrupt):
			d.failDamaged(err)
			return
		case store.IsStorage(err):
			if !d.backoff(err) {
				return
			}
		default:
			d.x.cfg.Logger.Error("mnemo: record run failure", "run", d.id, "cause", cause, "err", err)
			return
		}
	}
}

var errAlreadyEnded = errors.New("the run has ended")

// failDamaged ends a pending run whose record cannot be read, saying so.
func (d *driver) failDamaged(cause error) {
	for {
		err := d.x.cfg.Store.FailDamagedRun(d.id, cause, d.x.now())
		if err == nil {
			d.x.cfg.Logger.Error("mnemo: damaged run marked failed", "run", d.id, "err", cause)
			return
		}
		if !store.IsStorage(err) || !d.backoff(err) {
			d.x.cfg.Logger.Error("mnemo: damaged run could not be marked failed", "run", d.id, "cause", cause, "err", err)
			return
		}
	}
}

// recoverPanic turns a panic in a stage (a bug: an extractor's panic is caught where it is called)
// into the run's failure.
func (d *driver) recoverPanic() {
	p := recover()
	if p == nil {
		return
	}
	d.x.cfg.Logger.Error("mnemo: step panicked", "run", d.id, "panic", p)
	if r, err := d.x.cfg.Store.Run(d.id); err == nil && !r.Status.Terminal() {
		d.fail(&r, fmt.Errorf("internal error: %v", p))
	}
}

// logOutcome logs a run that ended other than completed.
func (d *driver) logOutcome(r *status.Run) {
	switch r.Status {
	case status.Failed:
		d.x.cfg.Logger.Error("mnemo: run failed", "run", r.ID, "err", r.Error)
	case status.PartialSuccess:
		d.x.cfg.Logger.Warn("mnemo: run partially succeeded", "run", r.ID, "err", r.Error)
	}
}

func stepName(r *status.Run) string {
	if r.Step >= 0 && r.Step < len(r.Steps) {
		return r.Steps[r.Step]
	}
	return "end"
}
