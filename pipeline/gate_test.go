package pipeline

import (
	"container/heap"
	"context"
	"testing"
)

// waitFor starts a goroutine acquiring g at rank and returns a channel that receives the rank once
// the slot is its (or -1 if acquire failed), and one closed once it is queued.
func waitFor(t *testing.T, g *gate, ctx context.Context, rank uint64) chan int64 {
	t.Helper()
	got := make(chan int64, 1)
	before := queued(g)
	go func() {
		if err := g.acquire(ctx, rank); err != nil {
			got <- -1
			return
		}
		got <- int64(rank)
	}()
	for queued(g) == before { // the goroutine has joined the queue
		select {
		case r := <-got:
			t.Fatalf("rank %d took a slot at once (%d): none was free", rank, r)
		default:
		}
	}
	return got
}

func queued(g *gate) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting)
}

func TestGateServesLowestRankFirst(t *testing.T) {
	g := newGate(2)
	ctx := context.Background()
	for range 2 {
		if err := g.acquire(ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	// Ask in the order 5, 3, 9, 1: the slots must go 1, 3, 5, 9.
	waits := map[uint64]chan int64{}
	for _, rank := range []uint64{5, 3, 9, 1} {
		waits[rank] = waitFor(t, g, ctx, rank)
	}
	for _, want := range []uint64{1, 3, 5, 9} {
		g.release()
		if got := <-waits[want]; got != int64(want) {
			t.Fatalf("slot went to %d, want %d", got, want)
		}
		for rank, ch := range waits {
			if rank > want && len(ch) > 0 {
				t.Fatalf("rank %d was served before %d released its turn", rank, want)
			}
		}
	}
	if queued(g) != 0 {
		t.Fatalf("%d still queued", queued(g))
	}
	// The four served hold the two slots in turn, the last two now: give those back and the gate
	// has its two free slots again.
	for range 2 {
		g.release()
	}
	if g.free != 2 {
		t.Fatalf("free = %d after every slot came back, want 2", g.free)
	}
}

func TestGateCancelledWaiterLeavesQueue(t *testing.T) {
	g := newGate(1)
	if err := g.acquire(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := waitFor(t, g, ctx, 2)
	next := waitFor(t, g, context.Background(), 3)
	cancel()
	if got := <-cancelled; got != -1 {
		t.Fatalf("cancelled waiter got the slot (%d)", got)
	}
	g.release() // must go to rank 3, the cancelled rank 2 having left
	if got := <-next; got != 3 {
		t.Fatalf("slot went to %d, want 3", got)
	}
	g.release()
	if g.free != 1 || queued(g) != 0 {
		t.Fatalf("free %d, queued %d: want 1, 0", g.free, queued(g))
	}
}

func TestGateAbandonedSlotPassesOn(t *testing.T) {
	g := newGate(1)
	ctx := context.Background()
	if err := g.acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// A waiter whose context ends just as the slot is handed to it: abandon must pass the slot on
	// to the next waiter, not keep it.
	w := &waiter{rank: 2, ready: make(chan struct{})}
	g.mu.Lock()
	heap.Push(&g.waiting, w)
	g.mu.Unlock()
	next := waitFor(t, g, ctx, 3)
	g.release() // to w, the lowest rank
	select {
	case <-w.ready:
	default:
		t.Fatal("the slot did not go to rank 2")
	}
	g.abandon(w)
	if got := <-next; got != 3 {
		t.Fatalf("slot went to %d, want 3", got)
	}
	g.release()
	if g.free != 1 || queued(g) != 0 {
		t.Fatalf("free %d, queued %d: want 1, 0", g.free, queued(g))
	}
}
