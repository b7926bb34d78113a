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
}

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
	type waited struct {
		run *mnemo.Run
		err error
		end time.Time
	}
	done := make(chan waited, 1)
	go func() {
		run, err := eng.Runs.Wait(ctx, a.run.ID)
		done <- waited{run, err, time.Now()}
	}()
	var w waited
probing:
	for i := 1; ; i++ {
		select {
		case w = <-done:
			break probing
		default:
		}
		start := time.Now()
		if _, err := eng.Memories.Add(ctx, mnemo.Text(probeText(i)), probeUser); err != nil {
			return fmt.Errorf("latency: probe %d: %w", i, err)
		}
		l.Probes = append(l.Probes, time.Since(start))
	}
	slices.Sort(l.Probes)
	if w.err != nil {
		return fmt.Errorf("latency: wait for the large run: %w", w.err)
	}
	if w.run.Status != mnemo.Completed {
		return fmt.Errorf("latency: the large run ended %s: %s", w.run.Status, w.run.Error)
	}
	l.BigRun, l.BigMemories = w.end.Sub(accepted), w.run.MemoriesCreated

	start := time.Now()
	err = eng.Close()
	l.CloseAfter = time.Since(start)
	return err
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
// (both passes). ns/op is the large run's accepted-to-completed time; the probes' latencies and the
// Close times are reported beside it, in milliseconds (max-ms is the worst of any op).
func Latency(b *testing.B) {
	var sum LatencyRound
	var worst time.Duration
	var probes int
	var p50, p99 time.Duration
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
}
