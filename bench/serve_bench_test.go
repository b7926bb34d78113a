package bench_test

import (
	"context"
	"testing"

	"github.com/mnemohq/mnemo/bench"
)

// BenchmarkServe measures mnemo serve's handler over loopback HTTP (httptest, keep-alive
// connections) with bench.ServeClients concurrent clients, each sending its next request as soon as
// the last is answered: an add (POST /v1/memories of one sentence, answered once the run is durably
// queued), a run lookup (GET /v1/runs/{id} of a completed run) and a hybrid search of a scope of
// bench.ServeDocs memories (POST /v1/memories/search, limit 10). It reports requests per second and
// the p50 and p99 latencies, call to full answer read. The adds' runs are processed meanwhile, on
// the same cores, as they would be in production. The report (-only serve) runs the same with the
// in-process calls beside them.
func BenchmarkServe(b *testing.B) {
	f, err := bench.NewServeFixture(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, kind := range bench.ServeKinds {
		b.Run(kind, func(b *testing.B) {
			l, err := bench.Drive(bench.ServeClients, b.N, func(i int) error { return f.HTTP(kind, i) })
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(l.PerSecond(), "req/s")
			b.ReportMetric(float64(l.P(50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(l.P(99).Microseconds())/1000, "p99-ms")
		})
	}
}
