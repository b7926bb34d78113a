package bench

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// LatencyRound is one round of the Latency benchmark: how a large input's run affects the adds made while
// it is processed, and how long Close takes with it behind or in progress.
type LatencyRound struct {
	// BigMessages and BigBytes size the large conversation (MakeBigConversation).
	BigMessages, BigBytes int
	// BigAdd is the large Add's own latency, call to return (its acceptance).
	BigAdd time.Duration
	// ConcurrentProbe is the latency of one probe Add issued while the large Add was under way;
	// ProbeFirst reports whether it returned before the large Add did.
	ConcurrentProbe time.Duration
	ProbeFirst      bool
	// BigRun is the large run's time from accepted (Add returned) to completed; BigMemories, the
	// memories it created.
	BigRun      time.Duration
	BigMemories int
	// Probes are the latencies of the one-sentence Adds issued one after another, by another user,
	// from the large run's acceptance until its completion; sorted.
	Probes []time.Duration
	// CloseAfter is how long Close took right after the large run completed.
	CloseAfter time.Duration
	// CloseMidway is how long Close took when called, in a second engine on a new file, MidwayAt
	// after the same large input was accepted (half of BigRun); MidwayStatus is the large run's
	// status read just before that Close.
	CloseMidway  time.Duration
	MidwayAt     time.Duration
	MidwayStatus mnemo.Status
	// CrowdRuns large conversations of CrowdTurns turns each, for as many users, are added at once
	// in a third pass, on a new file (see crowdPass): CrowdRun is the time from the first of those
	// Adds until every run completed, CrowdMemories the memories they created, and CrowdProbes the
	// latencies, sorted, of the one-sentence Adds issued one after another meanwhile.
	CrowdRun      time.Duration
	CrowdMemories int
	CrowdProbes   []time.Duration
}

// The third pass's crowd: CrowdRuns conversations of CrowdTurns turns, each run larger than a commit
// part, all added at once.
const (
	CrowdRuns  = 64
	CrowdTurns = 600
)

// Quantile returns the probe latency at quantile q (0 < q <= 1) by the nearest-rank method: the
// smallest latency that at least q of the probes did not exceed. It is 0 without probes.
func (l LatencyRound) Quantile(q float64) time.Duration {
	if len(l.Probes) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(l.Probes)))) - 1
	return l.Probes[max(0, min(i, len(l.Probes)-1))]
}

// Max is the largest probe latency.
func (l LatencyRound) Max() time.Duration { return l.Quantile(1) }

// CrowdQuantile is Quantile for the probes of the third pass (CrowdProbes).
func (l LatencyRound) CrowdQuantile(q float64) time.Duration {
	return LatencyRound{Probes: l.CrowdProbes}.Quantile(q)
}

// CloseMidwayTarget is the most Close may take while a run is in progress: the default
// ShutdownTimeout, plus one second.
const CloseMidwayTarget = mnemo.DefaultShutdownTimeout + time.Second

// ProbeMaxTarget is the most a probe Add may take while the large run is processed.
const ProbeMaxTarget = 100 * time.Millisecond

