package mnemo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/internal/ids"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// Defaults for Options.
const (
	// DefaultLockTimeout is how long Open waits for another process to release the file.
	DefaultLockTimeout = time.Second
	// DefaultShutdownTimeout is how long Close lets running steps finish.
	DefaultShutdownTimeout = 5 * time.Second
)

// Options configures an engine. A nil *Options, and the zero value of each field, mean the defaults:
//
//	Workers          runtime.GOMAXPROCS(0)
//	MaxInFlight      pipeline.DefaultMaxInFlight (256)
//	CommitPartSize   pipeline.DefaultCommitPartSize (256)
//	Pipeline         pipeline.Default(): extract -> transform -> commit
//	Extractor        rules.Extractor{}: offline and deterministic
//	Summarizer       rules.Summarizer{}: offline and deterministic
//	Reconciler       rules.Reconciler{}: offline and deterministic
//	Embedder         embedding.Default(): GloVe word vectors, offline, shipped in the binary
//	Clock            the wall clock
//	Logger           discards
//	LockTimeout      DefaultLockTimeout (1 s)
//	ShutdownTimeout  DefaultShutdownTimeout (5 s)
//	MaxAttempts      pipeline.DefaultMaxAttempts (3)
//	RetryBackoff     pipeline.DefaultBackoff (200 ms, doubling)
type Options struct {
	// Workers is how many pipeline steps compute at once: extractions (calls of the Extractor) and
	// transforms. Raise it for an extractor that waits on the network rather than the CPU. A step
	// that waits for a slot is served before the steps of runs taken after its own, so a run that has
	// begun goes on to its commit before later runs begin.
	Workers int
	// MaxInFlight is how many runs move through the pipeline at once. A run spends most of its time
	// waiting for the file's writer, where many runs share each commit, so this is not tied to the
	// number of cores; the runs beyond it wait in a queue of IDs.
	MaxInFlight int
	// CommitPartSize is the most memories a run commits in one transaction (several runs' parts
	// may share one). A run with more facts commits in parts of this size, each in a transaction of
	// its own, so that one large input never holds the writer for long; the run is completed only
	// after its last part (see the README on what readers may see meanwhile).
	CommitPartSize int
	// Pipeline is the steps every add goes through.
	Pipeline *pipeline.Pipeline
	// Extractor turns text and conversations into candidate facts.
	Extractor Extractor
	// Summarizer makes the summaries of the pipeline's Summarize steps.
	Summarizer Summarizer
	// Reconciler decides, in the transform step, what each new fact does to the memories its scope
	// holds: add it, nothing (known), update one in place, or supersede one.
	Reconciler Reconciler
	// Embedder gives memories and queries their vectors, for vector and hybrid search. Its Name and
	// Dims are recorded in the file: Open refuses a file whose vectors another embedder made, unless
	// Reindex is set.
	Embedder Embedder
	// Reindex makes Open re-embed every memory with Embedder before it returns (in bounded
	// transactions; a reindex cut short is run again by the next Open with Reindex), and record
	// Embedder as the file's. ReindexProgress, if set, is called as it goes.
	Reindex         bool
	ReindexProgress func(done, total int)
	// Clock supplies every timestamp and times every backoff; tests pass a clock.Fake.
	Clock Clock
	// Random is the source of the random bits of run and batch IDs (version-7 UUIDs whose time is
	// Clock's); crypto/rand when nil. With a seeded source and a clock.Fake, a program gets the same
	// IDs every time it runs (package mnemotest does this). It need not be safe for concurrent use.
	Random io.Reader
	// Logger receives diagnostics: retries (Warn), failed runs, panicking steps and damaged records
	// (Error), resumed runs (Info).
	Logger *slog.Logger
	// LockTimeout bounds the wait for a file another process holds; then Open returns ErrLocked.
	LockTimeout time.Duration
	// ShutdownTimeout bounds how long Close lets running steps finish before cancelling them.
	ShutdownTimeout time.Duration
	// MaxAttempts bounds the tries of a step that fails with a transient error.
	MaxAttempts int
	// RetryBackoff is the wait before the second try of a failing step; it doubles after each
	// further failure. It is also the first wait before a write that failed for want of storage
	// (a full disk, say) is tried again; those waits double up to pipeline.MaxStorageBackoff, and
	// are tried for as long as the engine is open: a storage error never fails a run.
	RetryBackoff time.Duration
	// ReadOnly opens an existing file for reading only, under a shared lock that other read-only
	// engines (and processes) share: a missing file is ErrNotFound, nothing is created, no run is
	// resumed, and Add and Delete return ErrReadOnly. Inspection tools and the CLI's read commands
	// use it so that a mistyped path is an error and a pending run is left for its owner.
	ReadOnly bool
}

