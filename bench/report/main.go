// Command report runs mnemo's benchmarks beside their raw bbolt baselines in one process and prints
// a Markdown report: the machine, each measurement, the ratios, and whether each target is met.
//
//	go run ./bench/report              # prints the report
//	go run ./bench/report -rounds 9    # more rounds, steadier medians
//	go run ./bench/report -check       # also exits 1 if a target is missed
//
// Shared and virtual machines are noisy: one run of a benchmark can be twice as slow as the next.
// So each benchmark and its baseline run in alternation for several rounds, and the report gives
// the median of each and the median of the per-round ratios.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// series is one benchmark's results over the rounds.
type series struct {
	name    string
	fn      func(*testing.B)
	results []testing.BenchmarkResult
}

func (s *series) run() {
	s.results = append(s.results, testing.Benchmark(s.fn))
}

func (s *series) nsPerOp(i int) float64 {
	r := s.results[i]
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

// median returns the median of f over the rounds.
func (s *series) median(f func(i int) float64) float64 {
	vals := make([]float64, len(s.results))
	for i := range vals {
		vals[i] = f(i)
	}
	return median(vals)
}

func median(vals []float64) float64 {
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}

// pair alternates a benchmark with its baseline and returns the median per-round ratio of fn to the
// baseline, by ns/op (slowdown: lower is better) or by ops/s (speedup: higher is better).
func pair(rounds int, ours, base *series) {
	for i := range rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d: %s, %s\n", i+1, rounds, ours.name, base.name)
		ours.run()
		base.run()
	}
}

func ratio(ours, base *series) float64 {
	vals := make([]float64, len(ours.results))
	for i := range vals {
		vals[i] = ours.nsPerOp(i) / base.nsPerOp(i)
	}
	return median(vals)
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of each benchmark and its baseline")
	check := flag.Bool("check", false, "exit 1 if a target is missed")
	testing.Init()
	flag.Parse()
	defer bench.Cleanup()

	get := &series{name: "Runs.Get", fn: bench.RunsGet}
	rawGet := &series{name: "raw View+Get", fn: bench.RawGet}
	add1 := &series{name: "Add, 1 caller", fn: func(b *testing.B) { bench.Add(b, 1) }}
	raw1 := &series{name: "raw Update per put, 1 caller", fn: func(b *testing.B) { bench.RawPut(b, 1) }}
	add64 := &series{name: "Add, 64 callers", fn: func(b *testing.B) { bench.Add(b, 64) }}
	raw64 := &series{name: "raw Update per put, 64 callers", fn: func(b *testing.B) { bench.RawPut(b, 64) }}
	pair(*rounds, get, rawGet)
	pair(*rounds, add1, raw1)
	pair(*rounds, add64, raw64)

	fmt.Printf("## Benchmark report, %s\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Machine: %s, %d logical CPUs (GOMAXPROCS %d), %s/%s, %s. Files in %s. Medians of %d rounds.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), os.TempDir(), *rounds)
	fmt.Println("| operation | ns/op (median) | range over rounds | ops/s | B/op | allocs/op |")
	fmt.Println("|---|--:|--:|--:|--:|--:|")
	for _, s := range []*series{get, rawGet, add1, raw1, add64, raw64} {
		ns := s.median(s.nsPerOp)
		lo, hi := s.nsPerOp(0), s.nsPerOp(0)
		for i := range s.results {
			lo, hi = min(lo, s.nsPerOp(i)), max(hi, s.nsPerOp(i))
		}
		last := s.results[len(s.results)-1]
		fmt.Printf("| %s | %.0f | %.0f–%.0f | %.0f | %d | %d |\n", s.name, ns, lo, hi, 1e9/ns, last.AllocedBytesPerOp(), last.AllocsPerOp())
	}
	getRatio := ratio(get, rawGet)
	addRatio := 1 / ratio(add64, raw1)
	fmt.Println()
	fmt.Println("| target | measured (median of per-round ratios) | met |")
	fmt.Println("|---|--:|---|")
	fmt.Printf("| Runs.Get within 2x of raw View+Get | %.2fx the time | %s |\n", getRatio, yes(getRatio <= 2))
	fmt.Printf("| 64 concurrent Adds at least 4x raw one-put-per-Update (1 caller) | %.1fx the rate | %s |\n", addRatio, yes(addRatio >= 4))
	fmt.Printf("| (reference) 64 concurrent Adds vs raw one-put-per-Update, 64 callers | %.1fx the rate | |\n", 1/ratio(add64, raw64))
	fmt.Printf("| (reference) 1-caller Add vs raw one-put-per-Update, 1 caller | %.2fx the rate | |\n", 1/ratio(add1, raw1))
	if *check && (getRatio > 2 || addRatio < 4) {
		os.Exit(1)
	}
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// cpuModel reads the CPU's name from /proc/cpuinfo where there is one.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
