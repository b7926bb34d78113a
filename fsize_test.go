//go:build unix

package mnemo_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// fsizeChildEnv names the file a TestFileSizeLimitChild process works on; unset in the parent.
const fsizeChildEnv = "MNEMO_FSIZE_CHILD_DB"

// TestFileSizeLimitFailsNoRun runs an engine in a child process whose file may not grow (RLIMIT_FSIZE
// just above its size, as a quota or a full disk would do), adds runs until Add fails, then lifts
// the limit. No accepted run may end failed, and every one must complete in that same process once
// the file can grow again. A user reported 691 of 752 accepted runs ending failed with "file resize
// error", the rest stranded running until a restart.
func TestFileSizeLimitFailsNoRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fsize.db")
	cmd, out, stdin := startChild(t, "TestFileSizeLimitChild", fsizeChildEnv+"="+path)
	line := func() (word, rest string) {
		t.Helper()
		if !out.Scan() {
			t.Fatalf("the child stopped talking: %v", out.Err())
		}
		word, rest, _ = strings.Cut(out.Text(), " ")
		return word, rest
	}

	var accepted []string
	addFailed := false
	for retrying := false; !retrying; {
		switch word, rest := line(); word {
		case "accepted":
			accepted = append(accepted, rest)
		case "add-failed":
			if !strings.HasPrefix(rest, "storage") {
				t.Errorf("Add with the file at its size limit failed with %s; want an error wrapping ErrStorage", rest)
			}
			if !addFailed {
				t.Logf("%d runs accepted, then Add failed: %s", len(accepted), rest)
			}
			addFailed = true
		case "retrying":
			retrying = true
		case "no-retry":
			t.Errorf("the child's engine logged no \"mnemo: storage error, retrying\" within %s of its file reaching the limit", rest)
			retrying = true
		case "fatal":
			t.Fatalf("child: %s", rest)
		default:
			t.Logf("child: %s %s", word, rest)
		}
	}
	if len(accepted) < 100 {
		t.Fatalf("only %d runs accepted before the file reached its limit; the test needs more", len(accepted))
	}
	if _, err := fmt.Fprintln(stdin, "lift"); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var bad []string
	for done := false; !done; {
		switch word, rest := line(); word {
		case "status":
			f := strings.SplitN(rest, " ", 3)
			counts[f[1]]++
			if f[1] != string(mnemo.Completed) && len(bad) < 5 {
				bad = append(bad, rest)
			}
		case "done":
			done = true
		case "fatal":
			t.Fatalf("child: %s", rest)
		default:
			t.Logf("child: %s %s", word, rest)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("child: %v", err)
	}
	if counts[string(mnemo.Completed)] != len(accepted) {
		t.Errorf("in the process that hit the limit, once it was lifted: of %d accepted runs %d completed, %d failed, %d partial_success, %d still queued or running after 60s (want all completed); e.g. %q",
			len(accepted), counts[string(mnemo.Completed)], counts[string(mnemo.Failed)], counts[string(mnemo.PartialSuccess)],
			len(accepted)-counts[string(mnemo.Completed)]-counts[string(mnemo.Failed)]-counts[string(mnemo.PartialSuccess)], bad)
	}

	// The file, reopened here: every accepted run completed.
	eng := open(t, path, nil)
	ctx, cancel := context.WithTimeout(ctxT(t), 60*time.Second)
	defer cancel()
	notDone := 0
	var example string
	for _, id := range accepted {
		r, err := eng.Runs.Wait(ctx, id)
		switch {
		case err != nil:
			notDone++
			example = fmt.Sprintf("run %s: %v", id, err)
		case r.Status != mnemo.Completed:
			notDone++
			example = fmt.Sprintf("run %s %s: %s", id, r.Status, r.Error)
		}
	}
	if notDone > 0 {
		t.Errorf("after reopening the file: %d of %d accepted runs did not complete; e.g. %s", notDone, len(accepted), example)
	}
}

