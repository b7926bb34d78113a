package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/pipeline"
)

var bufferT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// summarizing is the contract's pipeline: commit each run's facts, buffer them, and fold each firing
// into the scope's summary (topic "summary").
func summarizing(t buffer.Trigger) *pipeline.Pipeline {
	return pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(t), pipeline.Summarize("summary"), pipeline.Commit())
}

// buffered opens an engine on a fake clock with pipe, and returns it with the clock and its file.
func buffered(t *testing.T, pipe *pipeline.Pipeline) (*mnemo.Engine, *clock.Fake, string) {
	t.Helper()
	clk := clock.NewFake(bufferT0)
	eng, path := setup(t, &mnemo.Options{Pipeline: pipe, Clock: clk})
	return eng, clk, path
}

func waitStatus(t *testing.T, eng *mnemo.Engine, id string, st mnemo.Status) *mnemo.Run {
	t.Helper()
	r, err := eng.Runs.WaitFor(ctxT(t), id, st)
	if err != nil {
		t.Fatalf("WaitFor(%s) of run %s: %v (run %+v)", st, id, err, r)
	}
	return r
}

// park adds a one-sentence text for user (with props) and waits until its run is parked.
func park(t *testing.T, eng *mnemo.Engine, user string, props map[string]string, text string) *mnemo.Run {
	t.Helper()
	r := add(t, eng, mnemo.Text(text), &mnemo.AddOptions{UserID: user, Properties: props})
	return waitStatus(t, eng, r.ID, mnemo.InBuffer)
}

// status returns the run's status now.
func statusOf(t *testing.T, eng *mnemo.Engine, id string) mnemo.Status {
	t.Helper()
	r, err := eng.Runs.Get(ctxT(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// summaryOf returns the scope's summary memory.
func summaryOf(t *testing.T, eng *mnemo.Engine, opts mnemo.ListOptions) *mnemo.Memory {
	t.Helper()
	opts.Topics = []string{"summary"}
	opts.Limit = 10
	page, err := eng.Memories.List(ctxT(t), &opts)
	if err != nil || len(page.Memories) != 1 {
		t.Fatalf("summaries of %+v: %+v, %v; want one", opts, page, err)
	}
	return &page.Memories[0]
}

// TestBufferCountTrigger parks two runs; the third fills the buffer (count 3): all three resume
// together, each ends completed with its own memory and the firing's summary, which holds all three
// facts.
func TestBufferCountTrigger(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 3}))
	texts := []string{"Alice plays the oboe.", "Alice lives in Porto.", "Alice keeps two cats."}
	var ids []string
	for i, text := range texts {
		r := add(t, eng, mnemo.Text(text), &mnemo.AddOptions{UserID: "alice"})
		ids = append(ids, r.ID)
		if i < 2 {
			if parked := waitStatus(t, eng, r.ID, mnemo.InBuffer); parked.Step != 3 || parked.MemoriesCreated != 1 {
				t.Fatalf("parked run %+v", parked)
			}
		}
	}
	var summaryID string
	for i, id := range ids {
		r := wait(t, eng, id)
		if r.Status != mnemo.Completed || r.MemoriesCreated != 2 || len(r.CommittedOperations.Updated) != 0 || r.Step != 6 {
			t.Fatalf("run %d ended %+v", i, r)
		}
		own, firing := r.MemoryIDs[0], r.MemoryIDs[1]
		if m, err := eng.Memories.Get(ctxT(t), own); err != nil || m.Content != texts[i] {
			t.Fatalf("run %d's own memory: %+v, %v", i, m, err)
		}
		if summaryID == "" {
			summaryID = firing
		} else if firing != summaryID {
			t.Fatalf("runs of one firing name different summaries: %s, %s", summaryID, firing)
		}
	}
	s := summaryOf(t, eng, mnemo.ListOptions{UserID: "alice"})
	if s.ID != summaryID || s.Content != strings.Join(texts, "\n") || s.Version != 1 || len(s.Sources) != 3 {
		t.Fatalf("summary %+v", s)
	}
	if infos, err := eng.Buffers.List(ctxT(t), nil); err != nil || len(infos) != 0 {
		t.Fatalf("buffers after the firing: %+v, %v", infos, err)
	}
}

