package mnemo_test

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/embedding"
	"github.com/mnemohq/mnemo/pipeline"
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
	opts := &mnemo.Options{Workers: 2, CommitPartSize: 8}
	if role == "buffered" {
		opts = bufferedCrashOptions()
	}
	eng, err := mnemo.Open(path, opts)
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
		// has returned (the run is accepted). Every tenth input is large: 60 sentences, 8 commit
		// parts; every tenth but five is a Markdown file of 6 sections of 10 sentences, committed in
		// 6 windows.
		ctx := t.Context()
		nonce := rand.Uint64() // distinguishes this child's facts from every other child's
		for i := 0; ; i++ {
			sentences := 2
			switch i % 10 {
			case 9:
				sentences = 60
			case 4:
				sentences = 60
			}
			var text strings.Builder
			for j := range sentences {
				if i%10 == 4 && j%10 == 0 {
					fmt.Fprintf(&text, "\n\n## Part %d\n\n", j/10)
				}
				fmt.Fprintf(&text, "Crash fact %d.%d of child %x is here. ", i, j, nonce)
			}
			var in mnemo.Input = mnemo.Text(text.String())
			doc := filepath.Join(filepath.Dir(path), fmt.Sprintf("input-%x-%d.md", nonce, i))
			if i%10 == 4 {
				if err := os.WriteFile(doc, []byte(text.String()), 0o600); err != nil {
					fmt.Println("write input file:", err)
					os.Exit(2)
				}
				in = mnemo.File(doc)
			}
			run, err := eng.Memories.Add(ctx, in, &mnemo.AddOptions{UserID: "crash"})
			if err != nil {
				fmt.Println("add failed:", err)
				os.Exit(2)
			}
			os.Remove(doc) // accepted: the run has the file's bytes
			fmt.Println(run.ID, sentences)
		}
	case "buffered":
		// Add one-sentence runs to three conversations of a buffered pipeline until killed, printing
		// each run's ID and its text once accepted.
		ctx := t.Context()
		nonce := rand.Uint64()
		for i := 0; ; i++ {
			text := fmt.Sprintf("Buffered fact %d of child %x.", i, nonce)
			run, err := eng.Memories.Add(ctx, mnemo.Text(text), &mnemo.AddOptions{UserID: "crash",
				Properties: map[string]string{"conversation_id": fmt.Sprint(i % 3)}})
			if err != nil {
				fmt.Println("add failed:", err)
				os.Exit(2)
			}
			fmt.Println(run.ID, text)
		}
	}
	eng.Close()
	os.Exit(0)
}

// bufferedCrashOptions are the options of TestCrashBufferedLosesNothing's engines: runs commit their
// fact, park in a buffer that fires on 4 items or 20 ms without one, and each firing appends its facts
// to the conversation's summary, unbounded, so that an item summarised twice or never shows.
func bufferedCrashOptions() *mnemo.Options {
	return &mnemo.Options{
		Workers: 2,
		Pipeline: pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
			pipeline.Buffer(buffer.Trigger{Count: 4, SinceLast: 20 * time.Millisecond}), pipeline.Summarize("log"), pipeline.Commit()),
		Summarizer: pipeline.SummarizerFunc(func(_ context.Context, req mnemo.SummarizeRequest) (string, error) {
			lines := []string{}
			if req.Previous != "" {
				lines = append(lines, req.Previous)
			}
			for _, f := range req.Facts {
				lines = append(lines, f.Content)
			}
			return strings.Join(lines, "\n"), nil
		}),
	}
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
		checkIndexAgrees(t, path, "crash", iter)
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
	t.Logf("%d kills, %d accepted runs (%d large, half of them files), %d memories", *crashIterations, len(accepted), large, len(all))
}

