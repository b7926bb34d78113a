package main

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

// serveLine summarises a round of the Serve benchmark.
func serveLine(r bench.ServeRound) string {
	s := ""
	for _, k := range bench.ServeKinds {
		h, d := r.HTTP[k], r.Direct[k]
		s += fmt.Sprintf("%s %.0f/s p99 %v (in-process %.0f/s); ", k, h.PerSecond(), h.P(99).Round(time.Microsecond), d.PerSecond())
	}
	return s
}

func printServe(rs []bench.ServeRound) int {
	type S = bench.ServeRound
	fmt.Printf("### mnemo serve: Engram's API over loopback HTTP, %d concurrent clients\n\n", bench.ServeClients)
	fmt.Printf("The `server` handler behind `httptest` on 127.0.0.1 (keep-alive connections), in front of an engine holding one scope of %s memories (its search index built) and %s completed runs; %d clients each send their next request as soon as the last is answered, and a request's latency is the call to its answer read whole. add: `POST /v1/memories` of one sentence (answered once its run is durably queued; the runs are processed meanwhile on the same cores); run: `GET /v1/runs/{id}`; search: `POST /v1/memories/search`, hybrid, limit 10. Baseline: the same calls made in-process by as many goroutines (`Memories.Add`, `Runs.Get`, `Memories.Search`). The clients run on the same cores as the server.\n\n",
		count(bench.ServeDocs), count(bench.ServeRuns), bench.ServeClients)
	var rows []row
	for _, k := range bench.ServeKinds {
		rows = append(rows,
			row{k + ": requests/s over HTTP", collect(rs, func(r S) float64 { return r.HTTP[k].PerSecond() }), count},
			row{k + ": p50 over HTTP", collect(rs, func(r S) float64 { return r.HTTP[k].P(50).Seconds() }), seconds},
			row{k + ": p99 over HTTP", collect(rs, func(r S) float64 { return r.HTTP[k].P(99).Seconds() }), seconds},
			row{k + ": calls/s in-process (baseline)", collect(rs, func(r S) float64 { return r.Direct[k].PerSecond() }), count},
			row{k + ": p99 in-process", collect(rs, func(r S) float64 { return r.Direct[k].P(99).Seconds() }), seconds},
			row{k + ": in-process rate / HTTP rate (per round)", collect(rs, func(r S) float64 { return r.Direct[k].PerSecond() / r.HTTP[k].PerSecond() }), times},
		)
	}
	printRows(rows)
	return 0
}
