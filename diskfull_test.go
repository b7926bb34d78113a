package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// TestDiskFullStrandsNothing fills a 4 MiB tmpfs (3 MiB of it taken by another file) with adds from
// 64 goroutines until Add fails, holds the disk full while the engine retries its pipeline writes,
// then frees space. No accepted run may end failed while the disk is full, and every one must
// complete once there is room, in the same process, without a restart; after a reopen every one is
// completed with its memories, none twice. A user reported runs ending failed on a full disk, and
// others stranded running until a restart.
func TestDiskFullStrandsNothing(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a 4 MiB tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a 4 MiB tmpfs at %s (%v: %s)", dir, err, out)
	}
	t.Cleanup(func() { // after the engine's Close, which open registers later
		if err := exec.Command("umount", dir).Run(); err != nil {
			exec.Command("umount", "-l", dir).Run()
		}
	})
	// Another file takes 3 MiB, so that about a thousand runs fill the disk: enough to keep the
	// pipeline far behind the adds, few enough to process quickly once there is room.
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, 3<<20), 0o600); err != nil {
		t.Fatalf("write the filler file: %v", err)
	}
	path := filepath.Join(dir, "full.db")
	capture, logger := newLogCapture(slog.LevelInfo)
	eng := open(t, path, &mnemo.Options{RetryBackoff: 5 * time.Millisecond, Workers: 2, Logger: logger})
	ctx := ctxT(t)

	// Fill the disk: 64 writers add until their first error.
	const writers, users = 64, 8
	var (
		mu       sync.Mutex // guards accepted and addErrs
		accepted []string
		addErrs  []error
		wg       sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range 10_000 {
				run, err := eng.Memories.Add(ctx, mnemo.Text(fmt.Sprintf(
					"Disk fact %d of writer %d is kept on a small disk that fills up quickly. Disk fact %d of writer %d has a second sentence %d-%d.",
					i, w, i, w, i, w)), &mnemo.AddOptions{UserID: fmt.Sprintf("user-%d", w%users)})
				mu.Lock()
				if err != nil {
					addErrs = append(addErrs, err)
				} else {
					accepted = append(accepted, run.ID)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(addErrs) < writers {
		t.Fatalf("%d writers added 10,000 runs each without filling the disk", writers-len(addErrs))
	}
	for _, err := range addErrs {
		if !errors.Is(err, mnemo.ErrStorage) || !errors.Is(err, syscall.ENOSPC) || errors.Is(err, mnemo.ErrInvalidInput) {
			t.Fatalf("Add on a full disk: %v; want an error wrapping ErrStorage and ENOSPC", err)
		}
	}
	t.Logf("%d runs accepted before the disk filled; Add then failed with e.g. %v", len(accepted), addErrs[0])
	if len(accepted) < 100 {
		t.Fatalf("only %d runs accepted before the disk filled; the test needs hundreds", len(accepted))
	}

	// Hold the disk full until the engine has retried its writes 20 times, or until a run ended
	// failed or partial_success, which must not happen while it retries.
	badEnd := make(chan string, 1)
	watchCtx, stopWatching := context.WithCancel(ctx)
	var watchers sync.WaitGroup
	for _, id := range accepted {
		watchers.Go(func() {
			if r, err := eng.Runs.WaitFor(watchCtx, id, mnemo.Failed, mnemo.PartialSuccess); err == nil {
				select {
				case badEnd <- fmt.Sprintf("run %s ended %s: %s", id, r.Status, r.Error):
				default:
				}
			}
		})
	}
	storageRetry := logged(slog.LevelWarn, "mnemo: storage error, retrying", "", "")
	retried := make(chan bool, 1)
	go func() { retried <- capture.waitN(watchCtx, 20, storageRetry) }()
	const holdBound = 90 * time.Second
	select {
	case <-retried:
	case bad := <-badEnd:
		t.Errorf("while the disk was full, %s; want every accepted run to wait for space", bad)
	case <-time.After(holdBound):
		t.Errorf("the engine logged %d \"mnemo: storage error, retrying\" warnings in %s with the disk full, want at least 20; logged:\n%s",
			capture.count(storageRetry), holdBound, capture.dump())
	}
	stopWatching()
	watchers.Wait()
	isAccepted := make(map[string]bool, len(accepted))
	for _, id := range accepted {
		isAccepted[id] = true
	}
	for _, rec := range capture.matching(storageRetry) {
		if !isAccepted[rec.Attrs["run"]] || rec.Attrs["err"] == "" || rec.Attrs["delay"] == "" {
			t.Errorf("storage retry warning should carry the accepted run it retries for, err and delay: %s", rec)
			break
		}
	}
	if bad := listAllRuns(t, eng, mnemo.RunListOptions{Statuses: []mnemo.Status{mnemo.Failed, mnemo.PartialSuccess}}); len(bad) > 0 {
		t.Errorf("with the disk full, %d of %d accepted runs ended failed or partial_success; want none. The first: %s %s: %s",
			len(bad), len(accepted), bad[0].ID, bad[0].Status, bad[0].Error)
	}

	// Free space: every accepted run completes in this process.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount the tmpfs larger: %v: %s", err, out)
	}
	waitAll := func(eng *mnemo.Engine) (counts map[mnemo.Status]int, example string) {
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second) // one bound for all the waits
		defer cancel()
		counts = map[mnemo.Status]int{}
		for _, id := range accepted {
			r, err := eng.Runs.Wait(wctx, id)
			if err != nil {
				if r, err = eng.Runs.Get(ctx, id); err != nil {
					t.Fatalf("get run %s: %v", id, err)
				}
			}
			counts[r.Status]++
			if r.Status != mnemo.Completed && example == "" {
				example = fmt.Sprintf("run %s %s: %s", id, r.Status, r.Error)
			}
		}
		return counts, example
	}
	if counts, example := waitAll(eng); counts[mnemo.Completed] != len(accepted) {
		t.Errorf("once space was freed, of %d accepted runs %d completed, %d failed, %d partial_success, %d stuck queued or running after 60s; want all completed. E.g. %s",
			len(accepted), counts[mnemo.Completed], counts[mnemo.Failed], counts[mnemo.PartialSuccess],
			counts[mnemo.Queued]+counts[mnemo.Running]+counts[mnemo.InBuffer], example)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened: every accepted run completed, its memories present, none twice.
	eng = open(t, path, nil)
	if counts, example := waitAll(eng); counts[mnemo.Completed] != len(accepted) {
		t.Fatalf("after reopening, of %d accepted runs %d completed; want all. E.g. %s", len(accepted), counts[mnemo.Completed], example)
	}
	present := map[string]bool{}
	for u := range users {
		mems, total := listAll(t, eng, mnemo.ListOptions{UserID: fmt.Sprintf("user-%d", u)})
		if total != len(mems) {
			t.Errorf("user-%d: List's Total is %d but it listed %d memories", u, total, len(mems))
		}
		byContent := map[string]string{}
		for _, m := range mems {
			if prev, dup := byContent[m.Content]; dup {
				t.Fatalf("user-%d: memory %q is stored twice: %s and %s", u, m.Content, prev, m.ID)
			}
			byContent[m.Content] = m.ID
			present[m.ID] = true
		}
	}
	for _, id := range accepted {
		r, err := eng.Runs.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.MemoriesCreated != 2 {
			t.Fatalf("run %s created %d memories, want 2", id, r.MemoriesCreated)
		}
		for _, mid := range r.MemoryIDs {
			if !present[mid] {
				t.Fatalf("run %s names memory %s, which no listing has", id, mid)
			}
		}
	}
}
