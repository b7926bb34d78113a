package store

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrs "go.etcd.io/bbolt/errors"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// StorageError is a write that failed for want of working storage: the disk is full, the file may
// not grow (RLIMIT_FSIZE), an I/O error. Nothing of the transaction was written, and the same write
// may well succeed later; it says nothing about the data being written.
type StorageError struct{ Err error }

func (e *StorageError) Error() string { return errs.Storage.Error() + ": " + e.Err.Error() }

// Unwrap returns ErrStorage and the error the write failed with.
func (e *StorageError) Unwrap() []error { return []error{errs.Storage, e.Err} }

// IsStorage reports whether err is, or wraps, a StorageError.
func IsStorage(err error) bool { return errors.Is(err, errs.Storage) }

// writeOp is one caller's write, waiting for the writer.
type writeOp struct {
	s       *Store
	fn      func(*Tx) error
	err     error
	changed []status.Run // runs fn changed in status; published once the transaction commits
	removed []string     // IDs of the runs fn removed (a purge); published once it commits
	touched [][16]byte   // memories fn changed, for the search index (see Store.refreshIndex)
	done    chan struct{}
	urgent  bool // a caller's add: run even in a transaction past its bounds (see writer.commit)
}

// writer owns every write transaction. It takes each waiting op, groups it with whatever else is
// waiting (up to MaxBatch), runs them in one transaction and commits once (group commit). Once the
// ops run have changed MaxTxMemories memories or taken MaxTxTime, the transaction takes only the
// adds left in the group, which are small, and the rest goes first in the next: a group of large
// writes (256 runs in flight, each committing a part of 256 facts or storing a large extraction)
// would otherwise hold the writer, and every caller waiting for it, for seconds.
//
// If an op's function fails, the transaction is rolled back and run again without that op, whose
// error stands; so one caller's error neither loses nor half-writes another's work, and a group
// with k failing ops costs k+1 attempts, not one transaction per op. If the commit itself fails
// (a StorageError), every op of the group gets that error: the callers decide whether to retry.
type writer struct {
	s       *Store
	ops     chan *writeOp
	mu      sync.RWMutex // guards closed; read-held while a send on ops is in flight
	closed  bool
	stopped chan struct{} // closed when the loop has drained ops and returned
}

func startWriter(s *Store) *writer {
	w := &writer{s: s, ops: make(chan *writeOp, s.opts.MaxBatch), stopped: make(chan struct{})}
	go w.loop()
	return w
}

// do runs fn in a write transaction and returns once that transaction has committed (or failed).
// fn may be run more than once (see writer) and must not have side effects outside the transaction.
func (w *writer) do(fn func(*Tx) error) error { return w.submit(fn, false) }

// doUrgent is do for a write that changes no memory and that a caller waits on, such as an add: it
// goes in the next transaction even when the memories the others change fill it (see commit).
func (w *writer) doUrgent(fn func(*Tx) error) error { return w.submit(fn, true) }

func (w *writer) submit(fn func(*Tx) error, urgent bool) error {
	if w == nil {
		return errs.ReadOnly
	}
	op := &writeOp{s: w.s, fn: fn, done: make(chan struct{}), urgent: urgent}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errs.Closed
	}
	w.ops <- op
	w.mu.RUnlock()
	<-op.done
	return op.err
}

// stop refuses new ops, lets the loop commit those already handed in, and waits for it.
func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.stopped
}

func (w *writer) loop() {
	defer close(w.stopped)
	debug.SetPanicOnFault(true) // this goroutine only touches bbolt: see recoverCorrupt
	batch := make([]*writeOp, 0, w.s.opts.MaxBatch)
	var carried []*writeOp // ops of the last group left to this one (see commit)
	for {
		batch = append(batch[:0], carried...)
		if len(batch) == 0 {
			op, ok := <-w.ops
			if !ok {
				return
			}
			batch = append(batch, op)
		}
		// Take everything waiting. While more keeps arriving (the callers the last commit released
		// are sending their next writes), yield and take again: a few microseconds here save a
		// commit, with its fsyncs and its rewritten pages, later.
		for yields := 0; len(batch) < cap(batch) && yields < 3; yields++ {
			n := len(batch)
			batch = w.drain(batch)
			if len(batch) == n && yields > 0 {
				break
			}
			runtime.Gosched()
		}
		batch = w.drain(batch)
		carried = append(carried[:0], w.commit(batch)...)
	}
}

// drain appends to batch the ops waiting, up to its capacity, without blocking.
func (w *writer) drain(batch []*writeOp) []*writeOp {
	for len(batch) < cap(batch) {
		select {
		case more, ok := <-w.ops:
			if !ok {
				return batch
			}
			batch = append(batch, more)
		default:
			return batch
		}
	}
	return batch
}

var errOpFailed = errors.New("an op in the group failed")

