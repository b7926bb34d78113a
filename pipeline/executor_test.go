package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// fixture is an executor over a real store in a temporary file.
type fixture struct {
	t     *testing.T
	store *store.Store
	hub   *status.Hub
	exec  *Executor
	clock *clock.Fake
	pipe  *Pipeline
}

// wordsExtractor makes one fact per text, or one per message, prefixed by the speaker's role.
var wordsExtractor = ExtractorFunc(func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
	if req.Messages == nil {
		return []memory.Fact{{Content: req.Text}}, nil
	}
	var facts []memory.Fact
	for i, m := range req.Messages {
		facts = append(facts, memory.Fact{Content: m.Role + ": " + m.Content, EventTime: m.CreatedAt,
			Sources: []memory.Source{{RunID: req.RunID, Input: i, MessageID: m.ID}}})
	}
	return facts, nil
})

func setup(t *testing.T, ex Extractor, pipe *Pipeline) *fixture {
	return setupWith(t, ex, pipe, Config{}, store.Options{})
}

// setupWith is setup with a configuration and store options to start from.
func setupWith(t *testing.T, ex Extractor, pipe *Pipeline, cfg Config, so store.Options) *fixture {
	t.Helper()
	hub := status.NewHub()
	so.OnRunChange = hub.Publish
	st, err := store.Open(filepath.Join(t.TempDir(), "x.db"), so)
	if err != nil {
		t.Fatal(err)
	}
	if pipe == nil {
		pipe = Default()
	}
	f := &fixture{t: t, store: st, hub: hub, clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), pipe: pipe}
	cfg.Store, cfg.Pipeline, cfg.Extractor, cfg.Clock, cfg.Workers = st, pipe, ex, f.clock, 2
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Second
	}
	f.exec = NewExecutor(cfg)
	t.Cleanup(func() {
		f.exec.Stop(context.Background())
		hub.Close()
		st.Close()
	})
	return f
}

// add stores a queued run for p, as Engine.Add does, without starting it.
func (f *fixture) add(p Payload, userID string) status.Run {
	f.t.Helper()
	start, err := f.pipe.StartingStep(p.Type)
	if err != nil {
		f.t.Fatal(err)
	}
	data := p.Encode()
	r, err := f.store.CreateRun(status.Run{
		ID: uuid.Must(uuid.NewV7()).String(), Status: status.Queued, Group: "default", UserID: userID,
		InputType: p.Type, Steps: f.pipe.Names(), StartingStep: start, Step: start,
		CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now(),
	}, data)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) wait(id string) status.Run {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := f.hub.WaitFor(ctx, id, func(_ context.Context, id string) (status.Run, error) { return f.store.Run(id) })
	if err != nil {
		f.t.Fatalf("wait for run %s: %v (last seen %+v)", id, err, r)
	}
	return r
}

