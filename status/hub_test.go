package status_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// fakeRuns is a run table that publishes each change to a hub, the way the store does.
type fakeRuns struct {
	mu   sync.Mutex
	hub  *status.Hub
	runs map[string]status.Run
}

func newFakeRuns() *fakeRuns {
	return &fakeRuns{hub: status.NewHub(), runs: map[string]status.Run{}}
}

func (f *fakeRuns) get(_ context.Context, id string) (status.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.runs[id]
	if !ok {
		return status.Run{}, fmt.Errorf("run %s: %w", id, errs.NotFound)
	}
	return r, nil
}

func (f *fakeRuns) set(id string, s status.Status) {
	f.mu.Lock()
	r := f.runs[id]
	r.ID, r.Status = id, s
	r.Revision++
	f.runs[id] = r
	f.mu.Unlock()
	f.hub.Publish(r)
}

func TestWaitForReturnsAtOnceWhenThere(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.Queued)
	f.set("a", status.Running)
	f.set("a", status.Completed)
	r, err := f.hub.WaitFor(context.Background(), "a", f.get)
	if err != nil || r.Status != status.Completed {
		t.Fatalf("WaitFor = %v, %v", r.Status, err)
	}
}

func TestWaitForIsWokenByPublish(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.Queued)
	got := make(chan status.Run, 1)
	errc := make(chan error, 1)
	subscribed := make(chan struct{})
	go func() {
		r, err := f.hub.WaitFor(context.Background(), "a", func(ctx context.Context, id string) (status.Run, error) {
			defer close(subscribed) // the hub subscribes before it reads
			return f.get(ctx, id)
		})
		got <- r
		errc <- err
	}()
	<-subscribed
	f.set("a", status.Running)
	f.set("a", status.Completed)
	if r := <-got; r.Status != status.Completed {
		t.Fatalf("woke with %s", r.Status)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestWaitForIntermediateStatus(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.Queued)
	subscribed := make(chan struct{})
	done := make(chan status.Run)
	go func() {
		r, _ := f.hub.WaitFor(context.Background(), "a", func(ctx context.Context, id string) (status.Run, error) {
			defer close(subscribed)
			return f.get(ctx, id)
		}, status.InBuffer)
		done <- r
	}()
	<-subscribed
	// Both changes land before the waiter looks: it must still report the in_buffer it waited for.
	f.set("a", status.Running)
	f.set("a", status.InBuffer)
	f.set("a", status.Running)
	if r := <-done; r.Status != status.InBuffer {
		t.Fatalf("WaitFor(in_buffer) = %s", r.Status)
	}
}

func TestWaitForUnreachable(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.Failed)
	r, err := f.hub.WaitFor(context.Background(), "a", f.get, status.InBuffer)
	if !errors.Is(err, status.ErrUnreachable) || r.Status != status.Failed {
		t.Fatalf("WaitFor = %v, %v; want failed run and ErrUnreachable", r.Status, err)
	}
}

func TestWaitForErrors(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	if _, err := f.hub.WaitFor(context.Background(), "missing", f.get); !errors.Is(err, errs.NotFound) {
		t.Fatalf("unknown run: %v", err)
	}
	f.set("a", status.Queued)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r, err := f.hub.WaitFor(ctx, "a", f.get); !errors.Is(err, context.Canceled) || r.Status != status.Queued {
		t.Fatalf("cancelled: %v, %v", r.Status, err)
	}
	subscribed := make(chan struct{})
	errc := make(chan error)
	go func() {
		_, err := f.hub.WaitFor(context.Background(), "a", func(ctx context.Context, id string) (status.Run, error) {
			defer close(subscribed)
			return f.get(ctx, id)
		})
		errc <- err
	}()
	<-subscribed
	f.hub.Close()
	if err := <-errc; !errors.Is(err, errs.Closed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := f.hub.WaitFor(context.Background(), "a", f.get); !errors.Is(err, errs.Closed) {
		t.Fatalf("WaitFor on a closed hub: %v", err)
	}
}

func TestWatchSendsEachStatusChangeOnce(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.Queued)
	ch, err := f.hub.Watch(context.Background(), "a", f.get)
	if err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r.Status != status.Queued {
		t.Fatalf("first = %s, want the current status", r.Status)
	}
	f.set("a", status.Running)
	f.set("a", status.Running) // a step advanced: not a status change
	f.set("a", status.InBuffer)
	f.set("a", status.Running)
	f.set("a", status.Completed)
	var got []status.Status
	for r := range ch {
		got = append(got, r.Status)
	}
	want := []status.Status{status.Running, status.InBuffer, status.Running, status.Completed}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("watched %v, want %v", got, want)
	}
}

func TestWatchClosesOnCancelAndOnTerminal(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("done", status.Completed)
	ch, err := f.hub.Watch(context.Background(), "done", f.get)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := <-ch; !ok || r.Status != status.Completed {
		t.Fatalf("first = %v, %v", r.Status, ok)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel open after a terminal status")
	}

	f.set("a", status.Queued)
	ctx, cancel := context.WithCancel(context.Background())
	ch, err = f.hub.Watch(ctx, "a", f.get)
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	cancel()
	for range ch { // drains until closed; a leak would hang the test
	}
	if _, err := f.hub.Watch(context.Background(), "missing", f.get); !errors.Is(err, errs.NotFound) {
		t.Fatalf("Watch(missing) = %v", err)
	}
}

// TestRemoveWakesWaitersAndWatchers: a removed run (its user purged) ends a WaitFor with ErrRemoved,
// which wraps ErrNotFound, and closes a Watch's channel after the changes published before it.
func TestRemoveWakesWaitersAndWatchers(t *testing.T) {
	t.Parallel()
	f := newFakeRuns()
	f.set("a", status.InBuffer)
	errc := make(chan error, 1)
	subscribed := make(chan struct{})
	go func() {
		_, err := f.hub.WaitFor(context.Background(), "a", func(ctx context.Context, id string) (status.Run, error) {
			defer close(subscribed)
			return f.get(ctx, id)
		})
		errc <- err
	}()
	<-subscribed
	ch, err := f.hub.Watch(context.Background(), "a", f.get)
	if err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r.Status != status.InBuffer {
		t.Fatalf("Watch sent %s first", r.Status)
	}
	f.set("a", status.Running)
	f.hub.Remove("a")
	if err := <-errc; !errors.Is(err, status.ErrRemoved) || !errors.Is(err, errs.NotFound) {
		t.Fatalf("WaitFor of a removed run: %v", err)
	}
	var seen []status.Status
	for r := range ch {
		seen = append(seen, r.Status)
	}
	if fmt.Sprint(seen) != "[running]" {
		t.Fatalf("Watch of a removed run sent %v, then should close", seen)
	}
}
