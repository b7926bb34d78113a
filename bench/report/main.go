// Command report runs mnemo's benchmarks beside their raw bbolt baselines in one process and prints
// a Markdown report: the machine, each measurement with its median and range over rounds, the
// ratios, and whether each target is met.
//
//	go run ./bench/report                        # every scenario; prints the report
//	go run ./bench/report -rounds 9              # more rounds, steadier medians
//	go run ./bench/report -only conversations    # one scenario (or several, comma-separated)
//	go run ./bench/report -check                 # also exits 1 if a target is missed
//
// The scenarios are get (Runs.Get vs raw View+Get), add (Add vs raw one-put-per-Update),
// conversations, texts, latency, buffers, reconcile (the transform step's cost per fact as one
// scope grows to 100,000 memories), search (Search's latency per mode at 1k, 10k and 100k
// memories, beside a scan of the scope), serve (mnemo serve's requests over loopback HTTP from 64
// clients, beside the same calls in-process) and file (a 50 MB Markdown file through mnemo.File, at
// most 3 rounds: each takes minutes); see bench/README.md. Progress goes to stderr.
//
// Shared and virtual machines are noisy: one run of a benchmark can be twice as slow as the next.
// So each benchmark and its baseline run in alternation for several rounds (the end-to-end ones
// measure their baseline right after, in the same round), and the report gives the median of each,
// its range, and the median of the per-round ratios.
package main

import (
	"bufio"
	"context"
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

// scenarios are the names -only accepts, in the order they run.
var scenarios = []string{"get", "add", "conversations", "texts", "latency", "buffers", "reconcile", "search", "serve", "file"}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of each benchmark and its baseline")
	only := flag.String("only", "", "comma-separated scenarios to run, of "+strings.Join(scenarios, ", ")+"; all when empty")
	check := flag.Bool("check", false, "exit 1 if a target is missed")
	testing.Init()
	flag.Parse()
	if *rounds < 1 {
		fatal(fmt.Errorf("-rounds %d: at least 1", *rounds))
	}
	selected := scenarios
	if *only != "" {
		selected = strings.Split(*only, ",")
		for _, s := range selected {
			if !slices.Contains(scenarios, s) {
				fatal(fmt.Errorf("-only: unknown scenario %q; the scenarios are %s", s, strings.Join(scenarios, ", ")))
			}
		}
	}
	on := func(name string) bool { return slices.Contains(selected, name) }
	defer bench.Cleanup()
	ctx := context.Background()
	began := time.Now()

	var m micro
	if on("get") {
		runGet(*rounds, &m)
	}
	if on("add") {
		runAdd(*rounds, &m)
	}
	var convs, texts []bench.EndToEndRound
	var lats []bench.LatencyRound
	var bufs []bench.BuffersRound
	var recs []bench.ReconcileRound
	var searches []bench.SearchRound
	var fileRounds []bench.FileRound
	var serves []bench.ServeRound
	var err error
	if on("conversations") {
		if convs, err = runRounds(ctx, "conversations", *rounds, bench.RunConversations, endToEndLine); err != nil {
			fatal(err)
		}
	}
	if on("texts") {
		if texts, err = runRounds(ctx, "texts", *rounds, bench.RunTexts, endToEndLine); err != nil {
			fatal(err)
		}
	}
	if on("latency") {
		if lats, err = runRounds(ctx, "latency", *rounds, bench.RunLatency, latencyLine); err != nil {
			fatal(err)
		}
	}
	if on("buffers") {
		if bufs, err = runRounds(ctx, "buffers", *rounds, bench.RunBuffers, buffersLine); err != nil {
			fatal(err)
		}
	}
	if on("reconcile") {
		if recs, err = runRounds(ctx, "reconcile", *rounds, bench.RunReconcile, reconcileLine); err != nil {
			fatal(err)
		}
	}
	if on("search") {
		if searches, err = runRounds(ctx, "search", *rounds, bench.RunSearch, searchLine); err != nil {
			fatal(err)
		}
	}
	if on("serve") {
		if serves, err = runRounds(ctx, "serve", *rounds, bench.RunServe, serveLine); err != nil {
			fatal(err)
		}
	}
	if on("file") {
		if fileRounds, err = runRounds(ctx, "file", min(*rounds, 3), bench.RunFile, fileRoundLine); err != nil {
			fatal(err)
		}
	}
	took := time.Since(began)

	fmt.Printf("## Benchmark report, %s\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Machine: %s, %d logical CPUs (GOMAXPROCS %d), %s/%s, %s. Files in %s. Medians of %d rounds; ranges are the lowest and highest round. The measurements took %v.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), os.TempDir(), *rounds, took.Round(time.Second))
	missed := 0
	if m.get != nil || m.add1 != nil {
		missed += m.print()
	}
	if convs != nil {
		missed += printConversations(convs)
	}
	if texts != nil {
		missed += printTexts(texts)
	}
	if lats != nil {
		missed += printLatency(lats)
	}
	if bufs != nil {
		missed += printBuffers(bufs)
	}
	if recs != nil {
		missed += printReconcile(recs)
	}
	if searches != nil {
		missed += printSearch(searches)
	}
	if serves != nil {
		missed += printServe(serves)
	}
	if fileRounds != nil {
		missed += printFile(fileRounds)
	}
	if missed > 0 {
		fmt.Printf("**%d target(s) missed.**\n", missed)
		if *check {
			bench.Cleanup()
			os.Exit(1)
		}
	} else {
		fmt.Println("Every target met.")
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	bench.Cleanup()
	os.Exit(2)
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