// TestBufferSinceFirstTrigger fires a buffer an hour after its first item, however many arrive.
func TestBufferSinceFirstTrigger(t *testing.T) {
	t.Parallel()
	eng, clk, _ := buffered(t, summarizing(buffer.Trigger{SinceFirst: time.Hour}))
	a := park(t, eng, "u", nil, "The first thing said.")
	clk.Advance(40 * time.Minute)
	b := park(t, eng, "u", nil, "The second thing said.")
	infos, err := eng.Buffers.List(ctxT(t), nil)
	if err != nil || len(infos) != 1 || infos[0].Items != 2 || infos[0].Runs != 2 || !infos[0].Active ||
		!infos[0].FirstItemAt.Equal(bufferT0) || !infos[0].LastItemAt.Equal(bufferT0.Add(40*time.Minute)) ||
		!infos[0].FiresAt.Equal(bufferT0.Add(time.Hour)) || infos[0].Step != 3 || infos[0].UserID != "u" {
		t.Fatalf("buffers: %+v, %v", infos, err)
	}
	clk.Advance(19 * time.Minute)
	if st := statusOf(t, eng, a.ID); st != mnemo.InBuffer {
		t.Fatalf("59 minutes after its first item the buffer fired: run %s", st)
	}
	clk.Advance(time.Minute)
	for _, id := range []string{a.ID, b.ID} {
		if r := wait(t, eng, id); r.Status != mnemo.Completed {
			t.Fatalf("run %+v", r)
		}
	}
}

// TestBufferSinceLastTrigger fires a buffer when no item has come for ten minutes: each item puts it
// off.
func TestBufferSinceLastTrigger(t *testing.T) {
	t.Parallel()
	eng, clk, _ := buffered(t, summarizing(buffer.Trigger{SinceLast: 10 * time.Minute}))
	a := park(t, eng, "u", nil, "A conversation starts.")
	clk.Advance(6 * time.Minute)
	b := park(t, eng, "u", nil, "It goes on a while.")
	clk.Advance(6 * time.Minute) // 12 minutes after the first item, 6 after the last
	if st := statusOf(t, eng, a.ID); st != mnemo.InBuffer {
		t.Fatalf("the buffer fired 6 minutes after its last item: run %s", st)
	}
	clk.Advance(4 * time.Minute)
	for _, id := range []string{a.ID, b.ID} {
		if r := wait(t, eng, id); r.Status != mnemo.Completed {
			t.Fatalf("run %+v", r)
		}
	}
	if s := summaryOf(t, eng, mnemo.ListOptions{UserID: "u"}); s.Content != "A conversation starts.\nIt goes on a while." {
		t.Fatalf("summary %q", s.Content)
	}
}

// TestBufferScopes fills buffers of several scopes at once: a buffer holds one user's items only,
// and items whose properties differ in one value are in different buffers.
func TestBufferScopes(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 2}))
	c1 := map[string]string{"conversation_id": "c1"}
	c2 := map[string]string{"conversation_id": "c2"}
	bob := park(t, eng, "bob", c1, "Bob rides a tandem.")
	alice1 := park(t, eng, "alice", c1, "Alice bakes bread on Sundays.")
	alice2 := park(t, eng, "alice", c2, "Alice reads Borges.")
	infos, err := eng.Buffers.List(ctxT(t), nil)
	if err != nil || len(infos) != 3 {
		t.Fatalf("three scopes, %d buffers: %+v, %v", len(infos), infos, err)
	}
	if only, err := eng.Buffers.List(ctxT(t), &mnemo.BufferListOptions{UserID: "ALICE", Properties: c2}); err != nil || len(only) != 1 || only[0].Runs != 1 {
		t.Fatalf("alice's c2 buffer: %+v, %v", only, err)
	}
	done := add(t, eng, mnemo.Text("Alice grows tomatoes."), &mnemo.AddOptions{UserID: "alice", Properties: c1})
	for _, id := range []string{alice1.ID, done.ID} {
		if r := wait(t, eng, id); r.Status != mnemo.Completed {
			t.Fatalf("run %+v", r)
		}
	}
	for _, r := range []*mnemo.Run{bob, alice2} {
		if st := statusOf(t, eng, r.ID); st != mnemo.InBuffer {
			t.Fatalf("run %s of another scope is %s", r.ID, st)
		}
	}
	s := summaryOf(t, eng, mnemo.ListOptions{UserID: "alice", Properties: c1})
	if s.Content != "Alice bakes bread on Sundays.\nAlice grows tomatoes." || s.Properties["conversation_id"] != "c1" {
		t.Fatalf("alice's c1 summary %+v", s)
	}
}

