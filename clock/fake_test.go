package clock_test

import (
	"testing"
	"time"

	"github.com/mnemohq/mnemo/clock"
)

func TestFakeFiresOnlyWhenAdvancedPastDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := clock.NewFake(start)
	ch := f.After(time.Minute)
	if f.Waiters() != 1 {
		t.Fatalf("waiters = %d, want 1", f.Waiters())
	}
	f.Advance(59 * time.Second)
	select {
	case <-ch:
		t.Fatal("fired before its deadline")
	default:
	}
	f.Advance(time.Second)
	select {
	case at := <-ch:
		if !at.Equal(start.Add(time.Minute)) {
			t.Fatalf("fired at %v, want %v", at, start.Add(time.Minute))
		}
	default:
		t.Fatal("did not fire at its deadline")
	}
	if f.Waiters() != 0 {
		t.Fatalf("waiters = %d after firing, want 0", f.Waiters())
	}
	if got := f.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("Now = %v", got)
	}
}

func TestFakeNonPositiveFiresAtOnce(t *testing.T) {
	t.Parallel()
	f := clock.NewFake(time.Unix(0, 0))
	select {
	case <-f.After(0):
	default:
		t.Fatal("After(0) did not fire at once")
	}
}

func TestFakeWaitForWaiters(t *testing.T) {
	t.Parallel()
	f := clock.NewFake(time.Unix(0, 0))
	fired := make(chan struct{})
	go func() {
		<-f.After(time.Second)
		close(fired)
	}()
	if !f.WaitForWaiters(1, nil) {
		t.Fatal("WaitForWaiters returned false")
	}
	f.Advance(time.Second)
	<-fired
	done := make(chan struct{})
	close(done)
	if f.WaitForWaiters(5, done) {
		t.Fatal("WaitForWaiters returned true with no waiters and done closed")
	}
}