// TestFileSizeLimitChild is not a test: it is the body of TestFileSizeLimitFailsNoRun's child process.
// It speaks in lines on stdout: "accepted ID" per accepted run, "add-failed [storage] ERR",
// then "retrying" once its engine has logged a storage retry (or "no-retry DURATION"); it waits for a
// line on stdin, lifts the limit, and prints "status ID STATUS ERROR" for every accepted run, then
// "done".
func TestFileSizeLimitChild(t *testing.T) {
	path := os.Getenv(fsizeChildEnv)
	if path == "" {
		t.Skip("run as TestFileSizeLimitFailsNoRun's child process only")
	}
	fatal := func(format string, args ...any) {
		fmt.Printf("fatal "+format+"\n", args...)
		os.Exit(2)
	}
	signal.Ignore(syscall.SIGXFSZ) // a write past the limit must fail with EFBIG, not kill us
	capture, logger := newLogCapture(slog.LevelInfo)
	// Make the file and give it room for a few hundred runs, as bbolt does when it grows a file
	// (truncate, then sync), so that the limit below can be just above its size.
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		fatal("open: %v", err)
	}
	if err := eng.Close(); err != nil {
		fatal("close: %v", err)
	}
	if err := os.Truncate(path, 1<<20); err != nil {
		fatal("%v", err)
	}
	eng, err = mnemo.Open(path, &mnemo.Options{RetryBackoff: 5 * time.Millisecond, Logger: logger})
	if err != nil {
		fatal("open: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		fatal("%v", err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		fatal("getrlimit: %v", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(fi.Size()) + 1, Max: old.Max}); err != nil {
		fatal("setrlimit: %v", err)
	}
	ctx := context.Background()
	// Sixteen callers add at once, as an application's goroutines would, so that when the file
	// reaches its limit many accepted runs are still on their way through the pipeline.
	var (
		mu       sync.Mutex
		accepted []string
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > 100_000 {
					fatal("100,000 adds accepted with the file limited to %d bytes", fi.Size()+1)
				}
				run, err := eng.Memories.Add(ctx, mnemo.Text(fmt.Sprintf(
					"Limited fact %d is stored in a file that may not grow any further. Limited fact %d has a second sentence too.", i, i)),
					&mnemo.AddOptions{UserID: fmt.Sprintf("user-%d", i%4)})
				mu.Lock()
				if err != nil {
					kind := ""
					if errors.Is(err, mnemo.ErrStorage) {
						kind = "storage "
					}
					fmt.Printf("add-failed %s%q\n", kind, err.Error())
					mu.Unlock()
					return
				}
				accepted = append(accepted, run.ID)
				fmt.Println("accepted", run.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	const bound = 10 * time.Second
	wctx, cancel := context.WithTimeout(ctx, bound)
	switch {
	case capture.waitN(wctx, 1, logged(slog.LevelWarn, "mnemo: storage error, retrying", "", "")):
		fmt.Println("retrying")
	case allCompleted(eng, accepted):
		// Every accepted run committed before the file reached its limit (on a busy machine the
		// pipeline can keep up with the callers): there was nothing to retry.
		fmt.Println("retrying")
	default:
		fmt.Println("no-retry", bound)
	}
	cancel()
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fatal("stdin: %v", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		fatal("setrlimit: %v", err)
	}
	wctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	for _, id := range accepted {
		r, err := eng.Runs.Wait(wctx, id)
		if err != nil { // the run as it is now, stuck
			if r, err = eng.Runs.Get(ctx, id); err != nil {
				fatal("get %s: %v", id, err)
			}
		}
		fmt.Printf("status %s %s %q\n", id, r.Status, r.Error)
	}
	cancel()
	if err := eng.Close(); err != nil {
		fatal("close: %v", err)
	}
	fmt.Println("done")
	os.Exit(0)
}

// allCompleted reports whether every run of ids has completed.
func allCompleted(eng *mnemo.Engine, ids []string) bool {
	for _, id := range ids {
		r, err := eng.Runs.Get(context.Background(), id)
		if err != nil || r.Status != mnemo.Completed {
			return false
		}
	}
	return true
}
