package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/server"
)

// Sizes of the Serve benchmark.
const (
	ServeClients = 64     // concurrent clients
	ServeDocs    = 10_000 // memories in the searched scope
	ServeRuns    = 1_000  // completed runs the run lookups pick from
)

// ServeKinds are the requests the Serve benchmark times, in order.
var ServeKinds = []string{"add", "run", "search"}

// serveRequests is how many requests of each kind a round of RunServe sends.
var serveRequests = map[string]int{"add": 5_000, "run": 20_000, "search": 5_000}

// ServeFixture is mnemo serve's handler over loopback HTTP (httptest, keep-alive connections) in
// front of an engine that holds a scope of ServeDocs memories, with its search index built, and
// ServeRuns completed runs.
type ServeFixture struct {
	Eng     *mnemo.Engine
	URL     string
	client  *http.Client
	srv     *httptest.Server
	docs    []string
	queries []string
	runIDs  []string
}

const serveKey = "bench-key"

// NewServeFixture fills an engine on a new file in dir and serves it.
func NewServeFixture(ctx context.Context, dir string) (*ServeFixture, error) {
	eng, err := mnemo.Open(filepath.Join(dir, "serve.db"), SearchOptions())
	if err != nil {
		return nil, err
	}
	f := &ServeFixture{Eng: eng, docs: MakeSearchDocs(ServeDocs), queries: MakeSearchQueries(200)}
	if _, err := FillScope(ctx, eng, "searcher", f.docs); err != nil {
		eng.Close()
		return nil, err
	}
	f.runIDs = make([]string, ServeRuns)
	for i := range f.runIDs {
		r, err := eng.Memories.Add(ctx, mnemo.PreExtracted(mnemo.Item{Content: f.docs[i]}), &mnemo.AddOptions{UserID: "runs"})
		if err != nil {
			eng.Close()
			return nil, err
		}
		f.runIDs[i] = r.ID
	}
	for _, id := range f.runIDs {
		if _, err := eng.Runs.Wait(ctx, id); err != nil {
			eng.Close()
			return nil, err
		}
	}
	if _, err := eng.Memories.Search(ctx, f.queries[0], &mnemo.SearchOptions{UserID: "searcher"}); err != nil {
		eng.Close()
		return nil, err // builds the search index before the timing
	}
	f.srv = httptest.NewServer(server.New(eng, server.Options{APIKeys: []string{serveKey}}))
	f.URL = f.srv.URL
	f.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ServeClients, MaxConnsPerHost: ServeClients}}
	return f, nil
}

// Close stops the server and closes the engine.
func (f *ServeFixture) Close() error {
	f.srv.Close()
	return f.Eng.Close()
}

// HTTP sends request i of kind over HTTP and reads the whole answer, which must be 200.
func (f *ServeFixture) HTTP(kind string, i int) error {
	method, path, body := "POST", "", []byte(nil)
	switch kind {
	case "add":
		path = "/v1/memories"
		body, _ = json.Marshal(map[string]any{"user_id": fmt.Sprintf("adder-%d", i%ServeClients),
			"input": map[string]any{"string": map[string]any{"content": []string{f.docs[i%len(f.docs)]}}}})
	case "run":
		method, path = "GET", "/v1/runs/"+f.runIDs[i%len(f.runIDs)]
	case "search":
		path = "/v1/memories/search"
		body, _ = json.Marshal(map[string]any{"query": f.queries[i%len(f.queries)], "user_id": "searcher",
			"retrieval_config": map[string]any{"retrieval_type": "hybrid", "limit": 10}})
	default:
		return fmt.Errorf("unknown request kind %q", kind)
	}
	req, err := http.NewRequest(method, f.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+serveKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: status %d", method, path, resp.StatusCode)
	}
	return err
}

// Direct makes the call of request i of kind on the engine itself, in-process: the baseline.
func (f *ServeFixture) Direct(ctx context.Context, kind string, i int) error {
	var err error
	switch kind {
	case "add":
		_, err = f.Eng.Memories.Add(ctx, mnemo.Text(f.docs[i%len(f.docs)]), &mnemo.AddOptions{UserID: fmt.Sprintf("direct-%d", i%ServeClients)})
	case "run":
		_, err = f.Eng.Runs.Get(ctx, f.runIDs[i%len(f.runIDs)])
	case "search":
		_, err = f.Eng.Memories.Search(ctx, f.queries[i%len(f.queries)], &mnemo.SearchOptions{UserID: "searcher", Mode: mnemo.Hybrid, Limit: 10})
	default:
		err = fmt.Errorf("unknown request kind %q", kind)
	}
	return err
}

// Load is what Drive measured: how many calls, in how long, and their latencies, sorted.
type Load struct {
	Calls     int
	Elapsed   time.Duration
	Latencies []time.Duration
}

// PerSecond is the calls per second.
func (l Load) PerSecond() float64 { return float64(l.Calls) / l.Elapsed.Seconds() }

// P returns the p-th percentile latency.
func (l Load) P(p float64) time.Duration { return Percentile(l.Latencies, p) }

// Drive makes n calls of do from clients goroutines, each making its next call as soon as its last
// returned, and times each. It stops at the first error.
func Drive(clients, n int, do func(i int) error) (Load, error) {
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failed.Load() != nil {
					return
				}
				t0 := time.Now()
				if err := do(i); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	l := Load{Calls: n, Elapsed: time.Since(start)}
	if err, _ := failed.Load().(error); err != nil {
		return l, err
	}
	for _, ls := range lat {
		l.Latencies = append(l.Latencies, ls...)
	}
	slices.Sort(l.Latencies)
	return l, nil
}

// ServeRound is one round of the Serve benchmark: for each kind of request, the load over HTTP and
// the same calls made in-process (the baseline).
type ServeRound struct {
	HTTP, Direct map[string]Load
}

// RunServe runs one round of the Serve benchmark.
func RunServe(ctx context.Context) (ServeRound, error) {
	dir, err := os.MkdirTemp("", "mnemo-bench-serve-*")
	if err != nil {
		return ServeRound{}, err
	}
	defer os.RemoveAll(dir)
	f, err := NewServeFixture(ctx, dir)
	if err != nil {
		return ServeRound{}, err
	}
	defer f.Close()
	r := ServeRound{HTTP: map[string]Load{}, Direct: map[string]Load{}}
	for _, kind := range ServeKinds {
		n := serveRequests[kind]
		if r.HTTP[kind], err = Drive(ServeClients, n, func(i int) error { return f.HTTP(kind, i) }); err != nil {
			return r, fmt.Errorf("serve: %s over HTTP: %w", kind, err)
		}
		if r.Direct[kind], err = Drive(ServeClients, n, func(i int) error { return f.Direct(ctx, kind, i) }); err != nil {
			return r, fmt.Errorf("serve: %s in-process: %w", kind, err)
		}
	}
	return r, nil
}