// TestBufferFlush fires the buffers of one scope now: Flush returns how many runs resumed, leaves
// other scopes' buffers, and a second firing updates the summary in place.
func TestBufferFlush(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 100}))
	ctx := ctxT(t)
	a := park(t, eng, "alice", nil, "Alice takes the 8:15 train.")
	b := park(t, eng, "alice", nil, "Alice works in Lyon.")
	other := park(t, eng, "bob", nil, "Bob works from home.")
	if page, err := eng.Runs.List(ctx, &mnemo.RunListOptions{Statuses: []mnemo.Status{mnemo.InBuffer}}); err != nil || len(page.Runs) != 3 {
		t.Fatalf("in_buffer runs: %+v, %v", page, err)
	}
	if n, err := eng.Buffers.Flush(ctx, &mnemo.FlushOptions{UserID: "nobody"}); err != nil || n != 0 {
		t.Fatalf("Flush of an empty scope: %d, %v", n, err)
	}
	n, err := eng.Buffers.Flush(ctx, &mnemo.FlushOptions{UserID: "alice"})
	if err != nil || n != 2 {
		t.Fatalf("Flush: %d, %v; want 2", n, err)
	}
	for _, id := range []string{a.ID, b.ID} {
		if r := wait(t, eng, id); r.Status != mnemo.Completed || len(r.CommittedOperations.Created) != 2 {
			t.Fatalf("run %+v", r)
		}
	}
	if st := statusOf(t, eng, other.ID); st != mnemo.InBuffer {
		t.Fatalf("bob's run is %s", st)
	}
	first := summaryOf(t, eng, mnemo.ListOptions{UserID: "alice"})
	c := park(t, eng, "alice", nil, "Alice moved to Grenoble.")
	if n, err := eng.Buffers.Flush(ctx, &mnemo.FlushOptions{UserID: "alice"}); err != nil || n != 1 {
		t.Fatalf("second Flush: %d, %v", n, err)
	}
	r := wait(t, eng, c.ID)
	second := summaryOf(t, eng, mnemo.ListOptions{UserID: "alice"})
	if r.Status != mnemo.Completed || len(r.CommittedOperations.Updated) != 1 || r.CommittedOperations.Updated[0].MemoryID != first.ID ||
		second.ID != first.ID || second.Version != 2 || !strings.HasSuffix(second.Content, "Alice moved to Grenoble.") ||
		!second.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("second firing: run %+v, summary %+v (was %+v)", r, second, first)
	}
	if n, err := eng.Buffers.Flush(ctx, nil); err != nil || n != 1 {
		t.Fatalf("Flush of everything: %d, %v", n, err)
	}
	wait(t, eng, other.ID)
}

