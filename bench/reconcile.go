package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// The Reconcile benchmark's sizes.
const (
	// ReconcileProbeFacts is how many facts one probe adds, as one Add.
	ReconcileProbeFacts = 200
	// ReconcileProbes is how many probes are made at each size, into the full scope and as many into
	// empty ones.
	ReconcileProbes = 5
	// ReconcileFillBatch is how many facts one Add of the fill carries; ReconcileFillCallers Adds
	// are under way at once.
	ReconcileFillBatch   = 1_000
	ReconcileFillCallers = 4
	// ReconcileStatements is how many statements of MakeStatement a round uses: the fill's, then the
	// probes'.
	ReconcileStatements = reconcileLargest + len(ReconcileSizes)*ReconcileProbes*ReconcileProbeFacts
)

// ReconcileSizes are the sizes of the scope at which the Reconcile benchmark measures, in the order
// the scope grows to them.
var ReconcileSizes = [...]int{1_000, 10_000, reconcileLargest}

const reconcileLargest = 100_000

// ReconcileFlatTarget is the most the per-fact cost at the largest size may be, as a multiple of the
// cost at the smallest: the transform step must not scan the scope for each fact.
const ReconcileFlatTarget = 2.0

// reconcileUser is the user of the full scope; the empty scopes' users are named for their probe.
const reconcileUser = "reconcile"

// ReconcileStep is what the Reconcile benchmark measured at one size of the scope.
type ReconcileStep struct {
	// Size is how many memories the scope held at each probe.
	Size int
	// Fill is the time it took to grow the scope from the previous size (from none for the first)
	// to Size: from the first Add until every run completed; Filled, the memories its runs created.
	Fill   time.Duration
	Filled int
	// Full holds each probe's time into the full scope: from its Add until Runs.Wait returned it
	// completed. Empty holds the same for the same facts into an empty scope (another user of the
	// same file), each probe of Full followed or preceded by its counterpart.
	Full, Empty []time.Duration
	// FileBytes is the file's size once the probes at this size were done.
	FileBytes int64
}

// PerFact is the median of the probes into the full scope, per fact.
func (s ReconcileStep) PerFact() time.Duration { return medianDuration(s.Full) / ReconcileProbeFacts }

// EmptyPerFact is the median of the probes into empty scopes, per fact.
func (s ReconcileStep) EmptyPerFact() time.Duration {
	return medianDuration(s.Empty) / ReconcileProbeFacts
}

// Ratio is PerFact over EmptyPerFact: what a full scope costs a fact beyond an empty one.
func (s ReconcileStep) Ratio() float64 { return s.PerFact().Seconds() / s.EmptyPerFact().Seconds() }

// ReconcileRound is one round of the Reconcile benchmark: one step per size of ReconcileSizes.
type ReconcileRound struct {
	Steps []ReconcileStep
	// Took is the round's whole time, the fills, probes and deletions included.
	Took time.Duration
}

// Growth is the per-fact cost at the largest size over the cost at the smallest.
func (r ReconcileRound) Growth() float64 {
	return r.Steps[len(r.Steps)-1].PerFact().Seconds() / r.Steps[0].PerFact().Seconds()
}

// FillRate is the memories the fills created per second of fill.
func (r ReconcileRound) FillRate() float64 {
	var n int
	var d time.Duration
	for _, s := range r.Steps {
		n += s.Filled
		d += s.Fill
	}
	return float64(n) / d.Seconds()
}

// RunReconcile runs one round of the Reconcile benchmark on a new file with default Options. One
// scope (user "reconcile", no properties) is grown to each size of ReconcileSizes in turn, by
// pre-extracted facts (MakeStatement, distinct, which the default reconciler all adds, sharing their
// words so that each of their terms is in one memory in twenty): ReconcileFillBatch per Add,
// ReconcileFillCallers Adds at once. The memories created must add up to the size.
//
// At each size, ReconcileProbes probes of ReconcileProbeFacts new statements, each probe one Add,
// are timed from the Add until Runs.Wait returns the run completed, having created a memory per
// fact. Each probe into the full scope alternates with the same facts added, and timed, into an
// empty scope of the same file (a user of its own): the baseline, which finds nothing related. A
// probe's memories in the full scope are deleted after it (not timed), so that every probe finds the
// scope at its size.
func RunReconcile(ctx context.Context) (ReconcileRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, "reconcile")
	if err != nil {
		return ReconcileRound{}, err
	}
	defer cleanup()
	path := filepath.Join(dir, "reconcile.db")
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		return ReconcileRound{}, err
	}
	defer eng.Close()

	began := time.Now()
	var r ReconcileRound
	filled, probe := 0, 0
	for _, size := range ReconcileSizes {
		s := ReconcileStep{Size: size}
		start := time.Now()
		if s.Filled, err = fillScope(ctx, eng, filled, size); err != nil {
			return r, err
		}
		s.Fill = time.Since(start)
		filled = size
		for j := range ReconcileProbes {
			facts := probeFacts(probe)
			empty := &mnemo.AddOptions{UserID: fmt.Sprintf("empty-%d", probe)}
			probe++
			// Alternate which goes first, so that neither always follows the other's writes.
			order := []bool{true, false}
			if j%2 == 1 {
				order = []bool{false, true}
			}
			for _, full := range order {
				opts := empty
				if full {
					opts = &mnemo.AddOptions{UserID: reconcileUser}
				}
				d, ids, err := timeProbe(ctx, eng, facts, opts)
				if err != nil {
					return r, err
				}
				if !full {
					s.Empty = append(s.Empty, d)
					continue
				}
				s.Full = append(s.Full, d)
				if err := deleteConcurrently(ctx, eng, ids); err != nil {
					return r, err
				}
			}
		}
		info, err := os.Stat(path)
		if err != nil {
			return r, err
		}
		s.FileBytes = info.Size()
		r.Steps = append(r.Steps, s)
	}
	if err := eng.Close(); err != nil {
		return r, fmt.Errorf("reconcile: close: %w", err)
	}
	r.Took = time.Since(began)
	return r, nil
}

