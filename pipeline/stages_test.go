package pipeline

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// commitCounter counts the write transactions a store commits, and can make them fail.
type commitCounter struct {
	commits  atomic.Int64
	failing  atomic.Int64 // how many of the next commits fail, as if the disk were full
	fullAt   atomic.Int64 // when commits reaches it (if > 0), every later commit fails until cleared
	full     atomic.Bool
	fullOnce sync.Once
	filled   chan struct{} // closed when the disk fills at fullAt
}

func (c *commitCounter) hook() error {
	if c.failing.Load() > 0 && c.failing.Add(-1) >= 0 {
		return syscall.ENOSPC
	}
	if at := c.fullAt.Load(); at > 0 && c.commits.Load() >= at {
		c.fullOnce.Do(func() { c.full.Store(true); close(c.filled) })
	}
	if c.full.Load() {
		return syscall.ENOSPC
	}
	c.commits.Add(1)
	return nil
}

func items(n int) Payload {
	p := Payload{Type: status.InputPreExtracted}
	for i := range n {
		p.Items = append(p.Items, memory.Item{Content: fmt.Sprintf("Fact number %d is distinct.", i)})
	}
	return p
}

// cheapExtractor is wordsExtractor, declared Cheap.
type cheapExtractor struct{ ExtractorFunc }

func (cheapExtractor) Cheap() bool { return true }

// TestRunCostsTwoCommits counts the transactions a run costs on its way through the default pipeline
// after its Add: two for a text (its extraction, and its commit); one for pre-extracted items; one
// for a text whose extractor is Cheap, unless its facts need more than one commit part.
func TestRunCostsTwoCommits(t *testing.T) {
	t.Parallel()
	texts := Payload{Type: status.InputString, Texts: []string{"Alice likes tea.", "Bob likes coffee.", "Carol likes cocoa."}}
	for _, tc := range []struct {
		name string
		ex   Extractor
		p    Payload
		want int64
	}{
		{"text", wordsExtractor, texts, 2},
		{"pre-extracted", wordsExtractor, items(3), 1},
		{"text, cheap extractor", cheapExtractor{wordsExtractor}, texts, 1},
		{"text, cheap extractor, two parts", cheapExtractor{wordsExtractor}, Payload{Type: status.InputString, Texts: append(texts.Texts, "Dan likes tea.")}, 3},
	} {
		var c commitCounter
		f := setupWith(t, tc.ex, nil, Config{CommitPartSize: 3}, store.Options{FailCommit: c.hook})
		f.exec.Start()
		r := f.add(tc.p, "u")
		before := c.commits.Load()
		f.exec.Enqueue(r.ID)
		done := f.wait(r.ID)
		if got := c.commits.Load() - before; got != tc.want || done.Status != status.Completed || done.MemoriesCreated != len(tc.p.Texts)+len(tc.p.Items) {
			t.Errorf("%s: %d commits, want %d (run %+v)", tc.name, got, tc.want, done)
		}
	}
}

// TestPreExtractedRunIsWatchedThroughRunning takes a queued run to completed in one write: watchers
// still see it pass through running.
func TestPreExtractedRunIsWatchedThroughRunning(t *testing.T) {
	t.Parallel()
	f := setup(t, wordsExtractor, nil)
	r := f.add(items(2), "u")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := f.hub.Watch(ctx, r.ID, func(_ context.Context, id string) (status.Run, error) { return f.store.Run(id) })
	if err != nil {
		t.Fatal(err)
	}
	f.exec.Start()
	f.exec.Enqueue(r.ID)
	var seen []status.Status
	for run := range ch {
		seen = append(seen, run.Status)
	}
	if fmt.Sprint(seen) != "[queued running completed]" {
		t.Fatalf("watched %v", seen)
	}
}