// TestBufferSurvivesRestart closes an engine with runs parked and reopens the file: the items and
// times are intact, a trigger due while the file was closed fires at Open, and one not yet due fires
// on time after.
func TestBufferSurvivesRestart(t *testing.T) {
	t.Parallel()
	pipe := summarizing(buffer.Trigger{SinceLast: 10 * time.Minute})
	eng, clk, path := buffered(t, pipe)
	a := park(t, eng, "due", nil, "This buffer comes due while the file is closed.")
	clk.Advance(8 * time.Minute)
	b := park(t, eng, "later", nil, "This one after the file is open again.")
	before, err := eng.Buffers.List(ctxT(t), nil)
	if err != nil || len(before) != 2 {
		t.Fatalf("buffers %+v, %v", before, err)
	}
	eng.Close()

	clk2 := clock.NewFake(bufferT0.Add(12 * time.Minute)) // "due" was due at 10 minutes
	eng2, err := mnemo.Open(path, &mnemo.Options{Pipeline: pipe, Clock: clk2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng2.Close() })
	if r := wait(t, eng2, a.ID); r.Status != mnemo.Completed {
		t.Fatalf("run due while closed: %+v", r)
	}
	after, err := eng2.Buffers.List(ctxT(t), nil)
	if err != nil || len(after) != 1 || after[0].UserID != "later" || after[0].Items != 1 ||
		!after[0].LastItemAt.Equal(bufferT0.Add(8*time.Minute)) || !after[0].FiresAt.Equal(bufferT0.Add(18*time.Minute)) {
		t.Fatalf("buffers after reopening: %+v, %v", after, err)
	}
	clk2.Advance(6 * time.Minute)
	if r := wait(t, eng2, b.ID); r.Status != mnemo.Completed || r.MemoriesCreated != 2 {
		t.Fatalf("run that waited across the restart: %+v", r)
	}
}

// TestBufferDownstreamFailure fails the summary of a firing: every run of the firing ends with the
// error, partial_success where its own facts were committed before the buffer, failed where nothing
// was.
func TestBufferDownstreamFailure(t *testing.T) {
	t.Parallel()
	broken := pipeline.SummarizerFunc(func(context.Context, mnemo.SummarizeRequest) (string, error) {
		return "", pipeline.Permanent(errors.New("the summary model is down"))
	})
	for _, tc := range []struct {
		name string
		pipe *pipeline.Pipeline
		want mnemo.Status
	}{
		{"committed before the buffer", summarizing(buffer.Trigger{Count: 2}), mnemo.PartialSuccess},
		{"nothing committed before", pipeline.New(pipeline.Extract(), pipeline.Transform(),
			pipeline.Buffer(buffer.Trigger{Count: 2}), pipeline.Summarize("summary"), pipeline.Commit()), mnemo.Failed},
	} {
		eng, _ := setup(t, &mnemo.Options{Pipeline: tc.pipe, Summarizer: broken})
		a := park(t, eng, "u", nil, "One fact.")
		b := add(t, eng, mnemo.Text("Another fact."), &mnemo.AddOptions{UserID: "u"})
		for _, id := range []string{a.ID, b.ID} {
			r := wait(t, eng, id)
			if r.Status != tc.want || !strings.Contains(r.Error, "the summary model is down") {
				t.Errorf("%s: run %+v; want %s with the error", tc.name, r, tc.want)
			}
		}
	}
}

// TestBufferPassedWhenNothingToBuffer adds a conversation of chit-chat only: the run has no item to
// park, so it does not wait for the buffer.
func TestBufferPassedWhenNothingToBuffer(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 10}))
	r := add(t, eng, mnemo.Conversation(mnemo.Message{Role: "user", Content: "Hi!"}, mnemo.Message{Role: "assistant", Content: "Thanks!"}), nil)
	if done := wait(t, eng, r.ID); done.Status != mnemo.Completed || done.MemoriesCreated != 0 {
		t.Fatalf("run %+v", done)
	}
}

// TestBufferedPipelineValidation refuses at Open the pipelines that cannot work.
func TestBufferedPipelineValidation(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]*pipeline.Pipeline{
		"buffer with no trigger":         pipeline.New(pipeline.Extract(), pipeline.Buffer(buffer.Trigger{}), pipeline.Commit()),
		"negative count":                 pipeline.New(pipeline.Extract(), pipeline.Buffer(buffer.Trigger{Count: -1}), pipeline.Commit()),
		"summarize with no commit after": pipeline.New(pipeline.Extract(), pipeline.Commit(), pipeline.Summarize("s")),
		"buffer with no commit after":    pipeline.New(pipeline.Extract(), pipeline.Commit(), pipeline.Buffer(buffer.Trigger{Count: 1})),
		"empty topic":                    pipeline.New(pipeline.Extract(), pipeline.Summarize(" "), pipeline.Commit()),
	} {
		_, err := mnemo.Open(filepath.Join(t.TempDir(), "x.db"), &mnemo.Options{Pipeline: p})
		if !errors.Is(err, mnemo.ErrInvalidInput) {
			t.Errorf("%s: Open = %v, want ErrInvalidInput", name, err)
		}
	}
}

