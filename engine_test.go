package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// setup opens an engine on a fresh file and closes it when the test ends.
func setup(t *testing.T, opts *mnemo.Options) (*mnemo.Engine, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mnemo.db")
	return open(t, path, opts), path
}

func open(t *testing.T, path string, opts *mnemo.Options) *mnemo.Engine {
	t.Helper()
	eng, err := mnemo.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func add(t *testing.T, eng *mnemo.Engine, in mnemo.Input, opts *mnemo.AddOptions) *mnemo.Run {
	t.Helper()
	run, err := eng.Memories.Add(ctxT(t), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func wait(t *testing.T, eng *mnemo.Engine, id string) *mnemo.Run {
	t.Helper()
	run, err := eng.Runs.Wait(ctxT(t), id)
	if err != nil {
		t.Fatalf("wait %s: %v", id, err)
	}
	return run
}

func contents(t *testing.T, eng *mnemo.Engine, opts *mnemo.ListOptions) []string {
	t.Helper()
	o := mnemo.ListOptions{Limit: mnemo.MaxListLimit}
	if opts != nil {
		o = *opts
		o.Limit = mnemo.MaxListLimit
	}
	page, err := eng.Memories.List(ctxT(t), &o)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range page.Memories {
		out = append(out, m.Content)
	}
	return out
}

// gate is an extractor that holds each extraction until the test releases it.
type gate struct {
	entered chan string   // receives each text as its extraction starts
	release chan struct{} // one value lets one extraction finish
}

func newGate() *gate {
	return &gate{entered: make(chan string, 100), release: make(chan struct{}, 100)}
}

func (g *gate) Extract(ctx context.Context, req mnemo.ExtractRequest) ([]mnemo.Fact, error) {
	g.entered <- req.Text
	select {
	case <-g.release:
		return []mnemo.Fact{{Content: req.Text}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestAddTextRunsToCompletion(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	run := add(t, eng, mnemo.Text("Alice prefers async Python. She lives in Lisbon."),
		&mnemo.AddOptions{UserID: "alice", Metadata: map[string]string{"origin": "test"}})
	if run.Status != mnemo.Queued || run.InputType != mnemo.InputString || run.StartingStep != 0 || run.Group != "default" ||
		run.ID == "" || run.CreatedAt.IsZero() {
		t.Fatalf("Add returned %+v", run)
	}
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed || done.MemoriesCreated != 2 || len(done.MemoryIDs) != 2 ||
		len(done.CommittedOperations.Created) != 2 || done.Step != 3 || done.StartedAt.IsZero() || done.CompletedAt.IsZero() {
		t.Fatalf("run ended %+v", done)
	}
	for i, id := range done.MemoryIDs {
		m, err := eng.Memories.Get(ctxT(t), id)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Alice prefers async Python.", "She lives in Lisbon."}[i]
		if m.Content != want || m.UserID != "alice" || m.Group != "default" || m.Version != 1 || m.Metadata["origin"] != "test" ||
			len(m.Sources) != 1 || m.Sources[0] != (mnemo.Source{RunID: run.ID, Input: 0}) {
			t.Fatalf("memory %d: %+v", i, m)
		}
		if op := done.CommittedOperations.Created[i]; op.MemoryID != id || op.CommittedAt.IsZero() {
			t.Fatalf("operation %d: %+v", i, op)
		}
	}
	got, err := eng.Runs.Get(ctxT(t), run.ID)
	if err != nil || fmt.Sprint(*got) != fmt.Sprint(*done) {
		t.Fatalf("Get after Wait: %+v, %v", got, err)
	}
}

func TestAddConversationAttributesSpeakersAndDropsChitChat(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	at := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC)
	run := add(t, eng, mnemo.Conversation(
		mnemo.Message{ID: "D1:1", Role: "user", Name: "Caroline", Content: "Hey Mel! Good to see you!", CreatedAt: at},
		mnemo.Message{ID: "D1:2", Role: "assistant", Name: "Melanie", Content: "Hi! I'm swamped with the kids & work.", CreatedAt: at.Add(time.Minute)},
		mnemo.Message{ID: "D1:3", Role: "user", Name: "Caroline", Content: "I went to a LGBTQ support group yesterday. Thanks!", CreatedAt: at.Add(2 * time.Minute)},
		mnemo.Message{ID: "D1:4", Role: "user", Content: "ok"},
	), &mnemo.AddOptions{UserID: "caroline", Properties: map[string]string{"conversation_id": "conv-26"}})
	if run.InputType != mnemo.InputConversation || run.StartingStep != 0 {
		t.Fatalf("Add returned %+v", run)
	}
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed {
		t.Fatalf("run ended %+v", done)
	}
	page, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "caroline", Properties: map[string]string{"conversation_id": "conv-26"}})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		content, msg string
		input        int
		at           time.Time
	}
	var have []got
	for _, m := range page.Memories {
		if len(m.Sources) != 1 {
			t.Fatalf("memory %q has sources %+v", m.Content, m.Sources)
		}
		have = append(have, got{m.Content, m.Sources[0].MessageID, m.Sources[0].Input, m.EventTime})
		if m.Properties["conversation_id"] != "conv-26" || m.Sources[0].RunID != run.ID {
			t.Fatalf("memory %+v", m)
		}
	}
	want := []got{
		{"Melanie: I'm swamped with the kids & work.", "D1:2", 1, at.Add(time.Minute)},
		{"Caroline: I went to a LGBTQ support group yesterday.", "D1:3", 2, at.Add(2 * time.Minute)},
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Fatalf("memories\n got %v\nwant %v", have, want)
	}
}

func TestAddPreExtractedSkipsExtraction(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Extractor: pipeline.ExtractorFunc(func(context.Context, mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		return nil, errors.New("pre-extracted input must not be extracted")
	})})
	run := add(t, eng, mnemo.PreExtracted(
		mnemo.Item{Content: "Alice is vegetarian.", Topic: "food"},
		mnemo.Item{Content: "Alice works at Acme.", Topic: "work"},
		mnemo.Item{Content: "alice is VEGETARIAN", Topic: "food"},
	), &mnemo.AddOptions{UserID: "alice"})
	if run.InputType != mnemo.InputPreExtracted || run.StartingStep != 1 || run.Step != 1 {
		t.Fatalf("Add returned %+v", run)
	}
	if done := wait(t, eng, run.ID); done.Status != mnemo.Completed || done.MemoriesCreated != 2 {
		t.Fatalf("run ended %+v", done)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "alice", Topics: []string{"food"}}); fmt.Sprint(got) != "[Alice is vegetarian.]" {
		t.Fatalf("food memories %q", got)
	}
}

