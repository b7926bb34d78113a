package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

// retry calls fn until it succeeds, fails permanently, ctx ends, or attempts are exhausted, waiting
// about backoff, 2*backoff, 4*backoff ... (at most MaxRetryBackoff) between attempts on the
// executor's clock, and logging each retry at Warn. Each wait has up to a quarter of itself added at
// random (jitter), so that runs failing together against one model server do not retry in
// lockstep. The caller holds a compute slot (see driver.computing), which the waits give back. A
// panic in fn (a user's extractor, say) is logged at Error and becomes a permanent error rather than
// escaping.
func (d *driver) retry(ctx context.Context, step int, fn func(context.Context) error) error {
	x := d.x
	delay := x.cfg.Backoff
	for attempt := 1; ; attempt++ {
		err := d.callSafely(ctx, step, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil || attempt >= x.cfg.MaxAttempts {
			if err != nil && attempt > 1 && retryable(err) && ctx.Err() == nil {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return err
		}
		wait := delay + rand.N(delay/4+1)
		x.cfg.Logger.Warn("mnemo: step failed, retrying", "run", d.id, "step", step, "attempt", attempt, "err", err, "delay", wait)
		if err := d.pause(ctx, wait); err != nil {
			return err
		}
		delay = min(2*delay, MaxRetryBackoff)
	}
}

// MaxRetryBackoff caps the wait between two tries of a failing step.
const MaxRetryBackoff = time.Minute

func (d *driver) callSafely(ctx context.Context, step int, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			d.x.cfg.Logger.Error("mnemo: step panicked", "run", d.id, "step", step, "panic", r)
			err = Permanent(fmt.Errorf("panic: %v", r))
		}
	}()
	return fn(ctx)
}

// retryable reports whether trying again might succeed: not for errors marked permanent, nor for the
// engine's own verdicts (bad input, a conflict, a closed engine, a missing or corrupt record).
func retryable(err error) bool {
	for _, final := range []error{ErrPermanent, errs.InvalidInput, errs.Conflict, errs.Closed, errs.NotFound, errs.Corrupt, errs.Version} {
		if errors.Is(err, final) {
			return false
		}
	}
	return true
}
