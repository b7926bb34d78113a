package pipeline

import (
	"context"
	"github.com/mnemohq/mnemo/embedding"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/store"
)

// Defaults for Config.
const (
	DefaultMaxAttempts = 3
	DefaultBackoff     = 200 * time.Millisecond
	// DefaultMaxInFlight is how many runs move through the pipeline at once by default.
	DefaultMaxInFlight = 256
	// DefaultCommitPartSize is the most facts one commit transaction writes by default. Parts of 256
	// rather than 512 made a 6 MiB conversation (76,861 facts) commit in 10.4 s rather than 21 s, and
	// the longest wait of another caller's Add meanwhile 44 ms rather than 192 ms (a part's cost grows
	// faster than its size: each fact's index terms touch a page of their own); parts of 128 took
	// 11-12 s (bench/README.md, latency).
	DefaultCommitPartSize = 256
	// MaxStorageBackoff caps the wait between retries of a write that failed for want of storage.
	MaxStorageBackoff = 5 * time.Second
	// abandonGrace is how long Stop waits, after cancelling the steps still running at its deadline,
	// for them to return. A step that ignores its context is then left behind: its writes fail with
	// ErrClosed once the store closes, and the run resumes at the next Open.
	abandonGrace = time.Second
)

// Config wires an Executor to the engine. The zero value of each number means its default.
type Config struct {
	Store     *store.Store
	Pipeline  *Pipeline
	Extractor Extractor
	// Summarizer makes the summaries of Summarize steps; required when the pipeline has one.
	Summarizer Summarizer
	// Reconciler decides, in transform steps, what each fact does to the memories its scope holds;
	// nil adds every fact that is not an exact repeat.
	Reconciler Reconciler
	// Embedder gives each memory committed or updated its vector, before the write; nil stores none.
	Embedder embedding.Embedder
	Clock    clock.Clock
	Logger   *slog.Logger
	// Workers is how many steps compute at once: extractions (each call of the Extractor) and
	// transforms. Default 1.
	Workers int
	// MaxInFlight is how many runs move through the pipeline at once. Most of a run's time is spent
	// waiting for the writer, not computing, so it is not tied to Workers. Default DefaultMaxInFlight.
	MaxInFlight int
	// CommitPartSize is the most facts a run commits in one transaction; a run with more commits in
	// parts, so that other callers' writes interleave with it. Default DefaultCommitPartSize.
	CommitPartSize int
	// MaxAttempts bounds the tries of a failing extraction; Backoff is the wait before the second.
	// Backoff is also the first wait before retrying a write that failed for want of storage.
	MaxAttempts int
	Backoff     time.Duration
}

// Executor takes queued runs through the pipeline. A dispatcher hands each run to a goroutine of
// its own, up to MaxInFlight at once; those goroutines share Workers slots for computing (the oldest
// run first, see gate) and one writer for storing, so that many runs' writes share each transaction.
type Executor struct {
	cfg      Config
	queue    *runQueue
	compute  *gate         // a slot per step computing, oldest run first
	ranks    atomic.Uint64 // the next driver's rank at the compute gate
	slots    chan struct{} // a token per run in flight
	mu       sync.Mutex    // guards active
	active   map[string]bool
	ctx      context.Context // steps' context; cancelled when Stop's deadline passes
	cancel   context.CancelFunc
	stopping chan struct{} // closed by Stop: no new run is taken and no new stage begins
	stopOnce sync.Once
	running  sync.WaitGroup // the dispatcher, the scheduler, and every run's and firing's goroutine
	sched    *scheduler
	// buffered says the pipeline has a buffer step, the first at firstBuffer: runs past it may be
	// followers of a firing, and a run's last write may end a firing.
	buffered    bool
	firstBuffer int
}

// NewExecutor returns an executor for cfg; Start sets it going.
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
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.CommitPartSize <= 0 {
		cfg.CommitPartSize = DefaultCommitPartSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	x := &Executor{
		cfg: cfg, queue: newRunQueue(), ctx: ctx, cancel: cancel, stopping: make(chan struct{}),
		compute: newGate(cfg.Workers), slots: make(chan struct{}, cfg.MaxInFlight),
		active: make(map[string]bool),
	}
	x.sched = newScheduler(x)
	for i := range cfg.Pipeline.Len() {
		if _, ok := cfg.Pipeline.Buffer(i); ok {
			x.buffered, x.firstBuffer = true, i
			break
		}
	}
	return x
}

// Start launches the dispatcher, and the scheduler of the file's buffers, which fires at once those
// whose trigger came due while no engine had the file open.
func (x *Executor) Start() error {
	x.running.Add(1)
	go x.dispatch()
	return x.sched.start()
}

// Enqueue hands runs to the executor. It never blocks. A run already in flight is not taken twice.
func (x *Executor) Enqueue(ids ...string) { x.queue.push(ids...) }

// Stop takes no new run and begins no new stage, and waits for the stages under way to finish until
// ctx ends; then it cancels them (a large commit stops between two parts). Runs left unfinished stay
// in the file and resume at the next Open from their last checkpoint.
func (x *Executor) Stop(ctx context.Context) error {
	x.stopOnce.Do(func() { close(x.stopping) })
	done := make(chan struct{})
	go func() {
		x.running.Wait()
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

// dispatch gives each queued run a goroutine, waiting for a slot when MaxInFlight runs are moving.
func (x *Executor) dispatch() {
	defer x.running.Done()
	for {
		id, ok := x.queue.pop(x.stopping)
		if !ok {
			return
		}
		select {
		case x.slots <- struct{}{}:
		case <-x.stopping:
			return // the run stays pending in the file
		}
		x.mu.Lock()
		if x.active[id] {
			x.mu.Unlock()
			<-x.slots
			continue
		}
		x.active[id] = true
		x.mu.Unlock()
		x.running.Add(1)
		go x.drive(id)
	}
}

func (x *Executor) drive(id string) {
	defer func() {
		x.mu.Lock()
		delete(x.active, id)
		x.mu.Unlock()
		<-x.slots
		x.running.Done()
	}()
	x.newDriver(id).run()
}

// newDriver returns a driver for run id, ranked after every driver made before it.
func (x *Executor) newDriver(id string) *driver {
	return &driver{x: x, id: id, rank: x.ranks.Add(1)}
}

// computing runs fn holding one of the Workers slots, which go to the oldest drivers first (see
// gate). It returns ctx's error, without running fn, if the executor is cancelled while waiting.
func (d *driver) computing(fn func()) error {
	if err := d.x.compute.acquire(d.x.ctx, d.rank); err != nil {
		return err
	}
	defer d.x.compute.release()
	fn()
	return nil
}

// pause waits wait on the executor's clock, from inside computing: the compute slot is given back
// for the wait, so that a step waiting to retry does not keep other runs from computing, and taken
// again before it returns, whatever ctx says (computing gives it back).
func (d *driver) pause(ctx context.Context, wait time.Duration) error {
	x := d.x
	x.compute.release()
	defer x.compute.acquire(context.Background(), d.rank)
	select {
	case <-x.cfg.Clock.After(wait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