// TestBufferOtherPipeline reopens a file with parked runs with a pipeline that has no buffer at
// their step: the runs stay parked, the engine says so, Flush leaves them, and the original pipeline
// fires them later.
func TestBufferOtherPipeline(t *testing.T) {
	t.Parallel()
	pipe := summarizing(buffer.Trigger{Count: 2})
	eng, _, path := buffered(t, pipe)
	parked := park(t, eng, "u", nil, "Parked under the first pipeline.")
	eng.Close()

	capture, logger := newLogCapture(slog.LevelInfo)
	other, err := mnemo.Open(path, &mnemo.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if !capture.waitN(ctx, 1, logged(slog.LevelWarn, "mnemo: runs parked at a buffer step this pipeline does not have; they stay parked, safe, until the file is opened with a pipeline that has a buffer at that step", "", "")) {
		t.Fatal("Open did not say what it did with the parked runs")
	}
	infos, err := other.Buffers.List(ctx, nil)
	if err != nil || len(infos) != 1 || infos[0].Active || infos[0].Runs != 1 {
		t.Fatalf("buffers under the other pipeline: %+v, %v", infos, err)
	}
	if n, err := other.Buffers.Flush(ctx, nil); err != nil || n != 0 {
		t.Fatalf("Flush under the other pipeline: %d, %v", n, err)
	}
	if st := statusOf(t, other, parked.ID); st != mnemo.InBuffer {
		t.Fatalf("parked run under the other pipeline: %s", st)
	}
	other.Close()

	again := open(t, path, &mnemo.Options{Pipeline: pipe})
	if n, err := again.Buffers.Flush(ctx, nil); err != nil || n != 1 {
		t.Fatalf("Flush under the first pipeline again: %d, %v", n, err)
	}
	if r := wait(t, again, parked.ID); r.Status != mnemo.Completed {
		t.Fatalf("run %+v", r)
	}
}

// TestBufferWatch follows a run through its buffer: queued, running, in_buffer, running, completed.
func TestBufferWatch(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 100}))
	r := add(t, eng, mnemo.Text("Watched through its buffer."), nil)
	ch, err := eng.Runs.Watch(ctxT(t), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for run := range ch {
		seen = append(seen, string(run.Status))
		if run.Status == mnemo.InBuffer {
			if n, err := eng.Buffers.Flush(ctxT(t), nil); err != nil || n != 1 {
				t.Fatalf("Flush: %d, %v", n, err)
			}
		}
	}
	want := "[running in_buffer running completed]"
	if seen[0] == "queued" {
		want = "[queued running in_buffer running completed]"
	}
	if fmt.Sprint(seen) != want {
		t.Fatalf("watched %v, want %s", seen, want)
	}
}

// TestSummarizeWithoutBuffer keeps a user profile with no buffer: each run folds its facts into the
// scope's summary as it commits them.
func TestSummarizeWithoutBuffer(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Pipeline: pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Summarize("profile"), pipeline.Commit())})
	first := wait(t, eng, add(t, eng, mnemo.Text("Ann is a nurse."), &mnemo.AddOptions{UserID: "ann"}).ID)
	second := wait(t, eng, add(t, eng, mnemo.Text("Ann moved to Leeds."), &mnemo.AddOptions{UserID: "ann"}).ID)
	page, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "ann", Topics: []string{"profile"}})
	if err != nil || len(page.Memories) != 1 {
		t.Fatalf("profiles: %+v, %v", page, err)
	}
	p := page.Memories[0]
	if first.Status != mnemo.Completed || len(first.CommittedOperations.Created) != 2 ||
		second.Status != mnemo.Completed || len(second.CommittedOperations.Updated) != 1 || second.CommittedOperations.Updated[0].MemoryID != p.ID ||
		p.Version != 2 || p.Content != "Ann is a nurse.\nAnn moved to Leeds." {
		t.Fatalf("runs %+v, %+v; profile %+v", first, second, p)
	}
}
