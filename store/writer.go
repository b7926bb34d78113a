package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	bolt "go.etcd.io/bbolt"
	bolterrs "go.etcd.io/bbolt/errors"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// writeOp is one caller's write, waiting for the writer.
type writeOp struct {
	fn      func(*Tx) error
	err     error
	changed []status.Run // runs fn changed; published once the transaction commits
	done    chan struct{}
}

// writer owns every write transaction. It takes each waiting op, groups it with whatever else is
// waiting (up to MaxBatch), runs them all in one transaction and commits once. If any op fails, the
// group is rolled back and each op is run again in a transaction of its own, so that one caller's
// error neither loses nor half-writes another's work.
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
func (w *writer) do(fn func(*Tx) error) error {
	if w == nil {
		return errs.ReadOnly
	}
	op := &writeOp{fn: fn, done: make(chan struct{})}
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
	for op := range w.ops {
		batch = append(batch[:0], op)
	gather:
		for len(batch) < cap(batch) {
			select {
			case more, ok := <-w.ops:
				if !ok {
					break gather
				}
				batch = append(batch, more)
			default:
				break gather
			}
		}
		w.commit(batch)
	}
}

var errGroupFailed = errors.New("an op in the group failed")

func (w *writer) commit(batch []*writeOp) {
	err := w.update(func(tx *bolt.Tx) error {
		for _, op := range batch {
			op.changed = op.changed[:0]
			if op.err = op.fn(&Tx{tx: tx, op: op}); op.err != nil {
				return errGroupFailed
			}
		}
		return nil
	})
	switch {
	case err == nil:
		for _, op := range batch {
			w.finish(op)
		}
	case len(batch) == 1:
		if !errors.Is(err, errGroupFailed) {
			batch[0].err = err // the commit itself failed
		}
		w.finish(batch[0])
	default:
		// Run each op alone: those that succeed commit, the one that failed reports its own error.
		for _, op := range batch {
			op.changed = op.changed[:0]
			op.err = w.update(func(tx *bolt.Tx) error { return op.fn(&Tx{tx: tx, op: op}) })
			w.finish(op)
		}
	}
}

// finish publishes what a committed op changed and releases its caller.
func (w *writer) finish(op *writeOp) {
	if op.err == nil {
		for _, r := range op.changed {
			w.s.opts.OnRunChange(r)
		}
	}
	close(op.done)
}

// update runs fn in a write transaction, turning a bbolt panic into ErrCorrupt.
func (w *writer) update(fn func(*bolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: bbolt panicked: %v", errs.Corrupt, r)
		}
	}()
	err = w.s.db.Update(fn)
	if errors.Is(err, bolterrs.ErrDatabaseNotOpen) {
		return errs.Closed
	}
	return err
}

// Tx is a write transaction handed to the functions given to Store.Update.
type Tx struct {
	tx *bolt.Tx
	op *writeOp
}