// Engine is an open mnemo file with its workers. Its methods are safe for concurrent use.
type Engine struct {
	// Memories adds, reads, lists and deletes memories.
	Memories *MemoryService
	// Runs looks up, waits for and watches runs.
	Runs *RunService
	// Buffers lists and flushes the buffers of the pipeline's buffer steps.
	Buffers *BufferService
	// Batches looks up and waits for batches of adds (see MemoryService.AddBatch).
	Batches *BatchService

	opts       Options
	store      *store.Store
	vectorsErr error // why vector search cannot run on a read-only engine (see checkEmbedder)
	hub        *status.Hub
	exec       *pipeline.Executor
	ids        *ids.Generator
	closed     atomic.Bool

	closeOnce sync.Once
	closeErr  error
}

// Open opens the mnemo file at path, creating it (mode 0600) if it does not exist, and starts the
// workers. Runs that a previous process left queued or running resume at once, from the step after
// their last finished one; one whose record is damaged ends failed, saying so. A file written by an
// older mnemo is migrated to this version's layout first.
//
// It returns an error wrapping ErrLocked if another process holds the file past LockTimeout,
// ErrCorrupt if the file is not a readable mnemo file (damaged, truncated, another program's),
// ErrVersion if a newer mnemo wrote it, ErrNotFound for a missing file with ReadOnly, and
// ErrInvalidInput for bad options. When Open fails, the file is released.
func Open(path string, opts *Options) (*Engine, error) {
	o, err := resolveOptions(opts)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, invalid("path", "empty")
	}
	hub := status.NewHub()
	st, err := store.Open(path, store.Options{
		LockTimeout: o.LockTimeout, OnRunChange: hub.Publish, OnRunRemoved: hub.Remove, ReadOnly: o.ReadOnly, Logger: o.Logger,
		Terms: pipeline.IndexTerms(o.Reconciler), Embedder: embedderInfo(o.Embedder),
	})
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: o, store: st, hub: hub, ids: ids.New(o.Clock.Now, o.Random)}
	if err := e.checkEmbedder(); err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	e.exec = pipeline.NewExecutor(pipeline.Config{
		Store: st, Pipeline: o.Pipeline, Extractor: o.Extractor, Summarizer: o.Summarizer, Reconciler: o.Reconciler,
		Embedder: o.Embedder,
		Clock:    o.Clock, Logger: o.Logger,
		Workers: o.Workers, MaxInFlight: o.MaxInFlight, CommitPartSize: o.CommitPartSize,
		MaxAttempts: o.MaxAttempts, Backoff: o.RetryBackoff,
	})
	e.Memories = &MemoryService{e: e}
	e.Runs = &RunService{e: e}
	e.Buffers = &BufferService{e: e}
	e.Batches = &BatchService{e: e}
	if o.ReadOnly {
		return e, nil
	}
	pending, err := st.PendingRuns()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: find unfinished runs: %w", path, err)
	}
	if len(pending) > 0 {
		o.Logger.Info("mnemo: resuming runs", "count", len(pending))
		// Runs a dead process left running go back to queued, as the state machine draws. If that
		// cannot be written (a full disk), the workers take them as they are: it is only a label.
		if err := st.Requeue(pending, e.now()); err != nil {
			o.Logger.Warn("mnemo: could not mark interrupted runs queued; resuming them anyway", "err", err)
		}
	}
	if purges, err := st.Purges(); err == nil && len(purges) > 0 {
		go e.resumePurges(purges)
	}
	if err := e.exec.Start(); err != nil {
		// The buffers could not be read: the runs parked in them stay parked; the rest works.
		o.Logger.Error("mnemo: buffers not scheduled", "err", err)
	}
	e.exec.Enqueue(pending...)
	return e, nil
}

