package pipeline

import "sync"

// runQueue is the executor's FIFO of run IDs waiting for a worker. It is unbounded, so enqueueing
// never blocks an Add; it holds IDs only.
type runQueue struct {
	mu    sync.Mutex // guards ids
	ids   []string
	ready chan struct{} // capacity 1: a token while ids may be non-empty
}

func newRunQueue() *runQueue { return &runQueue{ready: make(chan struct{}, 1)} }

func (q *runQueue) push(ids ...string) {
	q.mu.Lock()
	q.ids = append(q.ids, ids...)
	q.mu.Unlock()
	q.signal()
}

func (q *runQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop returns the oldest ID, waiting for one until stop is closed.
func (q *runQueue) pop(stop <-chan struct{}) (string, bool) {
	for {
		select {
		case <-stop:
			return "", false
		default:
		}
		q.mu.Lock()
		if len(q.ids) > 0 {
			id := q.ids[0]
			q.ids[0] = ""
			q.ids = q.ids[1:]
			more := len(q.ids) > 0
			q.mu.Unlock()
			if more {
				q.signal() // pass the token on to another idle worker
			}
			return id, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-stop:
			return "", false
		}
	}
}
