package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench"
	"github.com/mnemohq/mnemo/server"
)

// Sizes of the Serve benchmark.
const (
	serveClients = 64     // concurrent HTTP clients
	serveDocs    = 10_000 // memories in the searched scope
	serveRuns    = 1_000  // runs the run lookups pick from
)

// BenchmarkServe measures mnemo serve's handler over loopback HTTP (httptest, keep-alive
// connections) with serveClients concurrent clients, each sending its next request as soon as the
// last is answered: an add (POST /v1/memories of one sentence, answered once the run is durably
// queued), a run lookup (GET /v1/runs/{id} of a completed run) and a hybrid search of a scope of
// serveDocs memories (POST /v1/memories/search, limit 10). It reports requests per second and the
// p50 and p99 latencies, call to full answer read. The adds' runs are processed meanwhile, on the
// same cores, as they would be in production.
func BenchmarkServe(b *testing.B) {
	ctx := context.Background()
	eng, err := mnemo.Open(filepath.Join(b.TempDir(), "serve.db"), bench.SearchOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	docs := bench.MakeSearchDocs(serveDocs)
	if _, err := bench.FillScope(ctx, eng, "searcher", docs); err != nil {
		b.Fatal(err)
	}
	runIDs := make([]string, serveRuns)
	for i := range runIDs {
		r, err := eng.Memories.Add(ctx, mnemo.PreExtracted(mnemo.Item{Content: docs[i]}), &mnemo.AddOptions{UserID: "runs"})
		if err != nil {
			b.Fatal(err)
		}
		runIDs[i] = r.ID
	}
	for _, id := range runIDs {
		if _, err := eng.Runs.Wait(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	queries := bench.MakeSearchQueries(200)
	if _, err := eng.Memories.Search(ctx, queries[0], &mnemo.SearchOptions{UserID: "searcher"}); err != nil {
		b.Fatal(err) // builds the search index before the timing
	}

	const key = "bench-key"
	srv := httptest.NewServer(server.New(eng, server.Options{APIKeys: []string{key}}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: serveClients, MaxConnsPerHost: serveClients}}

	type request struct {
		method, path string
		body         func(i int) []byte
	}
	mustJSON := func(v any) []byte { raw, _ := json.Marshal(v); return raw }
	for _, tc := range []struct {
		name string
		req  request
	}{
		{"add", request{"POST", "/v1/memories", func(i int) []byte {
			return mustJSON(map[string]any{"user_id": fmt.Sprintf("adder-%d", i%serveClients),
				"input": map[string]any{"string": map[string]any{"content": []string{docs[i%len(docs)]}}}})
		}}},
		{"run", request{"GET", "", nil}},
		{"search", request{"POST", "/v1/memories/search", func(i int) []byte {
			return mustJSON(map[string]any{"query": queries[i%len(queries)], "user_id": "searcher",
				"retrieval_config": map[string]any{"retrieval_type": "hybrid", "limit": 10}})
		}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var next atomic.Int64
			lat := make([][]time.Duration, serveClients)
			var wg sync.WaitGroup
			var failed atomic.Value
			b.ResetTimer()
			start := time.Now()
			for c := range serveClients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						path, body := tc.req.path, []byte(nil)
						if tc.req.body != nil {
							body = tc.req.body(i)
						}
						if path == "" {
							path = "/v1/runs/" + runIDs[i%len(runIDs)]
						}
						req, _ := http.NewRequest(tc.req.method, srv.URL+path, bytes.NewReader(body))
						req.Header.Set("Authorization", "Bearer "+key)
						req.Header.Set("Content-Type", "application/json")
						t0 := time.Now()
						resp, err := client.Do(req)
						if err == nil {
							_, err = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if err == nil && resp.StatusCode != http.StatusOK {
								err = fmt.Errorf("%s %s: status %d", tc.req.method, path, resp.StatusCode)
							}
						}
						if err != nil {
							failed.CompareAndSwap(nil, err)
							return
						}
						lat[c] = append(lat[c], time.Since(t0))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
			var all []time.Duration
			for _, l := range lat {
				all = append(all, l...)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(bench.Percentile(all, 50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(bench.Percentile(all, 99).Microseconds())/1000, "p99-ms")
		})
	}
}
