package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// reconcileLine summarises a round of the Reconcile benchmark.
func reconcileLine(r bench.ReconcileRound) string {
	var steps []string
	for _, s := range r.Steps {
		steps = append(steps, fmt.Sprintf("%s: %v/fact (%.2fx empty, fill %v)",
			count(float64(s.Size)), s.PerFact().Round(time.Microsecond), s.Ratio(), s.Fill.Round(time.Millisecond)))
	}
	return fmt.Sprintf("%s; largest/smallest %.2fx, round %v", strings.Join(steps, ", "), r.Growth(), r.Took.Round(100*time.Millisecond))
}

func printReconcile(rs []bench.ReconcileRound) int {
	type R = bench.ReconcileRound
	sizes := bench.ReconcileSizes
	smallest, largest := count(float64(sizes[0])), count(float64(sizes[len(sizes)-1]))
	var grown []string
	for _, n := range sizes {
		grown = append(grown, count(float64(n)))
	}
	fmt.Printf("### Reconcile: cost per fact as the scope grows to %s memories\n\n", largest)
	fmt.Printf("One scope (one user, no properties) of a new file with default Options (the default reconciler), grown to %s memories in turn by distinct pre-extracted statements that share their words (\"I gladly brew green tea with cheerful nephews in the sunny garden during rainy afternoons.\": %d terms each, each term in one statement in twenty), which the default reconciler all adds (the memories created must add up to the size), %s per `Add`, %d `Add`s at once. At each size, %d probes of %d new such statements, each probe one `Add`, timed from the `Add` until `Runs.Wait` returned it completed; a probe's memories are deleted after it (not timed), so every probe finds the scope at its size. Per fact: the median probe's time over its %d facts. Baseline: each probe alternates with the same statements added to an empty scope (another user) of the same file. The file at %s memories: %s.\n\n",
		strings.Join(grown, ", then "), bench.StatementKeys, count(bench.ReconcileFillBatch), bench.ReconcileFillCallers,
		bench.ReconcileProbes, bench.ReconcileProbeFacts, bench.ReconcileProbeFacts, largest,
		mib(float64(rs[len(rs)-1].Steps[len(sizes)-1].FileBytes)))
	var rows []row
	for i, n := range sizes {
		at := count(float64(n))
		rows = append(rows,
			row{fmt.Sprintf("per fact, %s memories in the scope", at), collect(rs, secs(func(r R) time.Duration { return r.Steps[i].PerFact() })), seconds},
			row{fmt.Sprintf("per fact, an empty scope (baseline), at %s", at), collect(rs, secs(func(r R) time.Duration { return r.Steps[i].EmptyPerFact() })), seconds},
			row{fmt.Sprintf("ratio: full scope / empty scope (per round), at %s", at), collect(rs, func(r R) float64 { return r.Steps[i].Ratio() }), times},
		)
	}
	rows = append(rows,
		row{fmt.Sprintf("ratio: per fact at %s / at %s (per round)", largest, smallest), collect(rs, R.Growth), times},
		row{"fill: memories/s (first `Add` to every run completed, every size)", collect(rs, R.FillRate), count},
		row{fmt.Sprintf("the file's size at %s memories", largest), collect(rs, func(r R) float64 { return float64(r.Steps[len(r.Steps)-1].FileBytes) }), mib},
		row{"one round (fills, probes and deletions)", collect(rs, secs(func(r R) time.Duration { return r.Took })), seconds},
	)
	printRows(rows)
	growth := median(collect(rs, R.Growth))
	return printTargets([]target{
		{fmt.Sprintf("flat: per fact at %s memories within %gx of at %s (median of per-round ratios)", largest, bench.ReconcileFlatTarget, smallest), times(growth), growth <= bench.ReconcileFlatTarget},
	})
}
