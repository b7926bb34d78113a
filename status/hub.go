package status

import (
	"context"
	"sync"
)

// Hub delivers run changes to the goroutines waiting on or watching a run. The store publishes every
// committed change; Wait and Watch subscribe before they read the run, so no change slips between the
// read and the wait, and nothing polls. Publish never blocks: each subscription queues what it has not
// yet taken.
type Hub struct {
	mu     sync.Mutex // guards subs and closed
	subs   map[string]map[*subscription]struct{}
	closed bool
	done   chan struct{} // closed by Close
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: make(map[string]map[*subscription]struct{}), done: make(chan struct{})}
}

// subscription queues the changes of one run for one waiter.
type subscription struct {
	hub   *Hub
	id    string
	mu    sync.Mutex // guards queue
	queue []Run
	gone  bool          // the run was removed
	ready chan struct{} // capacity 1: signalled when queue gains a run, or the run goes
}

// Publish hands a committed change of a run to every subscriber of that run. r becomes the hub's:
// one subscriber gets it and the others copies (the run of a large file lists hundreds of thousands
// of operations), so the caller must keep no reference to its maps and slices.
func (h *Hub) Publish(r Run) {
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.subs[r.ID]
	i := 0
	for s := range subs {
		if i++; i < len(subs) {
			s.push(r.Clone())
		} else {
			s.push(r)
		}
	}
}

// Remove tells the subscribers of run id that it was removed: waiters return ErrRemoved, watchers'
// channels close. Changes published before it are delivered first.
func (h *Hub) Remove(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[id] {
		s.mu.Lock()
		s.gone = true
		s.mu.Unlock()
		select {
		case s.ready <- struct{}{}:
		default:
		}
	}
}

// Close wakes every waiter and watcher with ErrClosed and refuses new subscriptions.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

func (h *Hub) subscribe(id string) (*subscription, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errHubClosed
	}
	s := &subscription{hub: h, id: id, ready: make(chan struct{}, 1)}
	if h.subs[id] == nil {
		h.subs[id] = make(map[*subscription]struct{})
	}
	h.subs[id][s] = struct{}{}
	return s, nil
}

func (s *subscription) push(r Run) {
	s.mu.Lock()
	s.queue = append(s.queue, r)
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// take returns the changes queued since the last take, and whether the run was removed.
func (s *subscription) take() ([]Run, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q, s.gone
}

func (s *subscription) close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[s.id], s)
	if len(h.subs[s.id]) == 0 {
		delete(h.subs, s.id)
	}
}

// Getter reads the stored state of a run.
type Getter func(ctx context.Context, id string) (Run, error)

// WaitFor blocks until run id reaches one of the statuses in want (or, when want is empty, a terminal
// status), ctx ends, or the hub closes. It returns the run as it was at that moment. A run already in a
// wanted status returns at once. A run that ends in a terminal status not in want returns that run
// with ErrUnreachable, since it can never move again.
func (h *Hub) WaitFor(ctx context.Context, id string, get Getter, want ...Status) (Run, error) {
	matches := func(s Status) bool {
		if len(want) == 0 {
			return s.Terminal()
		}
		for _, w := range want {
			if s == w {
				return true
			}
		}
		return false
	}
	sub, err := h.subscribe(id)
	if err != nil {
		return Run{}, err
	}
	defer sub.close()
	r, err := get(ctx, id)
	if err != nil {
		return Run{}, err
	}
	for {
		switch {
		case matches(r.Status):
			return r, nil
		case r.Status.Terminal():
			return r, ErrUnreachable
		}
		select {
		case <-sub.ready:
			changes, gone := sub.take()
			for _, u := range changes {
				if newer(u, r) {
					r = u
				}
				if matches(r.Status) || r.Status.Terminal() {
					break
				}
			}
			if gone && !matches(r.Status) && !r.Status.Terminal() {
				return r, ErrRemoved
			}
		case <-h.done:
			return r, errHubClosed
		case <-ctx.Done():
			return r, ctx.Err()
		}
	}
}

// Watch returns a channel that receives run id as it is now, then again at every status change, and
// is closed after a terminal status, when the run is removed, when ctx ends, or when the hub closes.
// Changes within a status (a step finished) are not sent. A slow reader delays only itself: changes
// queue for it.
func (h *Hub) Watch(ctx context.Context, id string, get Getter) (<-chan Run, error) {
	sub, err := h.subscribe(id)
	if err != nil {
		return nil, err
	}
	r, err := get(ctx, id)
	if err != nil {
		sub.close()
		return nil, err
	}
	out := make(chan Run)
	go func() {
		defer close(out)
		defer sub.close()
		send := func(r Run) bool {
			select {
			case out <- r:
				return true
			case <-ctx.Done():
				return false
			case <-h.done:
				return false
			}
		}
		if !send(r) || r.Status.Terminal() {
			return
		}
		for {
			select {
			case <-sub.ready:
				changes, gone := sub.take()
				for _, u := range changes {
					if !newer(u, r) {
						continue
					}
					changed := u.Status != r.Status
					r = u
					if !changed {
						continue
					}
					if !send(r) || r.Status.Terminal() {
						return
					}
				}
				if gone {
					return
				}
			case <-h.done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// newer reports whether u, a published change, comes after r, the run as last seen: a higher
// revision, or the end of a run not seen ended (a damaged record replaced by a failed run starts its
// revisions afresh).
func newer(u, r Run) bool {
	return u.Revision > r.Revision || (u.Status.Terminal() && !r.Status.Terminal())
}
