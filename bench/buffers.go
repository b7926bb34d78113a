package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/pipeline"
)

// OpenParkedTarget is the most mnemo.Open may take on a file with BufferRuns runs parked.
const OpenParkedTarget = time.Second

// SummaryTopic is the topic of the Buffers benchmark's summaries, one per scope.
const SummaryTopic = "summary"

// BufferPipeline is the Buffers benchmark's pipeline: each run's facts committed, then parked in its
// scope's buffer, whose trigger (a count of a million items) never fires by itself during the
// benchmark, then folded into the scope's summary and committed when Flush fires the buffer.
func BufferPipeline() *pipeline.Pipeline {
	return pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(buffer.Trigger{Count: 1_000_000}), pipeline.Summarize(SummaryTopic), pipeline.Commit())
}

// BuffersRound is one round of the Buffers benchmark: BufferRuns runs parked in BufferScopes buffers,
// the engine closed and opened again, every buffer flushed, every run waited for, and the finished
// file replayed into raw bbolt.
type BuffersRound struct {
	// Runs is how many inputs were added; Scopes, in how many scopes.
	Runs, Scopes int
	// Accepted is the time from the first Add to the return of the last; Park, from the first Add
	// until every run was in_buffer.
	Accepted, Park time.Duration
	// Buffers is how many buffers Buffers.List described once every run was parked, and
	// BufferedRuns the sum of their runs.
	Buffers, BufferedRuns int
	// Close is the time Close took with every run parked; Open, the time mnemo.Open then took on
	// the same file with the same pipeline.
	Close, Open time.Duration
	// Flush is the time Buffers.Flush(ctx, nil) took, and Resumed what it returned; Complete is the
	// time from Flush's return until every run was completed.
	Flush    time.Duration
	Resumed  int
	Complete time.Duration
	// Memories is the sum of the runs' MemoriesCreated (each run's own memory and its scope's
	// summary); Summaries, the scopes' listing totals of SummaryTopic memories; Listed, the users'
	// listing totals of every memory; Superseded, the sum of the runs' deleted operations (facts that
	// contradicted an earlier one of their scope superseded it: it is no longer listed). All are read
	// after the last run completed.
	Memories, Summaries, Listed, Superseded int
	// FileFigures describe the finished file and the replay baseline.
	FileFigures
}

// ParkRate is the runs parked per second, first Add to every run in_buffer.
func (r BuffersRound) ParkRate() float64 { return float64(r.Runs) / r.Park.Seconds() }

// FlushRate is the runs completed per second, from the call of Flush until every run completed.
func (r BuffersRound) FlushRate() float64 { return float64(r.Runs) / (r.Flush + r.Complete).Seconds() }

// Work is the measured work of the round without the restart: parking, flushing, completion.
func (r BuffersRound) Work() time.Duration { return r.Park + r.Flush + r.Complete }

// Ratio is Work over the replay baseline's time.
func (r BuffersRound) Ratio() float64 { return r.Work().Seconds() / r.Replay.Seconds() }

// RunBuffers runs one round of the Buffers benchmark on a new file, with BufferPipeline:
//
//  1. Park: BufferRuns distinct one-sentence texts (MakeBufferTexts), BufferRunsPerScope in each of
//     BufferScopes scopes (BufferScope: BufferUsers users with BufferConversations conversation_id
//     values each), added by Callers goroutines; timed from the first Add until every run is
//     in_buffer (Runs.WaitFor on each; a run that ends instead is an error).
//  2. Restart: Close, timed, then mnemo.Open of the same file with the same pipeline, timed.
//  3. Flush: Buffers.Flush(ctx, nil), timed (it must resume every run), then, timed separately,
//     Runs.Wait on every run: each must end completed with two memories created, its own and its
//     scope's summary. Then every scope must list one summary.
//
// The baseline is the end-to-end benchmarks' (see RunConversations): the finished file's keys and
// values replayed into a new bbolt file, ReplayBatch puts per Update.
func RunBuffers(ctx context.Context) (BuffersRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, "buffers")
	if err != nil {
		return BuffersRound{}, err
	}
	defer cleanup()
	path := filepath.Join(dir, "buffers.db")
	texts := MakeBufferTexts(BufferRuns)
	opts := make([]*mnemo.AddOptions, len(texts))
	for i := range opts {
		u, c := BufferScope(i)
		opts[i] = &mnemo.AddOptions{UserID: u, Properties: map[string]string{"conversation_id": c}}
	}
	pipe := BufferPipeline()
	r := BuffersRound{Runs: len(texts), Scopes: BufferScopes}

	ids, err := r.park(ctx, path, pipe, texts, opts)
	if err != nil {
		return r, err
	}
	if err := r.flush(ctx, path, pipe, ids); err != nil {
		return r, err
	}
	return r, r.measureFile(path, dir)
}

