// Package mnemotest makes mnemo a test double in Go tests: an engine on a temporary file, closed
// when the test ends, with a fake clock that the test moves, IDs that repeat from run to run on
// request, and helpers that wait for runs to settle and assert on runs and memories with readable
// failure messages.
//
//	func TestRemembersPreferences(t *testing.T) {
//		eng := mnemotest.New(t)
//		eng.AddText("Alice prefers green tea.", &mnemo.AddOptions{UserID: "alice"})
//		eng.Settle()
//		eng.RequireMemories(&mnemo.ListOptions{UserID: "alice"}, "Alice prefers green tea.")
//	}
//
// The engine is the real one (the same pipeline, store and search, offline and deterministic by
// default); only its clock is fake, so buffers' time triggers, expiry and retry backoffs happen when
// the test calls Advance, never by themselves.
package mnemotest

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/clock"
)

// Start is where the fake clock of an engine starts, unless WithStart says otherwise.
var Start = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// DefaultTimeout bounds each wait of Settle and the Require helpers (unless WithTimeout).
const DefaultTimeout = 30 * time.Second

// Engine is a mnemo engine for one test: every method of mnemo.Engine, and helpers that fail the
// test on error.
type Engine struct {
	*mnemo.Engine
	// Clock is the engine's clock; Advance moves it.
	Clock *clock.Fake

	t       testing.TB
	timeout time.Duration
}

// Option configures New.
type Option func(*config)

type config struct {
	opts       mnemo.Options
	start      time.Time
	seed       *uint64
	timeout    time.Duration
	unfinished bool
	path       string
}

// WithOptions sets the engine's options (its extractor, embedder, pipeline ...). Clock and Random
// are mnemotest's own and are ignored.
func WithOptions(o *mnemo.Options) Option {
	return func(c *config) {
		if o != nil {
			c.opts = *o
		}
	}
}

// WithSeed makes the engine's run and batch IDs (and so its memory IDs) the same every time the
// test runs, as long as it adds the same inputs in the same order: they are drawn from a source
// seeded with seed, at the times of the fake clock.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = &seed } }

// WithStart sets where the fake clock starts.
func WithStart(t time.Time) Option { return func(c *config) { c.start = t } }

// WithTimeout bounds each wait of Settle and the Require helpers.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// AllowUnfinished lets the test end with runs not settled (queued, running or in_buffer): by
// default the cleanup fails the test, naming them, since a run left behind is usually a missing
// Settle or a buffer that never fired.
func AllowUnfinished() Option { return func(c *config) { c.unfinished = true } }

// WithPath opens the engine on path rather than on a new file in t.TempDir(): to reopen a file an
// earlier engine of the test closed.
func WithPath(path string) Option { return func(c *config) { c.path = path } }

// New opens an engine for the test t, on a new file in t.TempDir(), with a fake clock at Start. It
// is closed when the test ends; the test fails then if a run is not settled (see AllowUnfinished).
func New(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	c := config{start: Start, timeout: DefaultTimeout}
	for _, o := range opts {
		o(&c)
	}
	fake := clock.NewFake(c.start)
	o := c.opts
	o.Clock = fake
	o.Random = nil
	if c.seed != nil {
		o.Random = &lockedReader{r: rand.NewChaCha8(seedBytes(*c.seed))}
	}
	path := c.path
	if path == "" {
		path = filepath.Join(t.TempDir(), "mnemo.db")
	}
	eng, err := mnemo.Open(path, &o)
	if err != nil {
		t.Fatalf("mnemotest: open %s: %v", path, err)
	}
	e := &Engine{Engine: eng, Clock: fake, t: t, timeout: c.timeout}
	t.Cleanup(func() {
		if !c.unfinished && !t.Failed() {
			e.checkSettled()
		}
		if err := eng.Close(); err != nil {
			t.Errorf("mnemotest: close: %v", err)
		}
	})
	return e
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	for i := range 8 {
		b[i] = byte(seed >> (8 * i))
	}
	return b
}

