package main

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// buffersLine summarises a round of the Buffers benchmark.
func buffersLine(r bench.BuffersRound) string {
	return fmt.Sprintf("park %v, open %v, flush %v + %v to completed, replay %v (%.1fx)",
		r.Park.Round(time.Millisecond), r.Open.Round(time.Microsecond), r.Flush.Round(time.Millisecond),
		r.Complete.Round(time.Millisecond), r.Replay.Round(time.Millisecond), r.Ratio())
}

func printBuffers(rs []bench.BuffersRound) int {
	type B = bench.BuffersRound
	last := rs[len(rs)-1]
	fmt.Printf("### Buffers: %s runs parked in %s scopes, then flushed\n\n", count(bench.BufferRuns), count(bench.BufferScopes))
	fmt.Printf("%s distinct one-sentence texts, %d for each of %s scopes (%d users with %d `conversation_id` values each), added by %d concurrent callers to a new file whose pipeline is extract, transform, commit, buffer (a trigger of %s items, which never fires by itself here), summarize, commit; timed from the first `Add` until every run is `in_buffer`. Then the engine is closed and the file opened again with the same pipeline, every buffer is flushed (`Buffers.Flush(ctx, nil)`) and every run waited for: each ends completed with its own memory and its scope's summary. Baseline: the finished file's keys and values replayed into a new bbolt file, %d puts per `Update`. The finished file: %s, %s keys in %d buckets (%s of keys and values); the replayed file: %s.\n\n",
		count(bench.BufferRuns), bench.BufferRunsPerScope, count(bench.BufferScopes), bench.BufferUsers, bench.BufferConversations, bench.Callers,
		count(1_000_000), bench.ReplayBatch, mib(float64(last.FileBytes)), count(float64(last.Pairs)), last.Buckets, mib(float64(last.PairBytes)), mib(float64(last.ReplayFileBytes)))
	printRows([]row{
		{"park: first `Add` to every run `in_buffer`", collect(rs, secs(func(r B) time.Duration { return r.Park })), seconds},
		{"park: first `Add` to last `Add` returned (accepted)", collect(rs, secs(func(r B) time.Duration { return r.Accepted })), seconds},
		{"park: runs/s", collect(rs, B.ParkRate), count},
		{"`Close` with every run parked", collect(rs, secs(func(r B) time.Duration { return r.Close })), seconds},
		{"`Open` with every run parked", collect(rs, secs(func(r B) time.Duration { return r.Open })), seconds},
		{"`Buffers.Flush(ctx, nil)`, call to return", collect(rs, secs(func(r B) time.Duration { return r.Flush })), seconds},
		{"`Flush`'s return to every run completed", collect(rs, secs(func(r B) time.Duration { return r.Complete })), seconds},
		{"flush: runs/s (call of `Flush` to every run completed)", collect(rs, B.FlushRate), count},
		{"runs `Flush` resumed", collect(rs, func(r B) float64 { return float64(r.Resumed) }), count},
		{"memories created (sum of `MemoriesCreated`)", collect(rs, func(r B) float64 { return float64(r.Memories) }), count},
		{"summaries listed afterwards (one `List` per scope, topic `summary`)", collect(rs, func(r B) float64 { return float64(r.Summaries) }), count},
		{"memories superseded (sum of runs' `deleted`)", collect(rs, func(r B) float64 { return float64(r.Superseded) }), count},
		{"memories listed afterwards (sum of users' `List` totals)", collect(rs, func(r B) float64 { return float64(r.Listed) }), count},
		{"the finished file's size", collect(rs, func(r B) float64 { return float64(r.FileBytes) }), mib},
		{"baseline: replay of the finished file into raw bbolt", collect(rs, secs(func(r B) time.Duration { return r.Replay })), seconds},
		{"ratio: park + flush + completion / replay's time (per round)", collect(rs, B.Ratio), times},
	})
	opened := median(collect(rs, secs(func(r B) time.Duration { return r.Open })))
	return printTargets([]target{
		{fmt.Sprintf("`Open` with %s runs parked under %v (median; the range shows the worst round)", count(bench.BufferRuns), bench.OpenParkedTarget), seconds(opened), opened < bench.OpenParkedTarget.Seconds()},
	})
}