func (f *fixture) contents(userID string) []string {
	f.t.Helper()
	page, err := f.store.ListMemories(store.MemoryFilter{Scope: store.Scope{Group: "default", UserID: userID}}, "", 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, m := range page.Memories {
		out = append(out, m.Content)
	}
	return out
}

func TestExecutorRunsEachInputType(t *testing.T) {
	t.Parallel()
	f := setup(t, wordsExtractor, nil)
	f.exec.Start()
	at := time.Date(2025, 5, 8, 13, 56, 0, 0, time.UTC)
	runs := []status.Run{
		f.add(Payload{Type: status.InputString, Texts: []string{"Alice likes tea.", "Alice likes tea!"}}, "text"),
		f.add(Payload{Type: status.InputConversation, Messages: []memory.Message{
			{ID: "m1", Role: "user", Content: "I moved to Berlin.", CreatedAt: at}}}, "conv"),
		f.add(Payload{Type: status.InputPreExtracted, Items: []memory.Item{{Content: "Bob is vegan.", Topic: "food"}}}, "items"),
	}
	f.exec.Enqueue(runs[0].ID, runs[1].ID, runs[2].ID)
	for _, r := range runs {
		done := f.wait(r.ID)
		if done.Status != status.Completed || done.Step != 3 || done.Attempts != 1 || done.MemoriesCreated != 1 ||
			len(done.CommittedOperations.Created) != 1 || done.MemoryIDs[0] != done.CommittedOperations.Created[0].MemoryID {
			t.Fatalf("run %s ended %+v", r.InputType, done)
		}
		m, err := f.store.Memory(done.MemoryIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if m.Sources[0].RunID != r.ID {
			t.Fatalf("memory %+v does not name its run", m)
		}
		switch r.InputType {
		case status.InputConversation:
			if !m.EventTime.Equal(at) || m.Sources[0].MessageID != "m1" || m.Content != "user: I moved to Berlin." {
				t.Fatalf("conversation memory %+v", m)
			}
		case status.InputPreExtracted:
			if m.Topic != "food" || m.Content != "Bob is vegan." {
				t.Fatalf("pre-extracted memory %+v", m)
			}
		case status.InputString:
			if len(m.Sources) != 2 {
				t.Fatalf("duplicate texts should merge their sources: %+v", m.Sources)
			}
		}
	}
	// The same fact again in the same scope is a no-op; in another scope it is new.
	again := f.add(Payload{Type: status.InputString, Texts: []string{"alice LIKES tea"}}, "text")
	other := f.add(Payload{Type: status.InputString, Texts: []string{"alice LIKES tea"}}, "someone-else")
	f.exec.Enqueue(again.ID, other.ID)
	if r := f.wait(again.ID); r.Status != status.Completed || r.MemoriesCreated != 0 {
		t.Fatalf("duplicate run: %+v", r)
	}
	if r := f.wait(other.ID); r.MemoriesCreated != 1 {
		t.Fatalf("other scope: %+v", r)
	}
	if got := f.contents("text"); len(got) != 1 {
		t.Fatalf("scope holds %q", got)
	}
}

// TestExecutorResumesAfterLastFinishedStep stores a run as a process that died after its extract
// step would have left it, and checks that a new executor finishes it from the checkpoint, without
// extracting again.
func TestExecutorResumesAfterLastFinishedStep(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	f := setup(t, ExtractorFunc(func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
		calls.Add(1)
		return nil, errors.New("extract must not run again")
	}), nil)
	r := f.add(Payload{Type: status.InputString, Texts: []string{"original text"}}, "u")
	// The checkpoint as schema 1 wrote it (JSON, one key): resumed runs of an older file read it.
	cp, _ := json.Marshal(&batch{Inputs: 1, Facts: []memory.Fact{{Content: "From the checkpoint.", Sources: []memory.Source{{RunID: r.ID}}}}})
	_, err := f.store.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		run.Status, run.Step, run.Attempts = status.Running, 1, 1
		return t.PutCheckpoint(run.ID, store.NewCheckpoint(0, cp))
	})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := f.store.PendingRuns()
	if err != nil || len(ids) != 1 {
		t.Fatalf("pending: %v, %v", ids, err)
	}
	if err := f.store.Requeue(ids, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.exec.Start()
	f.exec.Enqueue(ids...)
	done := f.wait(r.ID)
	if done.Status != status.Completed || done.Attempts != 2 || calls.Load() != 0 {
		t.Fatalf("resumed run %+v; extractor called %d times", done, calls.Load())
	}
	if got := f.contents("u"); fmt.Sprint(got) != "[From the checkpoint.]" {
		t.Fatalf("memories %q", got)
	}
}

func TestExecutorRetriesTransientErrorsOnItsClock(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	f := setup(t, ExtractorFunc(func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
		if calls.Add(1) < 3 {
			return nil, errors.New("model server busy")
		}
		return []memory.Fact{{Content: req.Text}}, nil
	}), nil)
	f.exec.Start()
	r := f.add(Payload{Type: status.InputString, Texts: []string{"Third time lucky."}}, "u")
	f.exec.Enqueue(r.ID)
	// Backoff is 1 s, then 2 s, each with up to a quarter more of jitter: the run waits on the fake
	// clock until the test moves it past the longest wait.
	for _, d := range []time.Duration{time.Second, 2 * time.Second} {
		if !f.clock.WaitForWaiters(1, nil) {
			t.Fatal("no backoff wait")
		}
		f.clock.Advance(d - time.Millisecond)
		if f.clock.Waiters() != 1 {
			t.Fatalf("the wait after %v ended early", d-time.Millisecond)
		}
		f.clock.Advance(d/4 + time.Millisecond)
	}
	if done := f.wait(r.ID); done.Status != status.Completed || calls.Load() != 3 || done.MemoriesCreated != 1 {
		t.Fatalf("run %+v after %d calls", done, calls.Load())
	}
}

