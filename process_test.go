package mnemo_test

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

var crashIterations = flag.Int("crash.iterations", 20, "how many times TestCrashLosesNothing kills and recovers a writer")

// The child processes of these tests are this test binary, run again with MNEMO_CHILD set.
const childEnv = "MNEMO_CHILD"

// TestChildProcess is not a test: it is the body of the child processes the tests below start.
func TestChildProcess(t *testing.T) {
	role := os.Getenv(childEnv)
	if role == "" {
		t.Skip("run as a child process only")
	}
	path := os.Getenv("MNEMO_CHILD_DB")
	// Small commit parts, so that the large inputs below commit in many transactions and a kill
	// lands between two of them.
	eng, err := mnemo.Open(path, &mnemo.Options{Workers: 2, CommitPartSize: 8})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	switch role {
	case "hold":
		// Hold the file until the parent closes our stdin.
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
	case "add":
		// Add runs until killed, printing each run's ID and how many memories it must make once Add
		// has returned (the run is accepted). Every tenth input is large: 60 sentences, 8 commit parts.
		ctx := t.Context()
		nonce := rand.Uint64() // distinguishes this child's facts from every other child's
		for i := 0; ; i++ {
			sentences := 2
			if i%10 == 9 {
				sentences = 60
			}
			var text strings.Builder
			for j := range sentences {
				fmt.Fprintf(&text, "Crash fact %d.%d of child %x is here. ", i, j, nonce)
			}
			run, err := eng.Memories.Add(ctx, mnemo.Text(text.String()), &mnemo.AddOptions{UserID: "crash"})
			if err != nil {
				fmt.Println("add failed:", err)
				os.Exit(2)
			}
			fmt.Println(run.ID, sentences)
		}
	}
	eng.Close()
	os.Exit(0)
}

func child(t *testing.T, role, path string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	return startChild(t, "TestChildProcess", childEnv+"="+role, "MNEMO_CHILD_DB="+path)
}

// startChild runs this test binary again as a child process that runs only the test named test,
// with env added to its environment, and kills it when the test ends. It returns the child, its
// stdout line by line, and its stdin.
func startChild(t *testing.T, test string, env ...string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewScanner(stdout), stdin
}

// TestSecondProcessGetsErrLocked opens a file that another process holds: Open must give up after
// LockTimeout with ErrLocked, and succeed once the other process has let go.
func TestSecondProcessGetsErrLocked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "locked.db")
	cmd, out, stdin := child(t, "hold", path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child said %q", out.Text())
	}
	_, err := mnemo.Open(path, &mnemo.Options{LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, mnemo.ErrLocked) {
		t.Fatalf("Open while another process holds the file: %v, want ErrLocked", err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	eng, err := mnemo.Open(path, &mnemo.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the other process closed: %v", err)
	}
	eng.Close()
}

// TestCrashLosesNothing kills a process that is adding runs with SIGKILL at a random moment, reopens
// the file, and checks the guarantees: every run whose ID the child printed (Add had returned) reaches
// completed, and no memory exists twice. It repeats -crash.iterations times on one file, so later
// iterations also recover the leftovers of earlier ones.
func TestCrashLosesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	accepted := map[string]int{} // run ID -> memories it must make
	for iter := range *crashIterations {
		cmd, out, _ := child(t, "add", path)
		killAfter := 1 + rng.IntN(60)
		for {
			if !out.Scan() {
				t.Fatalf("iteration %d: child stopped printing: %v", iter, out.Err())
			}
			line := out.Text()
			var id string
			var want int
			if _, err := fmt.Sscan(line, &id, &want); err != nil {
				t.Fatalf("iteration %d: child: %s", iter, line)
			}
			accepted[id] = want
			if killAfter--; killAfter == 0 {
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
	}

	eng := open(t, path, nil)
	for id := range accepted {
		r := wait(t, eng, id)
		if r.Status != mnemo.Completed {
			t.Fatalf("accepted run %s ended %s: %s", id, r.Status, r.Error)
		}
	}
	// Every memory of the scope exactly once: no content twice, and each completed run's memories
	// present. Runs that were accepted but killed before their ID was printed may add more.
	page, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "crash", Limit: mnemo.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	all := page.Memories
	for page.Next != "" {
		page, err = eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "crash", Limit: mnemo.MaxListLimit, Cursor: page.Next})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Memories...)
	}
	byContent := map[string]string{}
	byID := map[string]bool{}
	for _, m := range all {
		if prev, dup := byContent[m.Content]; dup {
			t.Fatalf("memory %q exists twice: %s and %s", m.Content, prev, m.ID)
		}
		byContent[m.Content] = m.ID
		byID[m.ID] = true
	}
	wantAll, large := 0, 0
	for id, want := range accepted {
		wantAll += want
		if want > 2 {
			large++
		}
		r, _ := eng.Runs.Get(ctxT(t), id)
		if r.MemoriesCreated != want || len(r.MemoryIDs) != want {
			t.Fatalf("run %s created %d memories, want %d", id, r.MemoriesCreated, want)
		}
		for _, mid := range r.MemoryIDs {
			if !byID[mid] {
				t.Fatalf("run %s names memory %s, which is missing", id, mid)
			}
		}
	}
	if len(all) < wantAll {
		t.Fatalf("%d memories for %d accepted runs that make %d", len(all), len(accepted), wantAll)
	}
	t.Logf("%d kills, %d accepted runs (%d large), %d memories", *crashIterations, len(accepted), large, len(all))
}
