package main

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// endToEndLine summarises a round of an end-to-end benchmark.
func endToEndLine(r bench.EndToEndRound) string {
	return fmt.Sprintf("%v end to end, replay %v (%.1fx), %d memories",
		r.Wall.Round(time.Millisecond), r.Replay.Round(time.Millisecond), r.Ratio(), r.Memories)
}

// endToEndRows are the rows both end-to-end tables share.
func endToEndRows(rs []bench.EndToEndRound) []row {
	return []row{
		{"mnemo: first `Add` to every run completed", collect(rs, secs(func(r bench.EndToEndRound) time.Duration { return r.Wall })), seconds},
		{"mnemo: first `Add` to last `Add` returned (accepted)", collect(rs, secs(func(r bench.EndToEndRound) time.Duration { return r.Accepted })), seconds},
		{"mnemo: runs/s", collect(rs, bench.EndToEndRound.RunsPerSecond), count},
		{"mnemo: memories/s", collect(rs, bench.EndToEndRound.MemoriesPerSecond), count},
		{"memories created (sum of `MemoriesCreated`)", collect(rs, func(r bench.EndToEndRound) float64 { return float64(r.Memories) }), count},
		{"memories updated in place (sum of runs' `updated`)", collect(rs, func(r bench.EndToEndRound) float64 { return float64(r.Updated) }), count},
		{"memories superseded (sum of runs' `deleted`)", collect(rs, func(r bench.EndToEndRound) float64 { return float64(r.Superseded) }), count},
		{"memories listed afterwards (sum of users' `List` totals)", collect(rs, func(r bench.EndToEndRound) float64 { return float64(r.Listed) }), count},
		{"baseline: replay of the finished file into raw bbolt", collect(rs, secs(func(r bench.EndToEndRound) time.Duration { return r.Replay })), seconds},
		{"ratio: mnemo's time / replay's time (per round)", collect(rs, bench.EndToEndRound.Ratio), times},
	}
}

// fileLine describes the finished file and the replay's input, from the last round.
func fileLine(rs []bench.EndToEndRound) string {
	r := rs[len(rs)-1]
	return fmt.Sprintf("The finished file: %s, %s keys in %d buckets (%s of keys and values); the replayed file: %s.",
		mib(float64(r.FileBytes)), count(float64(r.Pairs)), r.Buckets, mib(float64(r.PairBytes)), mib(float64(r.ReplayFileBytes)))
}

func printConversations(rs []bench.EndToEndRound) int {
	fmt.Printf("### Conversations: %s conversations of %d turns, %d concurrent callers\n\n", count(bench.ConversationCount), bench.ConversationTurns, bench.Callers)
	fmt.Printf("%s conversations (%s messages, %s sentences worth remembering, chit-chat aside) for %d users, ten each, added to a new file with default Options; timed from the first `Add` until every run has completed. Baseline: the finished file's keys and values replayed into a new bbolt file, %d puts per `Update`. %s\n\n",
		count(bench.ConversationCount), count(bench.ConversationCount*bench.ConversationTurns), count(float64(rs[0].Facts)), bench.ConversationUsers, bench.ReplayBatch, fileLine(rs))
	printRows(endToEndRows(rs))
	mps := median(collect(rs, bench.EndToEndRound.MemoriesPerSecond))
	ratio := median(collect(rs, bench.EndToEndRound.Ratio))
	return printTargets([]target{
		{"at least 20,000 memories/s", count(mps) + " memories/s", mps >= 20_000},
		{"at most 3x the replay's time", times(ratio), ratio <= 3},
	})
}

func printTexts(rs []bench.EndToEndRound) int {
	fmt.Printf("### Texts: %s one-sentence texts, %d concurrent callers\n\n", count(bench.TextCount), bench.Callers)
	fmt.Printf("%s distinct one-sentence texts (\"User 17 prefers green tea in the morning.\") for %d users, added to a new file with default Options; timed from the first `Add` until every run has completed. Baseline as above. %s\n\n",
		count(bench.TextCount), bench.TextUsers, fileLine(rs))
	printRows(endToEndRows(rs))
	ratio := median(collect(rs, bench.EndToEndRound.Ratio))
	return printTargets([]target{{"at most 10x the replay's time", times(ratio), ratio <= 10}})
}