// park opens a new engine at path, parks the runs, and closes it, timing the Close.
func (r *BuffersRound) park(ctx context.Context, path string, pipe *pipeline.Pipeline, texts []string, opts []*mnemo.AddOptions) ([]string, error) {
	eng, err := mnemo.Open(path, &mnemo.Options{Pipeline: pipe})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	start := time.Now()
	ids, err := addConcurrently(ctx, eng, len(texts), Callers, func(i int) (mnemo.Input, *mnemo.AddOptions) {
		return mnemo.Text(texts[i]), opts[i]
	})
	if err != nil {
		return nil, fmt.Errorf("buffers: add: %w", err)
	}
	r.Accepted = time.Since(start)
	for _, id := range ids {
		run, err := eng.Runs.WaitFor(ctx, id, mnemo.InBuffer)
		if err != nil {
			if run != nil {
				return nil, fmt.Errorf("buffers: wait for run %s to park: %w (it is %s: %s)", id, err, run.Status, run.Error)
			}
			return nil, fmt.Errorf("buffers: wait for run %s to park: %w", id, err)
		}
	}
	r.Park = time.Since(start)

	infos, err := eng.Buffers.List(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("buffers: list the buffers: %w", err)
	}
	r.Buffers = len(infos)
	for _, b := range infos {
		r.BufferedRuns += b.Runs
	}
	if r.Buffers != BufferScopes || r.BufferedRuns != len(texts) {
		return nil, fmt.Errorf("buffers: %d buffers holding %d runs once every run was parked, want %d holding %d", r.Buffers, r.BufferedRuns, BufferScopes, len(texts))
	}
	start = time.Now()
	err = eng.Close()
	r.Close = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("buffers: close with the runs parked: %w", err)
	}
	return ids, nil
}

// flush opens the file with the runs parked, timing the Open, flushes every buffer, waits for every
// run, checks the summaries and closes the engine.
func (r *BuffersRound) flush(ctx context.Context, path string, pipe *pipeline.Pipeline, ids []string) error {
	start := time.Now()
	eng, err := mnemo.Open(path, &mnemo.Options{Pipeline: pipe})
	r.Open = time.Since(start)
	if err != nil {
		return fmt.Errorf("buffers: open with the runs parked: %w", err)
	}
	defer eng.Close()

	start = time.Now()
	r.Resumed, err = eng.Buffers.Flush(ctx, nil)
	flushed := time.Now()
	r.Flush = flushed.Sub(start)
	if err != nil {
		return fmt.Errorf("buffers: flush: %w", err)
	}
	if r.Resumed != len(ids) {
		return fmt.Errorf("buffers: Flush resumed %d runs, want %d", r.Resumed, len(ids))
	}
	for _, id := range ids {
		run, err := eng.Runs.Wait(ctx, id)
		if err != nil {
			return fmt.Errorf("buffers: wait for run %s: %w", id, err)
		}
		if run.Status != mnemo.Completed || run.MemoriesCreated != 2 {
			return fmt.Errorf("buffers: run %s ended %s with %d memories created, want completed with 2 (its own and its scope's summary): %s",
				id, run.Status, run.MemoriesCreated, run.Error)
		}
		r.Memories += run.MemoriesCreated
		r.Superseded += len(run.CommittedOperations.Deleted)
	}
	r.Complete = time.Since(flushed)

	for s := range BufferScopes {
		u, c := BufferScope(s)
		page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: u, Properties: map[string]string{"conversation_id": c}, Topics: []string{SummaryTopic}, Limit: 1})
		if err != nil {
			return fmt.Errorf("buffers: list the summary of %s, %s: %w", u, c, err)
		}
		r.Summaries += page.Total
	}
	for _, u := range users("user-%03d", BufferUsers) {
		page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: u, Limit: 1})
		if err != nil {
			return fmt.Errorf("buffers: list %s: %w", u, err)
		}
		r.Listed += page.Total
	}
	if want := len(ids) + BufferScopes - r.Superseded; r.Summaries != BufferScopes || r.Listed != want {
		return fmt.Errorf("buffers: %d summaries and %d memories listed, want %d and %d (%d superseded)",
			r.Summaries, r.Listed, BufferScopes, want, r.Superseded)
	}
	if err := eng.Close(); err != nil {
		return fmt.Errorf("buffers: close: %w", err)
	}
	return nil
}

// Buffers is the Buffers benchmark under `go test -bench`: one op is one round of RunBuffers. ns/op
// is its measured work without the restart (park, flush, completion); the Open with every run
// parked, the phases and the replay baseline are reported beside it.
func Buffers(b *testing.B) {
	var sum BuffersRound
	var worstOpen time.Duration
	for range b.N {
		r, err := RunBuffers(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		sum.Runs += r.Runs
		sum.Park += r.Park
		sum.Close += r.Close
		sum.Open += r.Open
		sum.Flush += r.Flush
		sum.Complete += r.Complete
		sum.Replay += r.Replay
		worstOpen = max(worstOpen, r.Open)
		sum.FileBytes = r.FileBytes
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
	b.ReportMetric(float64(sum.Work().Nanoseconds())/n, "ns/op")
	b.ReportMetric(ms(sum.Park), "park-ms")
	b.ReportMetric(float64(sum.Runs)/sum.Park.Seconds(), "park-runs/s")
	b.ReportMetric(ms(sum.Close), "close-ms")
	b.ReportMetric(ms(sum.Open), "open-ms")
	b.ReportMetric(float64(worstOpen)/float64(time.Millisecond), "max-open-ms")
	b.ReportMetric(ms(sum.Flush), "flush-ms")
	b.ReportMetric(ms(sum.Complete), "complete-ms")
	b.ReportMetric(float64(sum.Runs)/(sum.Flush+sum.Complete).Seconds(), "flush-runs/s")
	b.ReportMetric(float64(sum.Replay.Nanoseconds())/n, "replay-ns/op")
	b.ReportMetric(sum.Work().Seconds()/sum.Replay.Seconds(), "x-replay")
	b.ReportMetric(float64(sum.FileBytes)/(1<<20), "file-MiB")
}