// TestStatusTransitionsSeenByWatch follows runs through queued -> running -> completed, failed and
// partial_success with Watch. One worker and a gate make each status observable.
func TestStatusTransitionsSeenByWatch(t *testing.T) {
	t.Parallel()
	g := newGate()
	failing := pipeline.ExtractorFunc(func(ctx context.Context, req mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		if strings.HasPrefix(req.Text, "bad") {
			return nil, pipeline.Permanent(errors.New("unreadable"))
		}
		return g.Extract(ctx, req)
	})
	eng, _ := setup(t, &mnemo.Options{Workers: 1, Extractor: failing})
	ctx := ctxT(t)
	blocker := add(t, eng, mnemo.Text("first"), nil)
	<-g.entered // the only worker is busy: the next runs stay queued
	runs := map[string]*mnemo.Run{
		"completed":       add(t, eng, mnemo.Text("second"), nil),
		"failed":          add(t, eng, mnemo.Text("bad one", "bad two"), nil),
		"partial_success": add(t, eng, mnemo.Text("bad three", "third"), nil),
	}
	watches := map[string]<-chan mnemo.Run{}
	for name, r := range runs {
		ch, err := eng.Runs.Watch(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if first := <-ch; first.Status != mnemo.Queued {
			t.Fatalf("%s: first status %s, want queued", name, first.Status)
		}
		watches[name] = ch
	}
	for range 3 {
		g.release <- struct{}{} // first, second, third
	}
	wait(t, eng, blocker.ID)
	for name, ch := range watches {
		var seen []string
		for r := range ch {
			seen = append(seen, string(r.Status))
		}
		if want := "[running " + name + "]"; fmt.Sprint(seen) != want {
			t.Errorf("%s: watched %v, want %s", name, seen, want)
		}
	}
	failed, _ := eng.Runs.Get(ctx, runs["failed"].ID)
	if failed.Error == "" || failed.MemoriesCreated != 0 {
		t.Fatalf("failed run %+v", failed)
	}
	partial, _ := eng.Runs.Get(ctx, runs["partial_success"].ID)
	if !strings.Contains(partial.Error, "input 0") || partial.MemoriesCreated != 1 {
		t.Fatalf("partial run %+v", partial)
	}
	// A run that ended can never reach in_buffer: WaitFor says so instead of blocking.
	if _, err := eng.Runs.WaitFor(ctx, blocker.ID, mnemo.InBuffer); !errors.Is(err, mnemo.ErrConflict) {
		t.Fatalf("WaitFor(in_buffer) on a completed run: %v", err)
	}
	if r, err := eng.Runs.WaitFor(ctx, blocker.ID, mnemo.Running, mnemo.Completed); err != nil || r.Status != mnemo.Completed {
		t.Fatalf("WaitFor(running, completed): %v, %v", r, err)
	}
}

// TestInterruptedRunResumesAtOpen closes the engine while a run is mid-extraction, then reopens the
// file: the run, still queued (a run is marked running with its first step's output), completes.
func TestInterruptedRunResumesAtOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "resume.db")
	g := newGate()
	eng, err := mnemo.Open(path, &mnemo.Options{Extractor: g, ShutdownTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run := add(t, eng, mnemo.Text("Interrupted fact."), nil)
	<-g.entered
	if r, err := eng.Runs.Get(ctxT(t), run.ID); err != nil || r.Status != mnemo.Queued || r.Attempts != 0 {
		t.Fatalf("run mid-extraction: %+v, %v", r, err)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}

	eng = open(t, path, nil)
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed || done.Attempts != 1 || done.MemoriesCreated != 1 {
		t.Fatalf("resumed run %+v", done)
	}
	if got := contents(t, eng, nil); fmt.Sprint(got) != "[Interrupted fact.]" {
		t.Fatalf("memories %q", got)
	}
}

func TestReopenKeepsRunsAndMemories(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "reopen.db")
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var runs []*mnemo.Run
	for i := range 5 {
		r := add(t, eng, mnemo.Text(fmt.Sprintf("Fact number %d is stored.", i)), &mnemo.AddOptions{UserID: "u"})
		runs = append(runs, wait(t, eng, r.ID))
	}
	before, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "u"})
	if err != nil {
		t.Fatal(err)
	}
	eng.Close()

	eng = open(t, path, nil)
	for _, r := range runs {
		got, err := eng.Runs.Get(ctxT(t), r.ID)
		if err != nil || fmt.Sprint(*got) != fmt.Sprint(*r) {
			t.Fatalf("run after reopen\n got %+v (%v)\nwant %+v", got, err, r)
		}
	}
	after, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "u"})
	if err != nil || fmt.Sprint(after) != fmt.Sprint(before) || after.Total != 5 {
		t.Fatalf("memories after reopen\n got %+v (%v)\nwant %+v", after, err, before)
	}
}

