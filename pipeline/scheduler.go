package pipeline

import (
	"sync"
	"time"

	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/store"
)

// scheduler fires the buffers of the file when their triggers say: at once when a park fills one
// (its count), and at the time its first or last item makes due, waiting on the engine's Clock for
// the earliest. It knows every buffer's due time from the headers it loads at Start and the parks
// since; a buffer whose step is not a buffer of the engine's pipeline is left alone.
type scheduler struct {
	x     *Executor
	mu    sync.Mutex           // guards due
	due   map[string]dueBuffer // buffer ID -> when it fires by time
	wake  chan struct{}        // capacity 1: the earliest due time may have moved
	locks keyLocks             // one firing of a buffer at a time
}

type dueBuffer struct {
	scope store.BufferScope
	at    time.Time
}

func newScheduler(x *Executor) *scheduler {
	return &scheduler{x: x, due: make(map[string]dueBuffer), wake: make(chan struct{}, 1), locks: keyLocks{held: map[string]*keyLock{}}}
}

// trigger returns the trigger of the buffer step of scope in the engine's pipeline.
func (s *scheduler) trigger(scope store.BufferScope) (buffer.Trigger, bool) {
	return s.x.cfg.Pipeline.Buffer(scope.Step)
}

// start loads the buffers of the file, fires those already due (a trigger that came due while the
// process was down), and starts waiting for the others.
func (s *scheduler) start() error {
	headers, err := s.x.cfg.Store.Buffers()
	if err != nil {
		return err
	}
	orphans := map[int]int{}
	for _, h := range headers {
		if _, ok := s.trigger(h.Scope); !ok {
			orphans[h.Scope.Step] += h.Runs
			continue
		}
		s.parked(h)
	}
	for step, runs := range orphans {
		s.x.cfg.Logger.Warn("mnemo: runs parked at a buffer step this pipeline does not have; they stay parked, safe, until the file is opened with a pipeline that has a buffer at that step",
			"step", step, "runs", runs)
	}
	s.x.running.Add(1)
	go s.loop()
	return nil
}

// parked takes note of a buffer as a park (or Start) left it: fired now if it is full, else due by
// its time conditions.
func (s *scheduler) parked(h store.Buffer) {
	t, ok := s.trigger(h.Scope)
	if !ok || h.Items == 0 {
		return
	}
	if t.Full(h.Items) {
		s.fireAsync(h.Scope)
		return
	}
	at, timed := t.Due(h.FirstAt, h.LastAt)
	if !timed {
		return
	}
	s.mu.Lock()
	s.due[h.Scope.ID()] = dueBuffer{scope: h.Scope, at: at}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop waits for the earliest due buffer and fires every buffer due, until the executor stops.
func (s *scheduler) loop() {
	defer s.x.running.Done()
	clk := s.x.cfg.Clock
	for {
		next, ok := s.earliest()
		var timer <-chan time.Time
		if ok {
			wait := next.Sub(clk.Now())
			if wait > 0 {
				timer = clk.After(wait)
			}
			// The clock may have moved between Now and After (a test advancing it): look again.
			if !clk.Now().Before(next) {
				s.fireDue()
				continue
			}
		}
		select {
		case <-timer:
			s.fireDue()
		case <-s.wake:
		case <-s.x.stopping:
			return
		}
	}
}

func (s *scheduler) earliest() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var at time.Time
	for _, d := range s.due {
		if at.IsZero() || d.at.Before(at) {
			at = d.at
		}
	}
	return at, !at.IsZero()
}

// fireDue fires every buffer whose time has come.
func (s *scheduler) fireDue() {
	now := s.x.cfg.Clock.Now()
	var due []store.BufferScope
	s.mu.Lock()
	for id, d := range s.due {
		if !now.Before(d.at) {
			due = append(due, d.scope)
			delete(s.due, id)
		}
	}
	s.mu.Unlock()
	for _, scope := range due {
		s.fireAsync(scope)
	}
}

// fireAsync fires a buffer in a goroutine of its own, retrying storage errors with backoff while
// the executor runs. Items parked meanwhile stay, and their buffer is scheduled again.
func (s *scheduler) fireAsync(scope store.BufferScope) {
	if s.x.stopped() {
		return // the buffer stays as it is; the next Open fires it if it is due
	}
	s.x.running.Add(1)
	go func() {
		defer s.x.running.Done()
		d := s.x.newDriver("buffer")
		for {
			_, err := s.fireNow(scope, false)
			if err == nil {
				return
			}
			s.x.cfg.Logger.Error("mnemo: buffer firing failed", "step", scope.Step, "group", scope.Group, "user", scope.UserID, "err", err)
			if !d.backoff(err) {
				return
			}
		}
	}()
}

// fireNow fires a buffer under its lock (if it is due, or force), and schedules what is left in it.
func (s *scheduler) fireNow(scope store.BufferScope, force bool) (int, error) {
	id := scope.ID()
	s.locks.lock(id)
	defer s.locks.unlock(id)
	n, err := s.x.fire(scope, force)
	if err != nil {
		return n, err
	}
	s.mu.Lock()
	delete(s.due, id)
	s.mu.Unlock()
	if h, ok, err := s.x.cfg.Store.Buffer(scope); err == nil && ok {
		s.parked(h) // not due yet, or parked since the firing read the buffer
	}
	return n, nil
}

// keyLocks is a set of mutexes by key, each kept only while someone holds or waits for it.
type keyLocks struct {
	mu   sync.Mutex // guards held
	held map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) {
	k.mu.Lock()
	l := k.held[key]
	if l == nil {
		l = &keyLock{}
		k.held[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.Lock()
}

func (k *keyLocks) unlock(key string) {
	k.mu.Lock()
	l := k.held[key]
	l.refs--
	if l.refs == 0 {
		delete(k.held, key)
	}
	k.mu.Unlock()
	l.Unlock()
}
