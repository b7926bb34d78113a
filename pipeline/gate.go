package pipeline

import (
	"container/heap"
	"context"
	"sync"
)

// gate hands out the Workers compute slots, oldest run first: a slot that comes free goes to the
// waiter with the lowest rank (the order in which the executor took the runs), not to the one that
// asked first.
//
// A run takes a slot several times on its way (extract, transform, reconcile, prepare, embed), and
// every run in flight queues for each. Handed out in order of asking, the slots would move all the
// runs in flight a stage at a time, together: the first run would reach the writer only after every
// other had been extracted and transformed, leaving the writer idle while the pipeline fills, and
// then all would reach it at once. Oldest first, a run that has begun goes on to its write before
// later runs begin, so that writes flow from the first run on, and a run's latency does not grow
// with the number of runs in flight.
type gate struct {
	mu      sync.Mutex
	free    int
	waiting waiters
}

func newGate(slots int) *gate { return &gate{free: slots} }

// waiter is a goroutine waiting for a slot: ready is closed when the slot is its.
type waiter struct {
	rank  uint64
	ready chan struct{}
	index int // in gate.waiting; -1 once taken out
}

// acquire waits for a slot for a goroutine of the given rank, or until ctx ends, and then returns
// ctx's error without a slot.
func (g *gate) acquire(ctx context.Context, rank uint64) error {
	g.mu.Lock()
	if g.free > 0 && len(g.waiting) == 0 {
		g.free--
		g.mu.Unlock()
		return nil
	}
	w := &waiter{rank: rank, ready: make(chan struct{})}
	heap.Push(&g.waiting, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.abandon(w)
		return ctx.Err()
	}
}

// abandon takes w, whose context ended, out of the queue; if the slot was handed to it meanwhile,
// it passes the slot on.
func (g *gate) abandon(w *waiter) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.index < 0 {
		g.releaseLocked()
		return
	}
	heap.Remove(&g.waiting, w.index)
}

// release gives a slot back, to the waiter of lowest rank if there is one.
func (g *gate) release() {
	g.mu.Lock()
	g.releaseLocked()
	g.mu.Unlock()
}

func (g *gate) releaseLocked() {
	if len(g.waiting) == 0 {
		g.free++
		return
	}
	w := heap.Pop(&g.waiting).(*waiter)
	close(w.ready)
}

// waiters is a min-heap of waiters by rank (container/heap).
type waiters []*waiter

func (h waiters) Len() int           { return len(h) }
func (h waiters) Less(i, j int) bool { return h[i].rank < h[j].rank }
func (h waiters) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waiters) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.index = -1
	return w
}
