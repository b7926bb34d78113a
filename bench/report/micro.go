package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/mnemohq/mnemo/bench"
)

// series is one micro-benchmark's results over the rounds, each a testing.Benchmark run.
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

// pair alternates a benchmark with its baseline for the given number of rounds.
func pair(rounds int, ours, base *series) {
	for i := range rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d: %s, %s\n", i+1, rounds, ours.name, base.name)
		ours.run()
		base.run()
	}
}

// ratio returns the median over rounds of ours' ns/op over base's.
func ratio(ours, base *series) float64 {
	vals := make([]float64, len(ours.results))
	for i := range vals {
		vals[i] = ours.nsPerOp(i) / base.nsPerOp(i)
	}
	return median(vals)
}

// micro holds the micro-benchmarks that ran: run lookups, adds, or both.
type micro struct {
	get, rawGet, add1, raw1, add64, raw64 *series
}

func runGet(rounds int, m *micro) {
	m.get = &series{name: "Runs.Get", fn: bench.RunsGet}
	m.rawGet = &series{name: "raw View+Get", fn: bench.RawGet}
	pair(rounds, m.get, m.rawGet)
}

func runAdd(rounds int, m *micro) {
	m.add1 = &series{name: "Add, 1 caller", fn: func(b *testing.B) { bench.Add(b, 1) }}
	m.raw1 = &series{name: "raw Update per put, 1 caller", fn: func(b *testing.B) { bench.RawPut(b, 1) }}
	m.add64 = &series{name: "Add, 64 callers", fn: func(b *testing.B) { bench.Add(b, 64) }}
	m.raw64 = &series{name: "raw Update per put, 64 callers", fn: func(b *testing.B) { bench.RawPut(b, 64) }}
	pair(rounds, m.add1, m.raw1)
	pair(rounds, m.add64, m.raw64)
}

// print writes the micro-benchmarks' table and targets and returns how many targets were missed.
func (m *micro) print() int {
	fmt.Println("### Run lookups and adds")
	fmt.Println()
	fmt.Println("| operation | ns/op (median) | range over rounds | ops/s | B/op | allocs/op |")
	fmt.Println("|---|--:|--:|--:|--:|--:|")
	for _, s := range []*series{m.get, m.rawGet, m.add1, m.raw1, m.add64, m.raw64} {
		if s == nil {
			continue
		}
		vals := make([]float64, len(s.results))
		for i := range vals {
			vals[i] = s.nsPerOp(i)
		}
		ns := median(vals)
		lo, hi := vals[0], vals[0]
		for _, v := range vals {
			lo, hi = min(lo, v), max(hi, v)
		}
		last := s.results[len(s.results)-1]
		fmt.Printf("| %s | %.0f | %.0f–%.0f | %.0f | %d | %d |\n", s.name, ns, lo, hi, 1e9/ns, last.AllocedBytesPerOp(), last.AllocsPerOp())
	}
	fmt.Println()
	var targets []target
	if m.get != nil {
		r := ratio(m.get, m.rawGet)
		targets = append(targets, target{"`Runs.Get` within 2x of raw View+Get", fmt.Sprintf("%.2fx the time", r), r <= 2})
	}
	if m.add1 != nil {
		r := 1 / ratio(m.add64, m.raw1)
		targets = append(targets, target{"64 concurrent `Add`s at least 4x raw one-put-per-Update (1 caller)", fmt.Sprintf("%.1fx the rate", r), r >= 4})
	}
	missed := printTargets(targets)
	if m.add1 != nil {
		fmt.Printf("For reference, medians of per-round ratios: 64 concurrent `Add`s vs raw one-put-per-Update with 64 callers, %.1fx the rate; 1-caller `Add` vs raw with 1 caller, %.2fx the rate.\n\n",
			1/ratio(m.add64, m.raw64), 1/ratio(m.add1, m.raw1))
	}
	return missed
}