// latencyLine summarises a round of the Latency benchmark.
func latencyLine(l bench.LatencyRound) string {
	return fmt.Sprintf("large run %v, %d probes, max %v, close mid-way %v (run %s); crowd %v, %d probes, max %v",
		l.BigRun.Round(time.Millisecond), len(l.Probes), l.Max().Round(time.Microsecond), l.CloseMidway.Round(time.Millisecond), l.MidwayStatus,
		l.CrowdRun.Round(time.Millisecond), len(l.CrowdProbes), l.CrowdQuantile(1).Round(time.Microsecond))
}

func printLatency(ls []bench.LatencyRound) int {
	type L = bench.LatencyRound
	l0 := ls[0]
	fmt.Println("### Latency under a large input")
	fmt.Println()
	fmt.Printf("A conversation of %s messages (%s of content, lines alike but for a number) added to a new file with default Options; while its run is processed, one-sentence `Add`s of another user one after another, each timed from call to return. Then `Close`. In a second pass on a new file, the same input is added and `Close` is called half of the first pass's accepted-to-completed time after acceptance. In a third, the crowd: %d conversations of %d turns, each for a user of its own and larger than a commit part, added at once by as many callers to a new file, with probes one after another until every one of their runs completed.\n\n",
		count(float64(l0.BigMessages)), mib(float64(l0.BigBytes)), bench.CrowdRuns, bench.CrowdTurns)
	first, running := 0, 0
	for _, l := range ls {
		if l.ProbeFirst {
			first++
		}
		if !l.MidwayStatus.Terminal() {
			running++
		}
	}
	printRows([]row{
		{"the large `Add`, call to return (its acceptance)", collect(ls, secs(func(l L) time.Duration { return l.BigAdd })), seconds},
		{fmt.Sprintf("one probe `Add` issued with the large `Add` (returned first in %d of %d rounds)", first, len(ls)), collect(ls, secs(func(l L) time.Duration { return l.ConcurrentProbe })), seconds},
		{"the large run, accepted to completed", collect(ls, secs(func(l L) time.Duration { return l.BigRun })), seconds},
		{"memories the large run created", collect(ls, func(l L) float64 { return float64(l.BigMemories) }), count},
		{"probes during the large run", collect(ls, func(l L) float64 { return float64(len(l.Probes)) }), count},
		{"probe latency, p50", collect(ls, secs(func(l L) time.Duration { return l.Quantile(0.5) })), seconds},
		{"probe latency, p99", collect(ls, secs(func(l L) time.Duration { return l.Quantile(0.99) })), seconds},
		{"probe latency, max", collect(ls, secs(L.Max)), seconds},
		{"`Close` right after the large run completed", collect(ls, secs(func(l L) time.Duration { return l.CloseAfter })), seconds},
		{fmt.Sprintf("`Close` mid-way (the run still in progress in %d of %d rounds)", running, len(ls)), collect(ls, secs(func(l L) time.Duration { return l.CloseMidway })), seconds},
		{"the crowd, first `Add` to every run completed", collect(ls, secs(func(l L) time.Duration { return l.CrowdRun })), seconds},
		{"memories the crowd created", collect(ls, func(l L) float64 { return float64(l.CrowdMemories) }), count},
		{"probes during the crowd's runs", collect(ls, func(l L) float64 { return float64(len(l.CrowdProbes)) }), count},
		{"crowd probe latency, p50", collect(ls, secs(func(l L) time.Duration { return l.CrowdQuantile(0.5) })), seconds},
		{"crowd probe latency, p99", collect(ls, secs(func(l L) time.Duration { return l.CrowdQuantile(0.99) })), seconds},
		{"crowd probe latency, max", collect(ls, secs(func(l L) time.Duration { return l.CrowdQuantile(1) })), seconds},
	})
	maxLat := median(collect(ls, secs(L.Max)))
	closeMid := median(collect(ls, secs(func(l L) time.Duration { return l.CloseMidway })))
	return printTargets([]target{
		{fmt.Sprintf("probe latency, max, at most %v (median of the rounds' maxima)", bench.ProbeMaxTarget), seconds(maxLat), maxLat <= bench.ProbeMaxTarget.Seconds()},
		{fmt.Sprintf("`Close` mid-way at most ShutdownTimeout + 1 s = %v", bench.CloseMidwayTarget), seconds(closeMid), closeMid <= bench.CloseMidwayTarget.Seconds()},
	})
}