// RunLatency runs one round of the Latency benchmark, in two passes on new files with default
// Options.
//
// First pass: a conversation of about BigInputBytes (MakeBigConversation) is added, and at the same
// time one probe: a one-sentence text of another user. Once the large Add has returned (the input
// accepted), a prober adds one-sentence texts one after another, each different, until the large
// run completes (Runs.Wait, not polling), recording each Add's latency from call to return. Then
// Close is timed.
//
// Second pass: the same input is added to a new engine, and Close is called half of the first
// pass's accepted-to-completed time after the input was accepted, while the run is still in
// progress (MidwayStatus says whether it was), and timed.
//
// Third pass: CrowdRuns conversations of CrowdTurns turns (MakeConversations), each for a user of its
// own, are added at once by as many callers to a new engine, and probes are added one after another
// until every one of those runs has completed. Many runs committing parts of their own share the
// writer's transactions: this shows that those stay short enough for an Add to get through.
func RunLatency(ctx context.Context) (LatencyRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, "latency")
	if err != nil {
		return LatencyRound{}, err
	}
	defer cleanup()
	msgs := MakeBigConversation(BigInputBytes)
	l := LatencyRound{BigMessages: len(msgs)}
	for _, m := range msgs {
		l.BigBytes += len(m.Content)
	}
	big := mnemo.Conversation(msgs...)
	if err := l.firstPass(ctx, filepath.Join(dir, "latency.db"), big); err != nil {
		return l, err
	}
	if err := l.secondPass(ctx, filepath.Join(dir, "midway.db"), big); err != nil {
		return l, err
	}
	if err := l.crowdPass(ctx, filepath.Join(dir, "crowd.db")); err != nil {
		return l, err
	}
	return l, nil
}

var (
	bigUser   = &mnemo.AddOptions{UserID: "big"}
	probeUser = &mnemo.AddOptions{UserID: "prober"}
)

func (l *LatencyRound) firstPass(ctx context.Context, path string, big mnemo.Input) error {
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		return err
	}
	defer eng.Close()

	// The large Add, and one probe issued while it is under way.
	type added struct {
		run *mnemo.Run
		err error
		end time.Time
	}
	started, bigAdded := make(chan time.Time), make(chan added, 1)
	go func() {
		start := time.Now()
		started <- start
		run, err := eng.Memories.Add(ctx, big, bigUser)
		bigAdded <- added{run, err, time.Now()}
	}()
	bigStart := <-started
	probeStart := time.Now()
	if _, err := eng.Memories.Add(ctx, mnemo.Text(probeText(0)), probeUser); err != nil {
		return fmt.Errorf("latency: concurrent probe: %w", err)
	}
	probeEnd := time.Now()
	a := <-bigAdded
	if a.err != nil {
		return fmt.Errorf("latency: large add: %w", a.err)
	}
	l.ConcurrentProbe, l.ProbeFirst = probeEnd.Sub(probeStart), probeEnd.Before(a.end)
	l.BigAdd = a.end.Sub(bigStart)
	accepted := a.end

	// Probes one after another until the large run completes.
	var runs []*mnemo.Run
	var end time.Time
	if l.Probes, runs, end, err = probeUntilDone(ctx, eng, []string{a.run.ID}, 1); err != nil {
		return err
	}
	l.BigRun, l.BigMemories = end.Sub(accepted), runs[0].MemoriesCreated

	start := time.Now()
	err = eng.Close()
	l.CloseAfter = time.Since(start)
	return err
}

// probeUntilDone adds one-sentence texts (probeText from first on) one after another until every run
// of ids has ended, and returns each Add's latency, sorted, the runs as they ended, and when the last
// ended. A run that ends other than completed is an error.
func probeUntilDone(ctx context.Context, eng *mnemo.Engine, ids []string, first int) ([]time.Duration, []*mnemo.Run, time.Time, error) {
	type waited struct {
		runs []*mnemo.Run
		err  error
		end  time.Time
	}
	done := make(chan waited, 1)
	go func() {
		var w waited
		for _, id := range ids {
			run, err := eng.Runs.Wait(ctx, id)
			if err == nil && run.Status != mnemo.Completed {
				err = fmt.Errorf("run %s ended %s: %s", id, run.Status, run.Error)
			}
			if err != nil {
				w.err = err
				break
			}
			w.runs = append(w.runs, run)
		}
		w.end = time.Now()
		done <- w
	}()
	var probes []time.Duration
	for i := first; ; i++ {
		select {
		case w := <-done:
			slices.Sort(probes)
			if w.err != nil {
				return probes, nil, w.end, fmt.Errorf("latency: %w", w.err)
			}
			return probes, w.runs, w.end, nil
		default:
		}
		start := time.Now()
		if _, err := eng.Memories.Add(ctx, mnemo.Text(probeText(i)), probeUser); err != nil {
			return probes, nil, time.Time{}, fmt.Errorf("latency: probe %d: %w", i, err)
		}
		probes = append(probes, time.Since(start))
	}
}

