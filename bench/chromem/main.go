// Command chromem compares mnemo's vector search with chromem-go's (github.com/philippgille/chromem-go,
// an embeddable in-memory vector store that also searches by brute force) on the same vectors, in
// the same process, at 1,000, 10,000 and 100,000 documents.
//
// The documents are bench.MakeSearchDocs's one-sentence facts and the queries
// bench.MakeSearchQueries's questions. Their vectors are made once with embedding.Default() and
// loaded into a chromem-go collection (AddDocuments with Embedding set; the collection's embedding
// function errors, so it is never called); the same contents are added to one scope of a mnemo
// engine, which embeds them with the same embedder, so the vectors are the same. At each size,
// every query is run against both, alternating which goes first: chromem-go's
// QueryEmbedding(ctx, queryVector, 10, nil, nil) and mnemo's Memories.Search(ctx, query,
// Mode: Vector, Limit: 10), which embeds the query itself (the embedding of a query alone is timed
// too, so the comparison can be read fairly) and reads the 10 memories from the file. The top-10
// IDs of the two are compared: they should agree, ties at the 10th place aside.
//
// Run it from this directory:
//
//	go run .              # prints a Markdown table; progress to stderr
//	go run . -passes 5    # more passes over the queries
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench"
	"github.com/mnemohq/mnemo/embedding"
)

// k is every search's number of results.
const k = 10

// tie is how close two cosine similarities must be to count as the same.
const tie = 1e-5

func main() {
	passes := flag.Int("passes", 3, "passes over the queries at each size")
	flag.Parse()
	if err := run(*passes); err != nil {
		fmt.Fprintln(os.Stderr, "chromem:", err)
		os.Exit(1)
	}
}

// step is what was measured at one size.
type step struct {
	size                  int
	load, fill, build     time.Duration
	chromem, mnemo, embed []time.Duration
	// exact counts the results (of k per query) found by both; tied, those found by both or tied
	// with the last of chromem-go's; maxDiff is the largest difference between the i-th similarities
	// of the two, over every query and rank.
	exact, tied, results int
	maxDiff              float64
}

func run(passes int) error {
	ctx := context.Background()
	sizes := bench.SearchSizes
	largest := sizes[len(sizes)-1]
	docs := bench.MakeSearchDocs(largest)
	queries := bench.MakeSearchQueries(bench.SearchQueryCount)
	index := make(map[string]int, len(docs))
	for i, d := range docs {
		index[d] = i
	}
	emb := embedding.Default()
	start := time.Now()
	vecs, err := emb.Embed(ctx, docs)
	if err != nil {
		return err
	}
	qvecs, err := emb.Embed(ctx, queries)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "embedded %d documents and %d queries in %v\n", len(docs), len(queries), time.Since(start).Round(time.Millisecond))

	dir, err := os.MkdirTemp("", "mnemo-bench-chromem-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	eng, err := mnemo.Open(filepath.Join(dir, "chromem.db"), bench.SearchOptions())
	if err != nil {
		return err
	}
	defer eng.Close()
	db := chromem.NewDB()
	never := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("chromem: the embedding function was called")
	}

	var steps []step
	filled := 0
	for _, n := range sizes {
		s := step{size: n}
		// chromem-go: a new collection of the first n documents.
		col, err := db.CreateCollection("docs-"+strconv.Itoa(n), nil, never)
		if err != nil {
			return err
		}
		cdocs := make([]chromem.Document, n)
		for i := range n {
			cdocs[i] = chromem.Document{ID: strconv.Itoa(i), Content: docs[i], Embedding: vecs[i]}
		}
		start := time.Now()
		if err := col.AddDocuments(ctx, cdocs, runtime.NumCPU()); err != nil {
			return fmt.Errorf("chromem-go: add %d documents: %w", n, err)
		}
		s.load = time.Since(start)
		// mnemo: the scope grown to the first n documents, then one search to build the index.
		start = time.Now()
		if _, err := bench.FillScope(ctx, eng, bench.SearchUser, docs[filled:n]); err != nil {
			return err
		}
		s.fill = time.Since(start)
		filled = n
		opts := &mnemo.SearchOptions{UserID: bench.SearchUser, Mode: mnemo.Vector, Limit: k}
		start = time.Now()
		if _, err := eng.Memories.Search(ctx, queries[0], opts); err != nil {
			return err
		}
		s.build = time.Since(start) // the index is built at the first size, then kept current by the fills' commits

		for p := range passes {
			for i, q := range queries {
				var cres []chromem.Result
				var mres []mnemo.Result
				for turn := range 2 {
					if (turn+i+p)%2 == 0 {
						start := time.Now()
						if cres, err = col.QueryEmbedding(ctx, qvecs[i], k, nil, nil); err != nil {
							return fmt.Errorf("chromem-go: query %q: %w", q, err)
						}
						s.chromem = append(s.chromem, time.Since(start))
					} else {
						start := time.Now()
						if mres, err = eng.Memories.Search(ctx, q, opts); err != nil {
							return fmt.Errorf("mnemo: search %q: %w", q, err)
						}
						s.mnemo = append(s.mnemo, time.Since(start))
					}
				}
				start := time.Now()
				if _, err := emb.Embed(ctx, []string{q}); err != nil {
					return err
				}
				s.embed = append(s.embed, time.Since(start))
				if p == 0 {
					if err := s.compare(cres, mres, index); err != nil {
						return fmt.Errorf("query %q: %w", q, err)
					}
				}
			}
		}
		fmt.Fprintf(os.Stderr, "%d: chromem-go p50 %v, mnemo p50 %v, embed p50 %v, overlap %d/%d\n", n,
			bench.Percentile(s.chromem, 50), bench.Percentile(s.mnemo, 50), bench.Percentile(s.embed, 50), s.exact, s.results)
		steps = append(steps, s)
		db.DeleteCollection(col.Name)
		runtime.GC()
	}
	print(steps, passes, len(queries))
	return nil
}