func resolveOptions(opts *Options) (Options, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Workers < 0:
		return o, invalid("Options.Workers", "%d is negative", o.Workers)
	case o.MaxInFlight < 0:
		return o, invalid("Options.MaxInFlight", "%d is negative", o.MaxInFlight)
	case o.CommitPartSize < 0:
		return o, invalid("Options.CommitPartSize", "%d is negative", o.CommitPartSize)
	case o.LockTimeout < 0:
		return o, invalid("Options.LockTimeout", "%v is negative", o.LockTimeout)
	case o.ShutdownTimeout < 0:
		return o, invalid("Options.ShutdownTimeout", "%v is negative", o.ShutdownTimeout)
	case o.MaxAttempts < 0:
		return o, invalid("Options.MaxAttempts", "%d is negative", o.MaxAttempts)
	case o.RetryBackoff < 0:
		return o, invalid("Options.RetryBackoff", "%v is negative", o.RetryBackoff)
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Pipeline == nil {
		o.Pipeline = pipeline.Default()
	}
	if err := o.Pipeline.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return o, invalid("Options.Pipeline."+fe.Field, "%s", fe.Reason)
		}
		return o, fmt.Errorf("Options.Pipeline: %w", err)
	}
	if o.Extractor == nil {
		o.Extractor = rules.Extractor{}
	}
	if o.Summarizer == nil {
		o.Summarizer = rules.Summarizer{}
	}
	if o.Reconciler == nil {
		o.Reconciler = rules.Reconciler{}
	}
	if o.Embedder == nil {
		o.Embedder = defaultEmbedder()
	}
	if o.Embedder != nil {
		if o.Embedder.Name() == "" {
			return o, invalid("Options.Embedder", "its Name is empty")
		}
		if d := o.Embedder.Dims(); d < 1 || d > MaxEmbedderDims {
			return o, invalid("Options.Embedder", "%d dimensions are outside 1..%d", d, MaxEmbedderDims)
		}
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	return o, nil
}

// resumePurges finishes, in the background, the PurgeUser calls a previous process did not finish.
// Close interrupts it; the next Open resumes it again.
func (e *Engine) resumePurges(scopes []store.Scope) {
	for _, sc := range scopes {
		e.opts.Logger.Info("mnemo: resuming an interrupted purge", "group", sc.Group, "user", sc.UserID)
		rep, err := e.store.PurgeUser(sc.Group, sc.UserID)
		switch {
		case err == nil:
			e.opts.Logger.Info("mnemo: purge finished", "group", sc.Group, "user", sc.UserID, "runs", rep.Runs, "memories", rep.Memories)
		case !errors.Is(err, ErrClosed):
			e.opts.Logger.Error("mnemo: purge failed; the next Open tries again", "group", sc.Group, "user", sc.UserID, "err", err)
		}
	}
}

// Close stops taking work, lets the steps under way finish within Options.ShutdownTimeout, wakes
// every Wait and Watch, and closes the file. Runs not finished stay in the file and resume at the
// next Open. Calls after Close return ErrClosed; Close itself may be called more than once.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.closed.Store(true)
		ctx, cancel := context.WithTimeout(context.Background(), e.opts.ShutdownTimeout)
		if err := e.exec.Stop(ctx); err != nil {
			e.opts.Logger.Warn("mnemo: close: steps still running at the deadline were cancelled; their runs resume at the next Open")
		}
		cancel()
		e.hub.Close()
		e.closeErr = e.store.Close()
	})
	return e.closeErr
}

// Path returns the path of the engine's file.
func (e *Engine) Path() string { return e.store.Path() }

// beginWrite is the gate of every public call that writes: begin, and an engine that may write.
func (e *Engine) beginWrite(ctx context.Context) error {
	if err := e.begin(ctx); err != nil {
		return err
	}
	if e.opts.ReadOnly {
		return ErrReadOnly
	}
	return nil
}

// begin is the gate of every public call: a usable context and an open engine.
func (e *Engine) begin(ctx context.Context) error {
	if err := checkContext(ctx); err != nil {
		return err
	}
	if e.closed.Load() {
		return ErrClosed
	}
	return nil
}

func (e *Engine) now() time.Time { return e.opts.Clock.Now().UTC().Round(0) }
