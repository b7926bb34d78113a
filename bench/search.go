package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// The Search benchmark's sizes.
const (
	// SearchQueryCount distinct queries are searched in each mode at each size.
	SearchQueryCount = 300
	// SearchLimit is every search's Limit.
	SearchLimit = 10
	// SearchFillBatch is how many facts one Add of the fill carries; SearchFillCallers Adds are
	// under way at once.
	SearchFillBatch   = 500
	SearchFillCallers = 8
	// SearchUser is the user of the searched scope.
	SearchUser = "search"
)

// SearchSizes are the sizes of the scope at which the Search benchmark measures, in the order the
// scope grows to them.
var SearchSizes = [...]int{1_000, 10_000, 100_000}

// SearchModes are the modes the Search benchmark times, in the order each query runs them first.
var SearchModes = [...]mnemo.SearchMode{mnemo.Hybrid, mnemo.BM25, mnemo.Vector, mnemo.Fetch}

// SearchHybridTargets are the hybrid p50 targets, by size of the scope.
var SearchHybridTargets = map[int]time.Duration{10_000: time.Millisecond, 100_000: 10 * time.Millisecond}

// MakeSearchDocs returns n distinct one-sentence memories of personal facts, from the templates of
// MakeConversations ("I moved to Lisbon in 2014 and still rent a 2-bedroom flat near the old
// harbour."). Two of them differ in more than their numbers: the default embedder skips numbers,
// so sentences alike but for a number would have the same vector, and the nearest neighbours of a
// query would be ties in any order. (Sentences of different words can still share a vector when
// the embedder lacks the words that differ; rare.)
func MakeSearchDocs(n int) []string {
	rng := rand.New(rand.NewPCG(corpusSeed, 3<<40))
	docs := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for len(docs) < n {
		s := fact(rng)
		if k := wordsOnly(s); !seen[k] {
			seen[k] = true
			docs = append(docs, s)
		}
	}
	return docs
}