// TestCrashBufferedLosesNothing kills a process adding runs to a buffered pipeline at random
// moments, while buffers fill and fire, then reopens the file, flushes what is left and checks: every
// accepted run completed with its own memory and one operation on its conversation's summary, and
// every summary holds each fact exactly once (an item lost, or a buffer fired twice, would show).
func TestCrashBufferedLosesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash-buffered.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	accepted := map[string]string{} // run ID -> its text
	for iter := range *crashIterations {
		cmd, out, _ := child(t, "buffered", path)
		killAfter := 1 + rng.IntN(40)
		for {
			if !out.Scan() {
				t.Fatalf("iteration %d: child stopped printing: %v", iter, out.Err())
			}
			id, text, ok := strings.Cut(out.Text(), " ")
			if !ok || strings.Contains(out.Text(), "failed") {
				t.Fatalf("iteration %d: child: %s", iter, out.Text())
			}
			accepted[id] = text
			if killAfter--; killAfter == 0 {
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
	}

	eng := open(t, path, bufferedCrashOptions())
	ctx := ctxT(t)
	if _, err := eng.Buffers.Flush(ctx, nil); err != nil {
		t.Fatal(err)
	}
	summaries := map[string]bool{}
	for id, text := range accepted {
		r := wait(t, eng, id)
		ops := r.CommittedOperations
		if r.Status != mnemo.Completed || len(ops.Created)+len(ops.Updated) != 2 {
			t.Fatalf("accepted run %s ended %+v", id, r)
		}
		if own, err := eng.Memories.Get(ctx, ops.Created[0].MemoryID); err != nil || own.Content != text {
			t.Fatalf("run %s's own memory %+v, %v; want %q", id, own, err, text)
		}
		summary := ops.Created[len(ops.Created)-1].MemoryID
		if len(ops.Updated) == 1 {
			summary = ops.Updated[0].MemoryID
		}
		summaries[summary] = true
	}
	seen := map[string]string{}
	for id := range summaries {
		m, err := eng.Memories.Get(ctx, id)
		if err != nil || m.Topic != "log" {
			t.Fatalf("summary %s: %+v, %v", id, m, err)
		}
		for _, line := range strings.Split(m.Content, "\n") {
			if prev, dup := seen[line]; dup {
				t.Fatalf("%q is in a summary twice (%s, %s): a buffer fired twice", line, prev, id)
			}
			seen[line] = id
		}
	}
	for id, text := range accepted {
		if seen[text] == "" {
			t.Fatalf("run %s's fact %q is in no summary: an item was lost", id, text)
		}
	}
	if left, err := eng.Buffers.List(ctx, nil); err != nil || len(left) != 0 {
		t.Fatalf("buffers left after the flush: %+v, %v", left, err)
	}
	t.Logf("%d kills, %d accepted runs, %d summaries", *crashIterations, len(accepted), len(summaries))
}

// checkIndexAgrees checks, on the file a killed process left, that the search index's data agrees
// with the memories: each memory of the user's scope has one vector and no vector belongs to
// anything else (vectors are written in the memory's transaction), and a search finds memories by
// their words. It opens the file read-only: nothing is resumed.
func checkIndexAgrees(t *testing.T, path, user string, iter int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("iteration %d: %v", iter, err)
	}
	vectors := map[string]bool{}
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("vectors")); b != nil {
			b.ForEach(func(k, v []byte) error {
				id, _ := uuid.FromBytes(k)
				if len(v) != 4*embedding.Default().Dims() {
					t.Errorf("iteration %d: vector of memory %s has %d bytes", iter, id, len(v))
				}
				vectors[id.String()] = true
				return nil
			})
		}
		return nil
	})
	db.Close()
	eng := open(t, path, &mnemo.Options{ReadOnly: true})
	defer eng.Close()
	var all []mnemo.Memory
	opts := &mnemo.ListOptions{UserID: user, Limit: mnemo.MaxListLimit}
	for {
		page, err := eng.Memories.List(ctxT(t), opts)
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		all = append(all, page.Memories...)
		if opts.Cursor = page.Next; opts.Cursor == "" {
			break
		}
	}
	for _, m := range all {
		if !vectors[m.ID] {
			t.Fatalf("iteration %d: memory %s has no vector", iter, m.ID)
		}
		delete(vectors, m.ID)
	}
	if len(vectors) > 0 {
		t.Fatalf("iteration %d: %d vectors of no memory of the scope", iter, len(vectors))
	}
	for i := 0; i < len(all); i += max(1, len(all)/5) {
		res, err := eng.Memories.Search(ctxT(t), all[i].Content, &mnemo.SearchOptions{UserID: user, Mode: mnemo.BM25, Limit: mnemo.MaxSearchLimit})
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		if !slices.ContainsFunc(res, func(r mnemo.Result) bool { return r.Memory.ID == all[i].ID }) {
			t.Fatalf("iteration %d: searching %q does not find its memory %s", iter, all[i].Content, all[i].ID)
		}
	}
}