// crowdPass is RunLatency's third pass.
func (l *LatencyRound) crowdPass(ctx context.Context, path string) error {
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	convs := MakeConversations(CrowdRuns, CrowdTurns)
	start := time.Now()
	ids, err := addConcurrently(ctx, eng, len(convs), len(convs), func(i int) (mnemo.Input, *mnemo.AddOptions) {
		return mnemo.Conversation(convs[i].Messages...), &mnemo.AddOptions{UserID: fmt.Sprintf("crowd-%02d", i)}
	})
	if err != nil {
		return fmt.Errorf("latency: crowd: %w", err)
	}
	probes, runs, end, err := probeUntilDone(ctx, eng, ids, 0)
	if err != nil {
		return err
	}
	l.CrowdProbes, l.CrowdRun = probes, end.Sub(start)
	for _, r := range runs {
		l.CrowdMemories += r.MemoriesCreated
	}
	return eng.Close()
}

func (l *LatencyRound) secondPass(ctx context.Context, path string, big mnemo.Input) error {
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	run, err := eng.Memories.Add(ctx, big, bigUser)
	if err != nil {
		return fmt.Errorf("latency: large add: %w", err)
	}
	accepted := time.Now()
	l.MidwayAt = l.BigRun / 2
	time.Sleep(time.Until(accepted.Add(l.MidwayAt))) // a point in time, not a wait for a goroutine
	r, err := eng.Runs.Get(ctx, run.ID)
	if err != nil {
		return fmt.Errorf("latency: get the large run: %w", err)
	}
	l.MidwayStatus = r.Status
	start := time.Now()
	err = eng.Close()
	l.CloseMidway = time.Since(start)
	return err
}

// Latency is the Latency benchmark under `go test -bench`: one op is one round of RunLatency
// (all three passes). ns/op is the large run's accepted-to-completed time; the probes' latencies,
// the Close times and the crowd's time and worst probe are reported beside it, in milliseconds
// (max-ms and crowd-max-ms are the worst of any op).
func Latency(b *testing.B) {
	var sum LatencyRound
	var worst time.Duration
	var probes int
	var p50, p99, crowdMax time.Duration
	for range b.N {
		l, err := RunLatency(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if l.MidwayStatus.Terminal() {
			b.Logf("the large run was %s before the mid-way Close: that Close did not interrupt it", l.MidwayStatus)
		}
		sum.BigRun += l.BigRun
		sum.BigAdd += l.BigAdd
		sum.ConcurrentProbe += l.ConcurrentProbe
		sum.CloseAfter += l.CloseAfter
		sum.CloseMidway += l.CloseMidway
		p50 += l.Quantile(0.5)
		p99 += l.Quantile(0.99)
		worst = max(worst, l.Max())
		probes += len(l.Probes)
		sum.CrowdRun += l.CrowdRun
		crowdMax = max(crowdMax, l.CrowdQuantile(1))
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
	b.ReportMetric(float64(sum.BigRun.Nanoseconds())/n, "ns/op")
	b.ReportMetric(float64(probes)/n, "probes/op")
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "max-ms")
	b.ReportMetric(ms(sum.BigAdd), "big-add-ms")
	b.ReportMetric(ms(sum.ConcurrentProbe), "concurrent-probe-ms")
	b.ReportMetric(ms(sum.CloseAfter), "close-ms")
	b.ReportMetric(ms(sum.CloseMidway), "close-midway-ms")
	b.ReportMetric(ms(sum.CrowdRun), "crowd-ms")
	b.ReportMetric(float64(crowdMax)/float64(time.Millisecond), "crowd-max-ms")
}