func TestConcurrentAddsAllComplete(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Workers: 4})
	const n = 64
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := eng.Memories.Add(ctxT(t), mnemo.Text(fmt.Sprintf("Concurrent fact %d.", i)), &mnemo.AddOptions{UserID: "c"})
			if err != nil {
				errs <- err
				return
			}
			ids[i] = r.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, id := range ids {
		if r := wait(t, eng, id); r.Status != mnemo.Completed || r.MemoriesCreated != 1 {
			t.Fatalf("run %+v", r)
		}
	}
	page, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "c", Limit: 10})
	if err != nil || page.Total != n || len(page.Memories) != 10 || page.Next == "" {
		t.Fatalf("page %+v, %v", page, err)
	}
}

func TestDocumentIDConflict(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	first := add(t, eng, mnemo.Text("Version one."), &mnemo.AddOptions{UserID: "u", DocumentID: "notes.md"})
	_, err := eng.Memories.Add(ctxT(t), mnemo.Text("Version two."), &mnemo.AddOptions{UserID: "u", DocumentID: "notes.md"})
	if !errors.Is(err, mnemo.ErrConflict) || !strings.Contains(err.Error(), first.ID) {
		t.Fatalf("second add of the document: %v", err)
	}
	add(t, eng, mnemo.Text("Another user's notes."), &mnemo.AddOptions{UserID: "v", DocumentID: "notes.md"})
}