// compare adds the agreement of one query's results to s.
func (s *step) compare(cres []chromem.Result, mres []mnemo.Result, index map[string]int) error {
	if len(cres) != k || len(mres) != k {
		return fmt.Errorf("%d results from chromem-go, %d from mnemo; want %d", len(cres), len(mres), k)
	}
	found := make(map[int]bool, k)
	for _, r := range cres {
		i, err := strconv.Atoi(r.ID)
		if err != nil {
			return err
		}
		found[i] = true
	}
	last := float64(cres[k-1].Similarity)
	for j, r := range mres {
		i, ok := index[r.Memory.Content]
		if !ok {
			return fmt.Errorf("mnemo returned a memory of no document: %q", r.Memory.Content)
		}
		s.results++
		if found[i] {
			s.exact++
			s.tied++
		} else if math.Abs(r.Vector-last) <= tie {
			s.tied++
		}
		s.maxDiff = max(s.maxDiff, math.Abs(r.Vector-float64(cres[j].Similarity)))
	}
	return nil
}

func print(steps []step, passes, queries int) {
	fmt.Printf("Machine: %d logical CPUs (GOMAXPROCS %d), %s/%s, %s. chromem-go v0.7.0. %d queries, %d passes at each size (%d searches each way), alternating which goes first; percentiles are nearest rank.\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), queries, passes, queries*passes)
	fmt.Println("| documents | chromem-go p50 / p99 | mnemo Vector p50 / p99 | mnemo / chromem-go, p50 | a query's embedding alone, p50 / p99 | top-10 overlap | overlap, ties at 10th counted | largest similarity difference |")
	fmt.Println("|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range steps {
		c50, m50 := bench.Percentile(s.chromem, 50), bench.Percentile(s.mnemo, 50)
		fmt.Printf("| %s | %s / %s | %s / %s | %.2fx | %s / %s | %.1f%% | %.1f%% | %.1e |\n", thousands(s.size),
			d(c50), d(bench.Percentile(s.chromem, 99)), d(m50), d(bench.Percentile(s.mnemo, 99)),
			m50.Seconds()/c50.Seconds(), d(bench.Percentile(s.embed, 50)), d(bench.Percentile(s.embed, 99)),
			100*float64(s.exact)/float64(s.results), 100*float64(s.tied)/float64(s.results), s.maxDiff)
	}
	fmt.Println()
	fmt.Println("| documents | chromem-go: AddDocuments (precomputed vectors) | mnemo: fill from the previous size (adds, embedding, runs completed) | mnemo: first search after the fill |")
	fmt.Println("|--:|--:|--:|--:|")
	for _, s := range steps {
		fmt.Printf("| %s | %s | %s | %s |\n", thousands(s.size), d(s.load), d(s.fill), d(s.build))
	}
}

// d formats a duration with three significant figures.
func d(x time.Duration) string {
	switch {
	case x >= time.Second:
		return fmt.Sprintf("%.2f s", x.Seconds())
	case x >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", x.Seconds()*1e3)
	}
	return fmt.Sprintf("%.0f µs", x.Seconds()*1e6)
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