// fillScope grows the full scope from the statements [from, to), ReconcileFillBatch per Add, and
// returns the memories the runs created, which must be one per statement.
func fillScope(ctx context.Context, eng *mnemo.Engine, from, to int) (int, error) {
	batches := (to - from + ReconcileFillBatch - 1) / ReconcileFillBatch
	opts := &mnemo.AddOptions{UserID: reconcileUser}
	ids, err := addConcurrently(ctx, eng, batches, ReconcileFillCallers, func(b int) (mnemo.Input, *mnemo.AddOptions) {
		lo := from + b*ReconcileFillBatch
		return mnemo.PreExtracted(statementItems(lo, min(lo+ReconcileFillBatch, to))...), opts
	})
	if err != nil {
		return 0, fmt.Errorf("reconcile: fill to %d: add: %w", to, err)
	}
	created := 0
	for _, id := range ids {
		run, err := waitCompleted(ctx, eng, id)
		if err != nil {
			return 0, fmt.Errorf("reconcile: fill to %d: %w", to, err)
		}
		created += run.MemoriesCreated
	}
	if created != to-from {
		return created, fmt.Errorf("reconcile: fill to %d: %d memories created for %d distinct statements: the reconciler did not add them all", to, created, to-from)
	}
	return created, nil
}

// probeFacts are the facts of probe p: statements after every fill's.
func probeFacts(p int) mnemo.Input {
	lo := reconcileLargest + p*ReconcileProbeFacts
	return mnemo.PreExtracted(statementItems(lo, lo+ReconcileProbeFacts)...)
}

// statementItems returns statements [from, to) as pre-extracted items.
func statementItems(from, to int) []mnemo.Item {
	items := make([]mnemo.Item, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, mnemo.Item{Content: MakeStatement(i)})
	}
	return items
}

// timeProbe adds in, timing it from the Add until Runs.Wait returns the run completed, and returns
// the IDs of the memories it created, one per fact.
func timeProbe(ctx context.Context, eng *mnemo.Engine, in mnemo.Input, opts *mnemo.AddOptions) (time.Duration, []string, error) {
	start := time.Now()
	run, err := eng.Memories.Add(ctx, in, opts)
	if err != nil {
		return 0, nil, fmt.Errorf("reconcile: probe of %s: add: %w", opts.UserID, err)
	}
	done, err := waitCompleted(ctx, eng, run.ID)
	d := time.Since(start)
	if err != nil {
		return 0, nil, fmt.Errorf("reconcile: probe of %s: %w", opts.UserID, err)
	}
	if done.MemoriesCreated != ReconcileProbeFacts {
		return 0, nil, fmt.Errorf("reconcile: probe of %s: %d memories created for %d distinct statements", opts.UserID, done.MemoriesCreated, ReconcileProbeFacts)
	}
	return d, done.MemoryIDs, nil
}

// waitCompleted waits for run id, which must end completed.
func waitCompleted(ctx context.Context, eng *mnemo.Engine, id string) (*mnemo.Run, error) {
	run, err := eng.Runs.Wait(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("wait for run %s: %w", id, err)
	}
	if run.Status != mnemo.Completed {
		return nil, fmt.Errorf("run %s ended %s: %s", id, run.Status, run.Error)
	}
	return run, nil
}

// deleteConcurrently deletes the memories from ReconcileFillCallers goroutines, whose deletes share
// commits.
func deleteConcurrently(ctx context.Context, eng *mnemo.Engine, ids []string) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, ReconcileFillCallers)
	for range ReconcileFillCallers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				if err := eng.Memories.Delete(ctx, ids[i]); err != nil {
					errs <- fmt.Errorf("reconcile: delete probe memory %s: %w", ids[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// medianDuration returns the median of ds (the mean of the two middle ones for an even count).
func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Reconcile is the Reconcile benchmark under `go test -bench`: one op is one round of
// RunReconcile, so ns/op is a whole round, fills included. The per-fact costs at each size (the
// median probe's time over its facts, full scope and empty), their ratios and the fill's rate are
// reported beside it, as means over the rounds.
func Reconcile(b *testing.B) {
	var rounds []ReconcileRound
	for range b.N {
		r, err := RunReconcile(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		rounds = append(rounds, r)
	}
	n := float64(len(rounds))
	mean := func(f func(ReconcileRound) float64) float64 {
		sum := 0.0
		for _, r := range rounds {
			sum += f(r)
		}
		return sum / n
	}
	for i, size := range ReconcileSizes {
		name := fmt.Sprintf("%dk", size/1000)
		b.ReportMetric(mean(func(r ReconcileRound) float64 { return float64(r.Steps[i].PerFact().Nanoseconds()) }), "ns/fact-"+name)
		b.ReportMetric(mean(func(r ReconcileRound) float64 { return float64(r.Steps[i].EmptyPerFact().Nanoseconds()) }), "empty-ns/fact-"+name)
		b.ReportMetric(mean(func(r ReconcileRound) float64 { return r.Steps[i].Ratio() }), "x-empty-"+name)
	}
	b.ReportMetric(mean(ReconcileRound.Growth), "x-largest/smallest")
	b.ReportMetric(mean(ReconcileRound.FillRate), "fill-memories/s")
	b.ReportMetric(mean(func(r ReconcileRound) float64 { return float64(r.Steps[len(r.Steps)-1].FileBytes) / (1 << 20) }), "file-MiB")
}