// commit runs the ops of batch in one transaction, dropping those whose function fails and running
// the rest again, until the transaction commits or fails, and releases every op's caller. An op that
// rejects itself before writing anything (Reject) fails alone, without costing the others a rerun.
// Once the ops run have changed MaxTxMemories memories or taken MaxTxTime, the transaction runs
// only the urgent ops that follow (adds, which are small); commit returns the others, unrun, for the
// next.
func (w *writer) commit(batch []*writeOp) (rest []*writeOp) {
	live := batch
	for len(live) > 0 {
		var failed *writeOp
		ran, left := live, []*writeOp(nil) // what the transaction runs, and leaves to the next
		err := w.update(func(tx *bolt.Tx) error {
			ran, left = nil, nil
			changed, began, full := 0, time.Now(), false
			for _, op := range live {
				if full && !op.urgent {
					left = append(left, op)
					continue
				}
				ran = append(ran, op)
				op.changed, op.touched = op.changed[:0], op.touched[:0]
				op.err = runOp(op, tx)
				var rj *rejection
				if errors.As(op.err, &rj) {
					op.err, op.changed, op.touched = rj.err, op.changed[:0], op.touched[:0]
					continue
				}
				if op.err != nil {
					failed = op
					return errOpFailed
				}
				changed += len(op.touched)
				full = full || changed >= w.s.opts.MaxTxMemories || time.Since(began) >= w.s.opts.MaxTxTime
			}
			return nil
		})
		switch {
		case err == nil:
			w.s.refreshIndex(ran)
			for _, op := range ran {
				w.finish(op)
			}
			return left
		case failed != nil:
			// Release the op that failed with its own error; run the others again without it (those
			// that rejected themselves too: the failed op's writes, which may have moved them to
			// reject, are gone).
			w.finish(failed)
			kept := live[:0]
			for _, op := range live {
				if op != failed {
					op.err = nil
					kept = append(kept, op)
				}
			}
			live = kept
		default:
			for _, op := range ran {
				if op.err == nil {
					op.err = err
				}
				w.finish(op)
			}
			return left
		}
	}
	return nil
}

// rejection is an op's error returned before the op wrote anything (see Reject).
type rejection struct{ err error }

func (r *rejection) Error() string { return r.err.Error() }
func (r *rejection) Unwrap() error { return r.err }

// Reject marks err, returned by a write's function before it wrote anything, so that the writer
// fails that write alone and commits the others of its transaction as they are, instead of rolling
// back and running them again.
func Reject(err error) error {
	if err == nil {
		return nil
	}
	return &rejection{err}
}

// runOp runs one op's function. A panic (bbolt's, on a damaged page; or a bug) fails that op alone,
// with ErrCorrupt.
func runOp(op *writeOp, tx *bolt.Tx) (err error) {
	defer recoverCorrupt(&err)
	return op.fn(&Tx{tx: tx, op: op, s: op.s})
}

// finish publishes what a committed op changed and releases its caller.
func (w *writer) finish(op *writeOp) {
	if op.err == nil {
		for _, r := range op.changed {
			w.s.opts.OnRunChange(r)
		}
		for _, id := range op.removed {
			w.s.opts.OnRunRemoved(id)
		}
	}
	op.changed, op.removed, op.touched = nil, nil, nil
	close(op.done)
}

// update runs fn in a write transaction (fn recovers the ops' panics itself, see runOp); a failure to
// begin or commit becomes a StorageError.
func (w *writer) update(fn func(*bolt.Tx) error) (err error) {
	tx, err := w.s.db.Begin(true)
	if err != nil {
		if errors.Is(err, bolterrs.ErrDatabaseNotOpen) {
			return errs.Closed
		}
		return &StorageError{err}
	}
	for _, name := range appendBuckets {
		if b := tx.Bucket(name); b != nil {
			b.FillPercent = appendFill
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if w.s.opts.FailCommit != nil {
		if err := w.s.opts.FailCommit(); err != nil {
			tx.Rollback()
			return &StorageError{err}
		}
	}
	return commitTx(tx)
}

// commitTx commits tx. bbolt can panic while it spills a damaged page: that rolls back and becomes
// ErrCorrupt, so that the writer and the file lock survive.
func commitTx(tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			func() {
				defer func() { recover() }()
				tx.Rollback()
			}()
			err = fmt.Errorf("%w: bbolt panicked while committing: %v", errs.Corrupt, r)
		}
	}()
	if err := tx.Commit(); err != nil {
		return &StorageError{err}
	}
	return nil
}

// appendBuckets are the buckets whose keys grow in time order (UUIDv7 run IDs, time-ordered memory
// IDs, sequence numbers within a scope): new keys land at the end of a page, which therefore need not
// be split half-empty, as bbolt does by default for keys that land anywhere. Filling them to
// appendFill makes fewer pages to write at each commit, and a smaller file. (The vectors, keyed by
// memory ID, fill their pages to 70% this way rather than 52%: 25% fewer leaves for the conversations
// benchmark's 9,000 vectors. The history, keyed alike, is left out: filled so, it raised the heap
// while the 50 MB file is ingested from 60-61 to 64-65 MiB, over issue 9's bound.)
var appendBuckets = [][]byte{bucketRuns, bucketRunStatus, bucketRunOps, bucketInputs, bucketAttrs,
	bucketCheckpoints, bucketMemories, bucketMemScope, bucketVectors}

const appendFill = 0.9

// Tx is a write transaction handed to the functions given to the writer.
type Tx struct {
	s       *Store
	tx      *bolt.Tx
	op      *writeOp
	spilled map[string]int           // run key -> parts of operations spilled, for runs updated in this op
	via     map[string]status.Status // run ID -> the status a write passes through (see Via)
}