func TestExecutorFailures(t *testing.T) {
	t.Parallel()
	f := setup(t, ExtractorFunc(func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
		switch {
		case strings.Contains(req.Text, "panic"):
			panic("extractor bug")
		case strings.Contains(req.Text, "bad"):
			return nil, Permanent(errors.New("cannot parse"))
		}
		return []memory.Fact{{Content: req.Text}}, nil
	}), nil)
	f.exec.Start()
	partial := f.add(Payload{Type: status.InputString, Texts: []string{"good one", "bad one", "another good one"}}, "p")
	failed := f.add(Payload{Type: status.InputString, Texts: []string{"bad", "panic"}}, "f")
	f.exec.Enqueue(partial.ID, failed.ID)

	p := f.wait(partial.ID)
	if p.Status != status.PartialSuccess || p.MemoriesCreated != 2 || !strings.Contains(p.Error, "input 1: extract: cannot parse") {
		t.Fatalf("partial run: %+v", p)
	}
	fr := f.wait(failed.ID)
	if fr.Status != status.Failed || fr.MemoriesCreated != 0 || !strings.Contains(fr.Error, "input 0") ||
		!strings.Contains(fr.Error, "input 1: extract: panic: extractor bug") {
		t.Fatalf("failed run: %+v", fr)
	}
	if fr.CompletedAt.IsZero() {
		t.Fatal("failed run has no completion time")
	}
}

// TestExecutorRunsOfAnotherPipeline resumes runs that were added with another pipeline: one that
// has not started moves onto the engine's and completes; one whose finished steps the engine's does
// not share fails, saying why.
func TestExecutorRunsOfAnotherPipeline(t *testing.T) {
	t.Parallel()
	f := setup(t, wordsExtractor, nil)
	fresh := f.add(Payload{Type: status.InputString, Texts: []string{"fresh"}}, "u")
	midway := f.add(Payload{Type: status.InputString, Texts: []string{"midway"}}, "u")
	for _, r := range []status.Run{fresh, midway} {
		_, err := f.store.UpdateRun(r.ID, 0, func(t *store.Tx, run *status.Run) error {
			run.Steps = []string{"extract", "commit"}
			if run.ID == midway.ID {
				run.Status, run.Step, run.Attempts = status.Running, 1, 1
				return t.PutCheckpoint(run.ID, store.NewCheckpoint(0, (&batch{Inputs: 1}).encode(run.ID)))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	f.exec.Start()
	f.exec.Enqueue(fresh.ID, midway.ID)
	if done := f.wait(fresh.ID); done.Status != status.Completed || fmt.Sprint(done.Steps) != "[extract transform commit]" {
		t.Fatalf("fresh run %+v", done)
	}
	if done := f.wait(midway.ID); done.Status != status.Failed || !strings.Contains(done.Error, "pipeline") {
		t.Fatalf("run mid-way %+v", done)
	}
}

// TestStopLeavesRunResumable stops the executor while an extraction blocks: Stop cancels it at its
// deadline and the run stays queued in the file (nothing of it was stored yet), for the next Open.
func TestStopLeavesRunResumable(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	f := setup(t, ExtractorFunc(func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}), nil)
	f.exec.Start()
	r := f.add(Payload{Type: status.InputString, Texts: []string{"slow"}}, "u")
	f.exec.Enqueue(r.ID)
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // deadline already passed: cancel the extraction at once
	if err := f.exec.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop = %v", err)
	}
	got, err := f.store.Run(r.ID)
	if err != nil || got.Status != status.Queued || got.Step != 0 || got.Error != "" {
		t.Fatalf("run after stop: %+v, %v", got, err)
	}
}

// panickyStep stands for a bug in a step: it panics when the executor asks what it is.
type panickyStep struct{}

func (panickyStep) Name() string    { return "transform" }
func (panickyStep) kind() stepKind  { panic("step bug") }
func (panickyStep) validate() error { return nil }

// TestPanicInAStepFailsTheRun runs a step that panics inside the executor: the run must end failed
// with the panic in its error, and the process live on.
func TestPanicInAStepFailsTheRun(t *testing.T) {
	t.Parallel()
	f := setup(t, wordsExtractor, New(Extract(), panickyStep{}, Commit()))
	f.exec.Start()
	r := f.add(Payload{Type: status.InputString, Texts: []string{"x"}}, "u")
	f.exec.Enqueue(r.ID)
	if done := f.wait(r.ID); done.Status != status.Failed || !strings.Contains(done.Error, "internal error: step bug") {
		t.Fatalf("run %+v", done)
	}
}
