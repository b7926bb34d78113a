package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// runDeadline bounds every wait of the end-to-end benchmarks, so that a stuck engine fails the
// benchmark instead of hanging it.
const runDeadline = 10 * time.Minute

// EndToEndRound is one round of an end-to-end benchmark: inputs added by Callers goroutines to a new
// file, every run waited for, and the finished file replayed into raw bbolt.
type EndToEndRound struct {
	// Runs is how many inputs were added; each ended completed.
	Runs int
	// Memories is the sum of the runs' MemoriesCreated; Listed is the sum of the users' listing
	// totals (Memories.List), read after the last run completed, as a cross-check.
	Memories, Listed int
	// Updated and Superseded are the sums of the runs' updated and deleted operations: facts that
	// refined a memory in place, and memories that a contradicting fact superseded (no longer
	// listed, so Listed is Memories - Superseded).
	Updated, Superseded int
	// Facts is how many sentences worth remembering the inputs held (chit-chat aside).
	Facts int
	// Accepted is the time from the first Add to the return of the last; Wall, from the first Add
	// to the completion of every run.
	Accepted, Wall time.Duration
	// FileFigures describe the finished file and the replay baseline.
	FileFigures
}

// RunsPerSecond is the number of runs over the wall time.
func (r EndToEndRound) RunsPerSecond() float64 { return float64(r.Runs) / r.Wall.Seconds() }

// MemoriesPerSecond is the number of memories created over the wall time.
func (r EndToEndRound) MemoriesPerSecond() float64 { return float64(r.Memories) / r.Wall.Seconds() }

// Ratio is the wall time over the replay baseline's time.
func (r EndToEndRound) Ratio() float64 { return r.Wall.Seconds() / r.Replay.Seconds() }

// RunConversations runs one round of the Conversations benchmark: ConversationCount conversations of
// ConversationTurns turns (MakeConversations), ten for each of ConversationUsers users, added by
// Callers goroutines to a new file with default Options, timed from the first Add until every run
// has completed (a run that ends otherwise is an error).
//
// The baseline is measured right after on the same data: the engine is closed, the finished file is
// opened read-only with bbolt and every key and value of every bucket (nested ones included) is
// read into memory; then, timed, they are written in order into a new bbolt file opened with the
// options mnemo uses, every bucket in one Update and then ReplayBatch puts per Update. It is the
// cost of writing what mnemo wrote, durably, with no extraction and no run bookkeeping.
func RunConversations(ctx context.Context) (EndToEndRound, error) {
	convs := MakeConversations(ConversationCount, ConversationTurns)
	facts := 0
	for _, c := range convs {
		facts += c.Facts
	}
	r, err := endToEnd(ctx, "conversations", len(convs), func(i int) (mnemo.Input, *mnemo.AddOptions) {
		return mnemo.Conversation(convs[i].Messages...), &mnemo.AddOptions{UserID: convs[i].UserID}
	}, users("user-%03d", ConversationUsers))
	r.Facts = facts
	return r, err
}

// RunTexts runs one round of the Texts benchmark: TextCount distinct one-sentence texts (MakeTexts)
// for TextUsers users, added by Callers goroutines, end to end as in RunConversations and with the
// same baseline.
func RunTexts(ctx context.Context) (EndToEndRound, error) {
	texts, owners := MakeTexts(TextCount)
	r, err := endToEnd(ctx, "texts", len(texts), func(i int) (mnemo.Input, *mnemo.AddOptions) {
		return mnemo.Text(texts[i]), &mnemo.AddOptions{UserID: owners[i]}
	}, users("user-%03d", TextUsers))
	r.Facts = len(texts)
	return r, err
}

func users(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

// endToEnd adds the n inputs from Callers goroutines to a new file in a temporary folder, waits for
// every run, cross-checks the users' listings, closes the engine and measures the replay baseline.
func endToEnd(ctx context.Context, name string, n int, input func(int) (mnemo.Input, *mnemo.AddOptions), userIDs []string) (EndToEndRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, name)
	if err != nil {
		return EndToEndRound{}, err
	}
	defer cleanup()
	path := filepath.Join(dir, name+".db")
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		return EndToEndRound{}, err
	}
	defer eng.Close()
	inputs := make([]mnemo.Input, n)
	opts := make([]*mnemo.AddOptions, n)
	for i := range n {
		inputs[i], opts[i] = input(i)
	}

	r := EndToEndRound{Runs: n}
	start := time.Now()
	ids, err := addConcurrently(ctx, eng, n, Callers, func(i int) (mnemo.Input, *mnemo.AddOptions) { return inputs[i], opts[i] })
	if err != nil {
		return r, fmt.Errorf("%s: add: %w", name, err)
	}
	r.Accepted = time.Since(start)
	for _, id := range ids {
		run, err := eng.Runs.Wait(ctx, id)
		if err != nil {
			return r, fmt.Errorf("%s: wait for run %s: %w", name, id, err)
		}
		if run.Status != mnemo.Completed {
			return r, fmt.Errorf("%s: run %s ended %s: %s", name, id, run.Status, run.Error)
		}
		r.Memories += run.MemoriesCreated
		r.Updated += len(run.CommittedOperations.Updated)
		r.Superseded += len(run.CommittedOperations.Deleted)
	}
	r.Wall = time.Since(start)

	for _, u := range userIDs {
		page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: u, Limit: 1})
		if err != nil {
			return r, fmt.Errorf("%s: list %s: %w", name, u, err)
		}
		r.Listed += page.Total
	}
	if r.Listed != r.Memories-r.Superseded {
		return r, fmt.Errorf("%s: %d memories listed, want %d created - %d superseded", name, r.Listed, r.Memories, r.Superseded)
	}
	if err := eng.Close(); err != nil {
		return r, fmt.Errorf("%s: close: %w", name, err)
	}
	return r, r.measureFile(path, dir)
}

// Conversations is the Conversations benchmark under `go test -bench`: one op is one round of
// RunConversations. ns/op is its wall time (first Add to every run completed); the replay baseline
// is reported beside it.
func Conversations(b *testing.B) { benchEndToEnd(b, RunConversations) }

// Texts is the Texts benchmark under `go test -bench`: one op is one round of RunTexts.
func Texts(b *testing.B) { benchEndToEnd(b, RunTexts) }

func benchEndToEnd(b *testing.B, round func(context.Context) (EndToEndRound, error)) {
	var wall, replay time.Duration
	var runs, memories int
	for range b.N {
		r, err := round(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		wall += r.Wall
		replay += r.Replay
		runs += r.Runs
		memories += r.Memories
	}
	// The timer ran over whole rounds (setup and baseline included), which is what b.N is scaled
	// by; the metrics are the measured parts alone.
	b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N), "ns/op")
	b.ReportMetric(float64(replay.Nanoseconds())/float64(b.N), "replay-ns/op")
	b.ReportMetric(wall.Seconds()/replay.Seconds(), "x-replay")
	b.ReportMetric(float64(runs)/wall.Seconds(), "runs/s")
	b.ReportMetric(float64(memories)/wall.Seconds(), "memories/s")
	b.ReportMetric(float64(memories)/float64(b.N), "memories/op")
}