func TestRunsList(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Extractor: pipeline.ExtractorFunc(func(_ context.Context, req mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		if req.Text == "fail" {
			return nil, pipeline.Permanent(errors.New("no"))
		}
		return []mnemo.Fact{{Content: req.Text}}, nil
	})})
	var all []string
	for i, text := range []string{"a", "fail", "b", "fail", "c"} {
		r := add(t, eng, mnemo.Text(text), &mnemo.AddOptions{UserID: []string{"x", "y"}[i%2]})
		wait(t, eng, r.ID)
		all = append(all, r.ID)
	}
	ctx := ctxT(t)
	page, err := eng.Runs.List(ctx, &mnemo.RunListOptions{Statuses: []mnemo.Status{mnemo.Failed}})
	if err != nil || len(page.Runs) != 2 || page.Runs[0].ID != all[1] || page.Runs[1].ID != all[3] || page.Next != "" {
		t.Fatalf("failed runs: %+v, %v", page, err)
	}
	var ids []string
	cursor := ""
	for {
		page, err := eng.Runs.List(ctx, &mnemo.RunListOptions{UserID: "x", Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Runs {
			ids = append(ids, r.ID)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if want := []string{all[0], all[2], all[4]}; !slices.Equal(ids, want) {
		t.Fatalf("user x runs %v, want %v", ids, want)
	}
}

func TestDeleteMemory(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	run := wait(t, eng, add(t, eng, mnemo.Text("Forget me."), nil).ID)
	ctx := ctxT(t)
	id := run.MemoryIDs[0]
	if err := eng.Memories.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.Get(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := eng.Memories.Delete(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	if got := contents(t, eng, nil); len(got) != 0 {
		t.Fatalf("listing after delete: %q", got)
	}
}

func TestClosedEngine(t *testing.T) {
	t.Parallel()
	g := newGate()
	eng, _ := setup(t, &mnemo.Options{Extractor: g, ShutdownTimeout: time.Millisecond})
	ctx := ctxT(t)
	run := add(t, eng, mnemo.Text("pending"), nil)
	<-g.entered
	waitErr := make(chan error)
	go func() {
		_, err := eng.Runs.Wait(ctx, run.ID)
		waitErr <- err
	}()
	watch, err := eng.Runs.Watch(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-waitErr; !errors.Is(err, mnemo.ErrClosed) {
		t.Fatalf("Wait interrupted by Close: %v", err)
	}
	for range watch { // closed by Close
	}
	if err := eng.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	calls := map[string]error{}
	_, calls["Add"] = eng.Memories.Add(ctx, mnemo.Text("x"), nil)
	_, calls["Memories.Get"] = eng.Memories.Get(ctx, run.ID)
	_, calls["Memories.List"] = eng.Memories.List(ctx, nil)
	calls["Memories.Delete"] = eng.Memories.Delete(ctx, run.ID)
	_, calls["Runs.Get"] = eng.Runs.Get(ctx, run.ID)
	_, calls["Runs.Wait"] = eng.Runs.Wait(ctx, run.ID)
	_, calls["Runs.WaitFor"] = eng.Runs.WaitFor(ctx, run.ID, mnemo.Running)
	_, calls["Runs.Watch"] = eng.Runs.Watch(ctx, run.ID)
	_, calls["Runs.List"] = eng.Runs.List(ctx, nil)
	for name, err := range calls {
		if !errors.Is(err, mnemo.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
}

func TestOpenCorruptFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "corrupt.db")
	junk := []byte(strings.Repeat("not a database, just text. ", 4096))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mnemo.Open(path, nil); !errors.Is(err, mnemo.ErrCorrupt) {
		t.Fatalf("Open of a text file: %v", err)
	}
	if _, err := mnemo.Open(filepath.Join(t.TempDir(), "missing-dir", "x.db"), nil); err == nil {
		t.Fatal("Open in a missing folder succeeded")
	}
}