// lockedReader makes a source safe for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// Advance moves the fake clock by d: buffers whose time trigger falls due fire, memories whose
// expiry passes are no longer listed, and retries waiting on a backoff go on.
func (e *Engine) Advance(d time.Duration) { e.Clock.Advance(d) }

// Context returns a context that ends after the engine's timeout (or with the test).
func (e *Engine) Context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), e.timeout)
}

// AddText adds texts and returns the run, failing the test if the add is refused.
func (e *Engine) AddText(text string, opts *mnemo.AddOptions) *mnemo.Run {
	e.t.Helper()
	return e.Add(mnemo.Text(text), opts)
}

// Add adds in and returns the run, failing the test if the add is refused.
func (e *Engine) Add(in mnemo.Input, opts *mnemo.AddOptions) *mnemo.Run {
	e.t.Helper()
	ctx, cancel := e.Context()
	defer cancel()
	run, err := e.Memories.Add(ctx, in, opts)
	if err != nil {
		e.t.Fatalf("mnemotest: add: %v", err)
	}
	return run
}

// pending are the statuses of a run that is not settled.
var pending = []mnemo.Status{mnemo.Queued, mnemo.Running}

// Settle waits until no run is queued or running: every run has ended or is parked in a buffer
// (in_buffer) until its trigger fires or Flush. It returns the runs that are in_buffer. It fails the
// test if some run does not settle within the timeout (a run waiting on a backoff of the fake
// clock, say, moves only when the test calls Advance), naming those runs.
func (e *Engine) Settle() []mnemo.Run {
	e.t.Helper()
	ctx, cancel := e.Context()
	defer cancel()
	for {
		runs, err := e.runs(ctx, pending)
		if err != nil {
			e.t.Fatalf("mnemotest: settle: %v", err)
		}
		if len(runs) == 0 {
			break
		}
		for _, r := range runs {
			_, err := e.Runs.WaitFor(ctx, r.ID, mnemo.Completed, mnemo.Failed, mnemo.PartialSuccess, mnemo.InBuffer)
			switch {
			case err == nil, errors.Is(err, mnemo.ErrNotFound):
			case ctx.Err() != nil:
				left, _ := e.runs(context.Background(), pending)
				e.t.Fatalf("mnemotest: settle: %d runs still pending after %v: %s", len(left), e.timeout, describe(left))
			default:
				e.t.Fatalf("mnemotest: settle: wait for run %s: %v", r.ID, err)
			}
		}
	}
	parked, err := e.runs(ctx, []mnemo.Status{mnemo.InBuffer})
	if err != nil {
		e.t.Fatalf("mnemotest: settle: %v", err)
	}
	return parked
}

// runs lists every run in one of statuses.
func (e *Engine) runs(ctx context.Context, statuses []mnemo.Status) ([]mnemo.Run, error) {
	var out []mnemo.Run
	opts := &mnemo.RunListOptions{Statuses: statuses, Limit: mnemo.MaxListLimit}
	for {
		page, err := e.Runs.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Runs...)
		if page.Next == "" {
			return out, nil
		}
		opts.Cursor = page.Next
	}
}

// checkSettled fails the test if a run is not settled, at its cleanup.
func (e *Engine) checkSettled() {
	left, err := e.runs(context.Background(), []mnemo.Status{mnemo.Queued, mnemo.Running, mnemo.InBuffer})
	if err != nil {
		e.t.Errorf("mnemotest: list unfinished runs: %v", err)
		return
	}
	if len(left) > 0 {
		e.t.Errorf("mnemotest: the test ended with %d runs unfinished: %s (call Settle and Flush, or pass mnemotest.AllowUnfinished())", len(left), describe(left))
	}
}

// describe lists runs as "ID (status, step N)" for failure messages, at most ten.
func describe(runs []mnemo.Run) string {
	var parts []string
	for i, r := range runs {
		if i == 10 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, r.ID+" ("+string(r.Status)+", "+string(r.InputType)+")")
	}
	return strings.Join(parts, ", ")
}
