package pipeline

import (
	"sync"

	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/store"
)

// BufferFilter selects buffers by scope: a nil filter selects every buffer.
type BufferFilter func(scope store.BufferScope) bool

// Flush fires now every buffer that match selects (every buffer, if it is nil) and whose step is a
// buffer of the engine's pipeline, and returns how many parked runs resumed. Buffers fire
// concurrently, so that their writes share commits.
func (x *Executor) Flush(match BufferFilter) (int, error) {
	headers, err := x.cfg.Store.Buffers()
	if err != nil {
		return 0, err
	}
	var (
		mu       sync.Mutex
		resumed  int
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, 64)
	for _, h := range headers {
		if _, ok := x.cfg.Pipeline.Buffer(h.Scope.Step); !ok || (match != nil && !match(h.Scope)) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := x.sched.fireNow(h.Scope, true)
			mu.Lock()
			resumed += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return resumed, firstErr
}

// Buffers describes every non-empty buffer that match selects, with when its trigger fires it by
// time, by the engine's pipeline.
func (x *Executor) Buffers(match BufferFilter) ([]buffer.Info, error) {
	headers, err := x.cfg.Store.Buffers()
	if err != nil {
		return nil, err
	}
	names := x.cfg.Pipeline.Names()
	out := []buffer.Info{}
	for _, h := range headers {
		if match != nil && !match(h.Scope) {
			continue
		}
		info := buffer.Info{
			Step: h.Scope.Step, Group: h.Scope.Group, UserID: h.Scope.UserID, Properties: h.Scope.Properties,
			Items: h.Items, Runs: h.Runs, FirstItemAt: h.FirstAt, LastItemAt: h.LastAt,
		}
		if t, ok := x.cfg.Pipeline.Buffer(h.Scope.Step); ok {
			info.Active, info.StepName = true, names[h.Scope.Step]
			if at, timed := t.Due(h.FirstAt, h.LastAt); timed {
				info.FiresAt = at
			}
		}
		out = append(out, info)
	}
	return out, nil
}
