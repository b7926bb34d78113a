package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench"
)

// searchLine summarises a round of the Search benchmark.
func searchLine(r bench.SearchRound) string {
	var steps []string
	for _, s := range r.Steps {
		var modes []string
		for m, mode := range bench.SearchModes {
			modes = append(modes, fmt.Sprintf("%s %v", mode, bench.Percentile(s.Latency[m], 50).Round(time.Microsecond)))
		}
		steps = append(steps, fmt.Sprintf("%s: build %v, p50 %s", count(float64(s.Size)), s.Build.Round(time.Millisecond), strings.Join(modes, " ")))
	}
	return fmt.Sprintf("%s; round %v", strings.Join(steps, "; "), r.Took.Round(100*time.Millisecond))
}

func printSearch(rs []bench.SearchRound) int {
	type R = bench.SearchRound
	sizes := bench.SearchSizes
	last := len(sizes) - 1
	var grown []string
	for _, n := range sizes {
		grown = append(grown, count(float64(n)))
	}
	fmt.Printf("### Search: latency as the scope grows to %s memories\n\n", grown[last])
	fmt.Printf("One scope (one user) of a new file, grown to %s memories in turn by distinct one-sentence facts of the conversations' templates (\"I moved to Lisbon in 2014 and still rent a 2-bedroom flat near the old harbour.\"; no two alike but for their numbers), pre-extracted, %d per `Add`, %d `Add`s at once, every run waited for. The engine has default Options but for a reconciler that adds every fact (the default one would supersede many of the templates' facts). At each size the engine is closed and opened again; the first search (hybrid) builds the index from the file and is timed, with the live heap (`HeapAlloc` after `runtime.GC`) before and after it. Then %d distinct queries (\"Which company does my sister work at?\", \"peanuts allergy\"), each searched in every mode in turn (hybrid, bm25, vector, fetch; the first mode rotating), Limit %d, each `Search` timed from call to return (vector and hybrid embed the query). Baseline: every memory of the scope read with `Memories.List` (pages of %d), the scan a search spares. Percentiles are nearest rank over the queries of a round; the table gives their median and range over rounds. The file at %s memories: %s.\n\n",
		strings.Join(grown, ", then "), bench.SearchFillBatch, bench.SearchFillCallers, bench.SearchQueryCount, bench.SearchLimit,
		mnemo.MaxListLimit, grown[last], mib(float64(rs[len(rs)-1].Steps[last].FileBytes)))

	// The compact table: medians over rounds of each size's percentiles.
	fmt.Printf("| memories | first search (index build) | heap before → after | ")
	for _, m := range bench.SearchModes {
		fmt.Printf("%s p50 / p99 | ", m)
	}
	fmt.Println("`List` of the scope |")
	fmt.Printf("|--:|--:|--:|%s--:|\n", strings.Repeat("--:|", len(bench.SearchModes)))
	for i, n := range sizes {
		med := func(f func(bench.SearchStep) float64) float64 {
			return median(collect(rs, func(r R) float64 { return f(r.Steps[i]) }))
		}
		fmt.Printf("| %s | %s | %s → %s | ", count(float64(n)),
			seconds(med(func(s bench.SearchStep) float64 { return s.Build.Seconds() })),
			mib(med(func(s bench.SearchStep) float64 { return float64(s.HeapBefore) })),
			mib(med(func(s bench.SearchStep) float64 { return float64(s.HeapAfter) })))
		for m := range bench.SearchModes {
			fmt.Printf("%s / %s | ",
				seconds(med(func(s bench.SearchStep) float64 { return bench.Percentile(s.Latency[m], 50).Seconds() })),
				seconds(med(func(s bench.SearchStep) float64 { return bench.Percentile(s.Latency[m], 99).Seconds() })))
		}
		fmt.Printf("%s |\n", seconds(med(func(s bench.SearchStep) float64 { return s.Scan.Seconds() })))
	}
	fmt.Println()

	var rows []row
	for i, n := range sizes {
		at := count(float64(n))
		step := func(f func(bench.SearchStep) float64) []float64 {
			return collect(rs, func(r R) float64 { return f(r.Steps[i]) })
		}
		rows = append(rows,
			row{fmt.Sprintf("%s: fill, memories/s (first `Add` to every run completed)", at), step(func(s bench.SearchStep) float64 {
				prev := 0
				if i > 0 {
					prev = sizes[i-1]
				}
				return float64(s.Size-prev) / s.Fill.Seconds()
			}), count},
			row{fmt.Sprintf("%s: `Open`", at), step(func(s bench.SearchStep) float64 { return s.Open.Seconds() }), seconds},
			row{fmt.Sprintf("%s: first search (builds the index)", at), step(func(s bench.SearchStep) float64 { return s.Build.Seconds() }), seconds},
			row{fmt.Sprintf("%s: live heap before the first search", at), step(func(s bench.SearchStep) float64 { return float64(s.HeapBefore) }), mib},
			row{fmt.Sprintf("%s: live heap after it", at), step(func(s bench.SearchStep) float64 { return float64(s.HeapAfter) }), mib},
			row{fmt.Sprintf("%s: the index's heap, after − before", at), step(func(s bench.SearchStep) float64 { return float64(s.HeapAfter) - float64(s.HeapBefore) }), mib},
		)
		for m, mode := range bench.SearchModes {
			rows = append(rows,
				row{fmt.Sprintf("%s: %s p50", at, mode), step(func(s bench.SearchStep) float64 { return bench.Percentile(s.Latency[m], 50).Seconds() }), seconds},
				row{fmt.Sprintf("%s: %s p99", at, mode), step(func(s bench.SearchStep) float64 { return bench.Percentile(s.Latency[m], 99).Seconds() }), seconds},
				row{fmt.Sprintf("%s: %s, queries with no result (of %d)", at, mode, bench.SearchQueryCount), step(func(s bench.SearchStep) float64 { return float64(s.Empty[m]) }), count},
			)
		}
		rows = append(rows,
			row{fmt.Sprintf("%s: baseline, every memory of the scope read with `Memories.List`", at), step(func(s bench.SearchStep) float64 { return s.Scan.Seconds() }), seconds},
			row{fmt.Sprintf("%s: ratio: `List` of the scope / hybrid p50 (per round)", at), step(func(s bench.SearchStep) float64 {
				return s.Scan.Seconds() / bench.Percentile(s.Latency[0], 50).Seconds()
			}), times},
		)
	}
	rows = append(rows,
		row{fmt.Sprintf("the file's size at %s memories", grown[last]), collect(rs, func(r R) float64 { return float64(r.Steps[last].FileBytes) }), mib},
		row{"one round (fills, reopenings, searches, listings)", collect(rs, secs(func(r R) time.Duration { return r.Took })), seconds},
	)
	printRows(rows)

	var targets []target
	for i, n := range sizes {
		goal, ok := bench.SearchHybridTargets[n]
		if !ok {
			continue
		}
		p50 := median(collect(rs, func(r R) float64 { return bench.Percentile(r.Steps[i].Latency[0], 50).Seconds() }))
		targets = append(targets, target{
			fmt.Sprintf("hybrid p50 under %v at %s memories (median over rounds)", goal, count(float64(n))),
			seconds(p50), p50 < goal.Seconds(),
		})
	}
	return printTargets(targets)
}