// TestLargeRunCommitsInParts commits a run of 25 facts in parts of 4: every fact becomes a memory,
// its operations are all on the run, in order, and its checkpoints and progress are gone at the end.
func TestLargeRunCommitsInParts(t *testing.T) {
	t.Parallel()
	var c commitCounter
	f := setupWith(t, wordsExtractor, nil, Config{CommitPartSize: 4}, store.Options{FailCommit: c.hook})
	f.exec.Start()
	r := f.add(items(25), "u")
	before := c.commits.Load()
	f.exec.Enqueue(r.ID)
	done := f.wait(r.ID)
	if done.Status != status.Completed || done.MemoriesCreated != 25 || len(done.MemoryIDs) != 25 {
		t.Fatalf("run %+v", done)
	}
	if got := c.commits.Load() - before; got != 7 {
		t.Fatalf("%d commits for 25 facts in parts of 4, want 7", got)
	}
	got := f.contents("u")
	for i, content := range got {
		if want := fmt.Sprintf("Fact number %d is distinct.", i); content != want {
			t.Fatalf("memory %d is %q, want %q", i, content, want)
		}
	}
	read, err := f.store.Run(r.ID)
	if err != nil || fmt.Sprint(read.MemoryIDs) != fmt.Sprint(done.MemoryIDs) {
		t.Fatalf("run read back: %v, %v", read.MemoryIDs, err)
	}
	if _, _, ok, err := f.store.Progress(r.ID); ok || err != nil {
		t.Fatalf("progress left behind: %v, %v", ok, err)
	}
}

// TestStorageErrorsNeverFailARun makes commits fail as a full disk would, then lets them succeed:
// the run waits (on the fake clock) and completes; nothing counts against its input.
func TestStorageErrorsNeverFailARun(t *testing.T) {
	t.Parallel()
	var c commitCounter
	f := setupWith(t, wordsExtractor, nil, Config{MaxAttempts: 1}, store.Options{FailCommit: c.hook})
	r := f.add(Payload{Type: status.InputString, Texts: []string{"Survives a full disk."}}, "u")
	c.failing.Store(5)
	f.exec.Start()
	f.exec.Enqueue(r.ID)
	for range 5 { // each failed commit is followed by one wait
		if !f.clock.WaitForWaiters(1, nil) {
			t.Fatal("no backoff wait")
		}
		f.clock.Advance(MaxStorageBackoff + MaxStorageBackoff/4 + 1)
	}
	done := f.wait(r.ID)
	if done.Status != status.Completed || done.MemoriesCreated != 1 || done.Error != "" {
		t.Fatalf("run %+v", done)
	}
}

// TestResumeMidCommitMakesNoTwins stops a large run between two commit parts (the disk fills after
// the second part, and the executor stops while the run waits for it), then resumes it with a new
// executor: it continues after the last part it committed, and every fact exists once.
func TestResumeMidCommitMakesNoTwins(t *testing.T) {
	t.Parallel()
	var c commitCounter
	f := setupWith(t, wordsExtractor, nil, Config{CommitPartSize: 5}, store.Options{FailCommit: c.hook})
	r := f.add(items(23), "u")
	c.filled = make(chan struct{})
	c.fullAt.Store(c.commits.Load() + 2) // two parts commit, then the disk is full
	f.exec.Start()
	f.exec.Enqueue(r.ID)
	<-c.filled
	if !f.clock.WaitForWaiters(1, nil) {
		t.Fatal("the run is not waiting for storage")
	}
	if err := f.exec.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	mid, err := f.store.Run(r.ID)
	if err != nil || mid.Status != status.Running || mid.MemoriesCreated == 0 || mid.MemoriesCreated == 23 {
		t.Fatalf("run after stop mid-commit: %+v, %v", mid, err)
	}
	c.full.Store(false)
	c.fullAt.Store(0)
	x := NewExecutor(Config{Store: f.store, Pipeline: f.pipe, Extractor: wordsExtractor, Clock: f.clock, CommitPartSize: 5})
	x.Start()
	defer x.Stop(context.Background())
	x.Enqueue(r.ID)
	done := f.wait(r.ID)
	if done.Status != status.Completed || done.MemoriesCreated != 23 || done.Attempts != 2 {
		t.Fatalf("resumed run %+v", done)
	}
	seen := map[string]bool{}
	for _, content := range f.contents("u") {
		if seen[content] {
			t.Fatalf("%q stored twice", content)
		}
		seen[content] = true
	}
	if len(seen) != 23 {
		t.Fatalf("%d memories, want 23", len(seen))
	}
}
