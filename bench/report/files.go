package main

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// fileRoundLine summarises a round of the File benchmark.
func fileRoundLine(r bench.FileRound) string {
	return fmt.Sprintf("%s memories in %v (%.2f MB/s, %.0f memories/s), peak heap %s (live %s), ingesting %s (live %s), the run %s, replay %v (%.1fx)",
		count(float64(r.Memories)), r.Wall.Round(time.Millisecond), r.MBPerSecond(), r.MemoriesPerSecond(),
		mib(float64(r.PeakHeap)), mib(float64(r.PeakLive)), mib(float64(r.IngestHeap)), mib(float64(r.IngestLive)),
		mib(float64(r.RunHeap)), r.Replay.Round(time.Millisecond), r.Ratio())
}

func printFile(rs []bench.FileRound) int {
	type F = bench.FileRound
	last := rs[len(rs)-1]
	fmt.Printf("### File: a %s Markdown file through `mnemo.File`\n\n", mib(float64(last.Bytes)))
	fmt.Printf("A generated Markdown document (headings, and paragraphs of the conversations' sentences) added with `Memories.Add(ctx, mnemo.File(path), ...)` to a new file with the default options, and timed from the `Add` until its run is completed; the heap is sampled every 2 ms meanwhile (runtime/metrics: the heap's objects, live and not yet swept, and the live heap each collection leaves). Baseline: the finished file's keys and values replayed into a new bbolt file, %d puts per `Update`. The finished file: %s, %s keys (%s of keys and values, the file's own bytes among them); the replayed file: %s.\n\n",
		bench.ReplayBatch, mib(float64(last.FileBytes)), count(float64(last.Pairs)), mib(float64(last.PairBytes)), mib(float64(last.ReplayFileBytes)))
	printRows([]row{
		{"`Add` (the file's bytes stored: accepted)", collect(rs, secs(func(r F) time.Duration { return r.Accepted })), seconds},
		{"`Add` to the run completed", collect(rs, secs(func(r F) time.Duration { return r.Wall })), seconds},
		{"MiB/s of the file", collect(rs, F.MBPerSecond), func(v float64) string { return fmt.Sprintf("%.2f", v) }},
		{"memories created", collect(rs, func(r F) float64 { return float64(r.Memories) }), count},
		{"memories/s", collect(rs, F.MemoriesPerSecond), count},
		{"peak heap in use (objects, live and unswept), `Add` to completed", collect(rs, func(r F) float64 { return float64(r.PeakHeap) }), mib},
		{"peak live heap (after a collection), `Add` to completed", collect(rs, func(r F) float64 { return float64(r.PeakLive) }), mib},
		{"peak heap in use while ingesting (the last 2 s, the completed run's record, left out)", collect(rs, func(r F) float64 { return float64(r.IngestHeap) }), mib},
		{"peak live heap while ingesting", collect(rs, func(r F) float64 { return float64(r.IngestLive) }), mib},
		{"live heap of the completed `Run` that `Wait` returned (every operation)", collect(rs, func(r F) float64 { return float64(r.RunHeap) }), mib},
		{"baseline: replay of the finished file into raw bbolt", collect(rs, secs(func(r F) time.Duration { return r.Replay })), seconds},
		{"ratio: `Add` to completed / replay's time (per round)", collect(rs, F.Ratio), times},
	})
	peak := median(collect(rs, func(r F) float64 { return float64(r.PeakHeap) }))
	ingest := median(collect(rs, func(r F) float64 { return float64(r.IngestHeap) }))
	return printTargets([]target{
		{fmt.Sprintf("heap under %s while the file is ingested (median of the peaks, heap in use)", mib(bench.FileHeapTarget)), mib(ingest), ingest < bench.FileHeapTarget},
		{fmt.Sprintf("heap under %s from `Add` to the completed run returned by `Wait`", mib(bench.FileHeapTarget)), mib(peak), peak < bench.FileHeapTarget},
	})
}