// wordsOnly is s in lower case without its digits: the key under which MakeSearchDocs keeps
// sentences distinct.
func wordsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// MakeSearchQueries returns n distinct questions and keyword queries about the facts of
// MakeSearchDocs ("Which company does my sister work at?", "peanuts allergy"), as an agent would
// ask its memory.
func MakeSearchQueries(n int) []string {
	rng := rand.New(rand.NewPCG(corpusSeed, 4<<40))
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	w := func(list []string) string { return pick(rng, list) }
	for len(out) < n {
		var q string
		switch rng.IntN(24) {
		case 0:
			q = fmt.Sprintf("When did I move to %s?", w(cities))
		case 1:
			q = fmt.Sprintf("When is my %s's birthday party?", w(relatives))
		case 2:
			q = fmt.Sprintf("Who is teaching me the %s?", w(instruments))
		case 3:
			q = fmt.Sprintf("What does %s the %s eat?", w(petNames), w(pets))
		case 4:
			q = fmt.Sprintf("Where do I work as %s?", article(w(jobs)))
		case 5:
			q = fmt.Sprintf("How far did I run along the %s?", w(rivers))
		case 6:
			q = fmt.Sprintf("Am I allergic to %s?", w(allergens))
		case 7:
			q = fmt.Sprintf("Who recommended %s to me?", w(books))
		case 8:
			q = fmt.Sprintf("How much is the hotel in %s?", w(cities))
		case 9:
			q = fmt.Sprintf("What do I drink after %s?", w(drinks))
		case 10:
			q = fmt.Sprintf("What does my %s love at school?", w(children))
		case 11:
			q = fmt.Sprintf("How much have I saved for the %s?", w(purchases))
		case 12:
			q = fmt.Sprintf("Where does my %s live now?", w(relatives))
		case 13:
			q = fmt.Sprintf("Who do I play %s with on %s?", w(sports), w(weekdays))
		case 14:
			q = fmt.Sprintf("What was my street in %s?", w(cities))
		case 15:
			q = fmt.Sprintf("How long did the puzzle of %s take?", w(scenes))
		case 16:
			q = fmt.Sprintf("%s mileage", w(carMakes))
		case 17:
			q = fmt.Sprintf("What is my goal for the %s?", w(races))
		case 18:
			q = fmt.Sprintf("How many %s plants survived on the balcony?", w(plants))
		case 19:
			q = fmt.Sprintf("Where is %s getting married?", w(firstNames))
		case 20:
			q = fmt.Sprintf("volunteering at the %s", w(orgs))
		case 21:
			q = fmt.Sprintf("podcasts about %s on the %s", w(topics), w(transports))
		case 22:
			q = fmt.Sprintf("Who taught me to cook %s?", w(dishes))
		default:
			q = fmt.Sprintf("%s %s allergy", w(cuisines), w(allergens))
		}
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

// article returns noun after "a" or "an".
func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// AddAll is a Reconciler that adds every fact as a new memory. The Search benchmark fills its scope
// with it: the default reconciler would supersede many of the templates' facts by later ones of the
// same predicate (a job, a home), so the scope would not reach its size; its cost is the Reconcile
// benchmark's subject.
type AddAll struct{}

// Reconcile adds every fact.
func (AddAll) Reconcile(_ context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
	out := make([]pipeline.Decision, len(req.Facts))
	for i := range out {
		out[i] = pipeline.Decision{Op: pipeline.OpAdd}
	}
	return out, nil
}

// SearchOptions are the Options the Search benchmark opens its engine with: the defaults but for
// the Reconciler, AddAll.
func SearchOptions() *mnemo.Options { return &mnemo.Options{Reconciler: AddAll{}} }

// FillScope adds docs to user's scope as pre-extracted facts, SearchFillBatch per Add,
// SearchFillCallers Adds at once, waits for every run, and returns the memories they created.
func FillScope(ctx context.Context, eng *mnemo.Engine, user string, docs []string) (int, error) {
	batches := (len(docs) + SearchFillBatch - 1) / SearchFillBatch
	opts := &mnemo.AddOptions{UserID: user}
	ids, err := addConcurrently(ctx, eng, batches, SearchFillCallers, func(b int) (mnemo.Input, *mnemo.AddOptions) {
		part := docs[b*SearchFillBatch : min((b+1)*SearchFillBatch, len(docs))]
		items := make([]mnemo.Item, len(part))
		for i, d := range part {
			items[i] = mnemo.Item{Content: d}
		}
		return mnemo.PreExtracted(items...), opts
	})
	if err != nil {
		return 0, fmt.Errorf("fill: add: %w", err)
	}
	created := 0
	for _, id := range ids {
		run, err := waitCompleted(ctx, eng, id)
		if err != nil {
			return 0, fmt.Errorf("fill: %w", err)
		}
		created += run.MemoriesCreated
	}
	if created != len(docs) {
		return created, fmt.Errorf("fill: %d memories created for %d facts", created, len(docs))
	}
	return created, nil
}

// SearchStep is what the Search benchmark measured at one size of the scope.
type SearchStep struct {
	Size int
	// Fill is the time it took to grow the scope to Size from the previous size: from the first Add
	// until every run completed.
	Fill time.Duration
	// Open is the time of the mnemo.Open before the first search (the file holding Size memories).
	Open time.Duration
	// Build is the first search's time (a hybrid search), which reads every memory of the file
	// into the search index.
	Build time.Duration
	// HeapBefore and HeapAfter are the live heap (runtime.MemStats.HeapAlloc after two runtime.GC
	// calls) right before the first search and right after it: the index is most of the difference.
	HeapBefore, HeapAfter uint64
	// Latency holds, for each mode of SearchModes, the time of each query's Search.
	Latency [len(SearchModes)][]time.Duration
	// Empty counts, for each mode, the queries that found nothing.
	Empty [len(SearchModes)]int
	// Scan is the baseline: reading every memory of the scope with Memories.List, page by page.
	Scan time.Duration
	// FileBytes is the file's size.
	FileBytes int64
}

// SearchRound is one round of the Search benchmark: one step per size of SearchSizes.
type SearchRound struct {
	Steps []SearchStep
	Took  time.Duration
}

// Percentile returns the p-th percentile (nearest rank) of ds, leaving ds unchanged.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// RunSearch runs one round of the Search benchmark on a new file opened with SearchOptions. One
// scope (user SearchUser) is grown to each size of SearchSizes in turn by MakeSearchDocs's
// sentences. At each size the engine is closed and opened again, so that the search index is
// built from the file by the first search, which is timed, with the heap in use measured before
// and after it; then each of SearchQueryCount queries is searched in every mode (the mode that
// goes first rotating from query to query), each Search timed; then, as the baseline, every
// memory of the scope is read with Memories.List.
func RunSearch(ctx context.Context) (SearchRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, "search")
	if err != nil {
		return SearchRound{}, err
	}
	defer cleanup()
	path := filepath.Join(dir, "search.db")
	largest := SearchSizes[len(SearchSizes)-1]
	docs := MakeSearchDocs(largest)
	queries := MakeSearchQueries(SearchQueryCount)

	began := time.Now()
	var r SearchRound
	filled := 0
	for _, size := range SearchSizes {
		s := SearchStep{Size: size}
		eng, err := mnemo.Open(path, SearchOptions())
		if err != nil {
			return r, err
		}
		start := time.Now()
		if _, err := FillScope(ctx, eng, SearchUser, docs[filled:size]); err != nil {
			eng.Close()
			return r, fmt.Errorf("search: fill to %d: %w", size, err)
		}
		s.Fill = time.Since(start)
		filled = size
		if err := eng.Close(); err != nil {
			return r, err
		}
		if err := measureSearch(ctx, path, queries, &s); err != nil {
			return r, fmt.Errorf("search: at %d: %w", size, err)
		}
		r.Steps = append(r.Steps, s)
	}
	r.Took = time.Since(began)
	return r, nil
}

// measureSearch opens the file at path and measures one step of the Search benchmark.
func measureSearch(ctx context.Context, path string, queries []string, s *SearchStep) error {
	start := time.Now()
	eng, err := mnemo.Open(path, SearchOptions())
	if err != nil {
		return err
	}
	defer eng.Close()
	s.Open = time.Since(start)
	s.HeapBefore = liveHeap()
	start = time.Now()
	if _, err := eng.Memories.Search(ctx, queries[0], &mnemo.SearchOptions{UserID: SearchUser, Limit: SearchLimit}); err != nil {
		return fmt.Errorf("first search: %w", err)
	}
	s.Build = time.Since(start)
	s.HeapAfter = liveHeap()

	for m := range SearchModes {
		s.Latency[m] = make([]time.Duration, 0, len(queries))
	}
	for i, q := range queries {
		for j := range SearchModes {
			m := (i + j) % len(SearchModes)
			opts := &mnemo.SearchOptions{UserID: SearchUser, Mode: SearchModes[m], Limit: SearchLimit}
			start := time.Now()
			res, err := eng.Memories.Search(ctx, q, opts)
			d := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s search %q: %w", SearchModes[m], q, err)
			}
			s.Latency[m] = append(s.Latency[m], d)
			if len(res) == 0 {
				s.Empty[m]++
			}
		}
	}

	start = time.Now()
	read, err := listAll(ctx, eng, SearchUser)
	s.Scan = time.Since(start)
	if err != nil {
		return err
	}
	if read != s.Size {
		return fmt.Errorf("the scope lists %d memories, not %d", read, s.Size)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	s.FileBytes = info.Size()
	return nil
}

// listAll reads every memory of user's scope with Memories.List, the largest pages, and returns
// how many it read.
func listAll(ctx context.Context, eng *mnemo.Engine, user string) (int, error) {
	n := 0
	opts := &mnemo.ListOptions{UserID: user, Limit: mnemo.MaxListLimit}
	for {
		page, err := eng.Memories.List(ctx, opts)
		if err != nil {
			return n, fmt.Errorf("list: %w", err)
		}
		n += len(page.Memories)
		if page.Next == "" {
			return n, nil
		}
		opts.Cursor = page.Next
	}
}

// liveHeap returns runtime.MemStats.HeapAlloc after two garbage collections (the second frees
// what the first's sweep and the pools' victim caches kept).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Search is the Search benchmark under `go test -bench`: one op is one round of RunSearch, so
// ns/op is a whole round, fills included. Each size's p50 and p99 per mode, its first search (the
// index's build) and the index's heap are reported beside it, as means over the rounds.
func Search(b *testing.B) {
	var rounds []SearchRound
	for range b.N {
		r, err := RunSearch(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		rounds = append(rounds, r)
	}
	n := float64(len(rounds))
	mean := func(f func(SearchRound) float64) float64 {
		sum := 0.0
		for _, r := range rounds {
			sum += f(r)
		}
		return sum / n
	}
	for i, size := range SearchSizes {
		name := fmt.Sprintf("%dk", size/1000)
		for m, mode := range SearchModes {
			b.ReportMetric(mean(func(r SearchRound) float64 { return float64(Percentile(r.Steps[i].Latency[m], 50).Nanoseconds()) }), fmt.Sprintf("%s-p50-ns-%s", mode, name))
			b.ReportMetric(mean(func(r SearchRound) float64 { return float64(Percentile(r.Steps[i].Latency[m], 99).Nanoseconds()) }), fmt.Sprintf("%s-p99-ns-%s", mode, name))
		}
		b.ReportMetric(mean(func(r SearchRound) float64 { return float64(r.Steps[i].Build.Nanoseconds()) }), "build-ns-"+name)
		b.ReportMetric(mean(func(r SearchRound) float64 {
			return (float64(r.Steps[i].HeapAfter) - float64(r.Steps[i].HeapBefore)) / (1 << 20)
		}), "index-MiB-"+name)
	}
}
