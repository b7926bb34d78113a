package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/status"
)

// heldGroup is what a group of writes, queued behind a commit held until they all waited, did: the
// commits they took, and, for each write, whether the add queued after them all was committed
// before it ran.
type heldGroup struct {
	commits  int
	sawAdded []bool
}

// runHeldGroup opens a store with opts, holds its writer in a commit, queues writes writes of two
// memories each and then an add behind it, and releases it. Every write and the add must succeed,
// and every memory be stored.
func runHeldGroup(t *testing.T, opts Options, writes int) heldGroup {
	t.Helper()
	var commits atomic.Int32
	var hold atomic.Bool
	release := make(chan struct{})
	opts.FailCommit = func() error {
		commits.Add(1)
		if hold.CompareAndSwap(true, false) {
			<-release
		}
		return nil
	}
	s, err := Open(filepath.Join(t.TempDir(), "test.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs := make([]status.Run, writes+1)
	for i := range runs {
		runs[i] = mustCreate(t, s, newRun(t))
	}

	hold.Store(true)
	held := make(chan error, 1)
	go func() {
		_, err := s.UpdateRun(runs[0].ID, 0, func(*Tx, *status.Run) error { return nil })
		held <- err
	}()
	for hold.Load() { // the commit has begun: FailCommit took the hold
	}
	before := commits.Load()
	added := newRun(t)
	addedKey := uuid.MustParse(added.ID)
	out := heldGroup{sawAdded: make([]bool, writes)}
	errs := make([]error, writes)
	ids := make([][]string, writes)
	var wg sync.WaitGroup
	for i := range writes {
		r := runs[i+1]
		ids[i] = []string{uuid.NewString(), uuid.NewString()}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.UpdateRun(r.ID, 0, func(tx *Tx, _ *status.Run) error {
				out.sawAdded[i] = tx.tx.Bucket(bucketRuns).Get(addedKey[:]) != nil
				for j, id := range ids[i] {
					m := mem(fmt.Sprintf("Fact %d of write %d.", j, i), "default", "u", "", nil)
					m.ID = id
					nm := s.PrepareMemory(m, uuid.MustParse(id), nil, ContentKey(Scope{"default", "u"}, nil, m.Content), nil, r.ID, "")
					if _, err := tx.InsertMemory(&nm); err != nil {
						return err
					}
				}
				return nil
			})
		}()
	}
	for len(s.writer.ops) < writes {
	}
	addErr := make(chan error, 1)
	go func() {
		_, err := s.CreateRun(added, []byte(`{"type":"string"}`))
		addErr <- err
	}()
	for len(s.writer.ops) < writes+1 {
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := <-addErr; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	for _, ms := range ids {
		for _, id := range ms {
			if _, err := s.Memory(id); err != nil {
				t.Fatalf("memory %s: %v", id, err)
			}
		}
	}
	out.commits = int(commits.Load() - before)
	return out
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// TestWriterBoundsTransactions queues writes of two memories each, and then an add, behind a held
// commit, and counts the transactions they take. The budgets are checked after each write, so the
// write that reaches one goes in; the add, which changes no memory, goes in the first transaction
// though it came last, so the writes that saw it committed are those after the first.
func TestWriterBoundsTransactions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		opts     Options
		writes   int
		commits  int // after the held one
		sawAdded int
	}{
		// With MaxTxMemories 3 (and an hour of MaxTxTime, so that a slow machine cannot split them
		// otherwise), two transactions of two writes.
		{"memories", Options{MaxTxMemories: 3, MaxTxTime: time.Hour}, 4, 2, 2},
		// With a MaxTxTime every write exceeds, a transaction for each.
		{"time", Options{MaxTxTime: time.Nanosecond}, 3, 3, 2},
		// Within the budgets, one transaction: the add came after every write, and none saw it.
		{"within", Options{MaxTxTime: time.Hour}, 4, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := runHeldGroup(t, tc.opts, tc.writes)
			if g.commits != tc.commits {
				t.Fatalf("%d writes took %d commits after the held one, want %d", tc.writes, g.commits, tc.commits)
			}
			if saw := countTrue(g.sawAdded); saw != tc.sawAdded {
				t.Fatalf("%d writes saw the add committed before them, want %d", saw, tc.sawAdded)
			}
		})
	}
}
