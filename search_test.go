package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/internal/analysis"
)

// bagEmbedder is a test embedder: each word stem hashed to one of 64 dimensions. Texts sharing
// words point the same way; it needs no table.
type bagEmbedder struct{ name string }

func (b bagEmbedder) Name() string {
	if b.name == "" {
		return "test-bag-1024"
	}
	return b.name
}
func (bagEmbedder) Dims() int { return 1024 }
func (bagEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		v := make([]float32, 1024)
		for _, w := range analysis.Words(text) {
			if t := w.Term(); t != "" {
				h := fnv.New32a()
				h.Write([]byte(t))
				v[h.Sum32()%1024]++
			}
		}
		out[i] = v
	}
	return out, ctx.Err()
}

var allModes = []mnemo.SearchMode{mnemo.Hybrid, mnemo.Vector, mnemo.BM25, mnemo.Fetch}

func search(t *testing.T, eng *mnemo.Engine, query string, opts *mnemo.SearchOptions) []string {
	t.Helper()
	res, err := eng.Memories.Search(ctxT(t), query, opts)
	if err != nil {
		t.Fatalf("search %q %+v: %v", query, opts, err)
	}
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.Memory.Content
	}
	return out
}

// TestSearchKeepsToItsScope puts the same fact in scopes that differ by group, by user, and by one
// property: in every mode a search of one scope finds its own memory alone.
func TestSearchKeepsToItsScope(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Embedder: bagEmbedder{}})
	scopes := []mnemo.AddOptions{
		{UserID: "alice"},
		{UserID: "bob"},
		{UserID: "alice", Group: "work"},
		{UserID: "alice", Properties: map[string]string{"conversation_id": "c1"}},
		{UserID: "alice", Properties: map[string]string{"conversation_id": "c2"}},
		{UserID: "alice", Properties: map[string]string{"conversation_id": "c1", "lang": "en"}},
		{},
	}
	for i, o := range scopes {
		wait(t, eng, add(t, eng, mnemo.Text(fmt.Sprintf("I love hiking in the Alps, says scope %d.", i)), &o).ID)
	}
	for i, o := range scopes {
		for _, mode := range allModes {
			got := search(t, eng, "hiking in the Alps", &mnemo.SearchOptions{UserID: o.UserID, Group: o.Group, Properties: o.Properties, Mode: mode, Limit: 100})
			var want []string
			for j, p := range scopes {
				if p.UserID == o.UserID && p.Group == o.Group && hasAll(p.Properties, o.Properties) {
					want = append(want, fmt.Sprintf("I love hiking in the Alps, says scope %d.", j))
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("scope %d, %s: %q, want %q", i, mode, got, want)
			}
		}
	}
	// "Alice" in another case is the same user, as in listings.
	if got := search(t, eng, "hiking", &mnemo.SearchOptions{UserID: "ALICE", Properties: map[string]string{"conversation_id": "c2"}}); len(got) != 1 {
		t.Errorf("user ID case: %q", got)
	}
}

func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// TestSearchNeverReturnsGoneMemories: deleted, superseded, expired and purged memories are not found
// in any mode, and an update is found by its new words only.
func TestSearchNeverReturnsGoneMemories(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	eng, _ := setup(t, &mnemo.Options{Embedder: bagEmbedder{}, Clock: clk})
	ctx := ctxT(t)
	o := &mnemo.AddOptions{UserID: "alice"}
	// Search first, so that the changes below reach an index already built.
	search(t, eng, "anything", &mnemo.SearchOptions{UserID: "alice"})
	wait(t, eng, add(t, eng, mnemo.Text("Alice lives in Paris."), o).ID)
	wait(t, eng, add(t, eng, mnemo.Text("Alice moved to Berlin."), o).ID)
	del := wait(t, eng, add(t, eng, mnemo.Text("Alice keeps a pet turtle named Shelly."), o).ID)
	upd := wait(t, eng, add(t, eng, mnemo.Text("Alice drinks green tea every morning."), o).ID)
	wait(t, eng, add(t, eng, mnemo.Text("Alice has a dentist appointment in Paris."), &mnemo.AddOptions{UserID: "alice", ExpiresAt: clk.Now().Add(time.Hour)}).ID)
	if err := eng.Memories.Delete(ctx, del.MemoryIDs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.Update(ctx, upd.MemoryIDs[0], "Alice drinks black coffee every morning.", nil); err != nil {
		t.Fatal(err)
	}
	all := search(t, eng, "Paris", &mnemo.SearchOptions{UserID: "alice", Mode: mnemo.BM25})
	if !slices.Equal(all, []string{"Alice has a dentist appointment in Paris."}) {
		t.Errorf("before expiry: %q (the Paris residence is superseded)", all)
	}
	clk.Advance(2 * time.Hour)
	for _, mode := range allModes {
		for _, q := range []string{"Paris", "turtle Shelly", "green tea", "dentist appointment"} {
			if got := search(t, eng, q, &mnemo.SearchOptions{UserID: "alice", Mode: mode}); slices.ContainsFunc(got, func(c string) bool {
				return strings.Contains(c, "Paris") || strings.Contains(c, "turtle") || strings.Contains(c, "tea")
			}) {
				t.Errorf("%s %q: %q", mode, q, got)
			}
		}
		if got := search(t, eng, "coffee", &mnemo.SearchOptions{UserID: "alice", Mode: mode}); len(got) == 0 || got[0] != "Alice drinks black coffee every morning." {
			t.Errorf("%s: the update not found by its new words: %q", mode, got)
		}
	}
	if _, err := eng.Memories.PurgeUser(ctx, "", "alice"); err != nil {
		t.Fatal(err)
	}
	for _, mode := range allModes {
		if got := search(t, eng, "Berlin coffee", &mnemo.SearchOptions{UserID: "alice", Mode: mode}); len(got) != 0 {
			t.Errorf("%s after PurgeUser: %q", mode, got)
		}
	}
}

// TestSearchRanksAndExplains checks the modes' rankings and the parts each result reports.
func TestSearchRanksAndExplains(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Embedder: bagEmbedder{}})
	o := &mnemo.AddOptions{UserID: "u"}
	for _, s := range []string{"Bob plays chess on Sundays.", "Bob collects stamps.", "Carol plays the violin.", "Chess clubs meet in the library."} {
		wait(t, eng, add(t, eng, mnemo.Text(s), o).ID)
	}
	res, err := eng.Memories.Search(ctxT(t), "Does Bob play chess?", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.BM25})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[0].Memory.Content != "Bob plays chess on Sundays." {
		t.Fatalf("bm25: %+v", res)
	}
	if !slices.Equal(res[0].Terms, []string{"bob", "play", "chess"}) || res[0].Score != res[0].BM25 || res[0].Vector != 0 {
		t.Errorf("bm25 parts: %+v", res[0])
	}
	for i := 1; i < len(res); i++ {
		if res[i].Score > res[i-1].Score {
			t.Errorf("not in score order: %+v", res)
		}
	}
	hy, err := eng.Memories.Search(ctxT(t), "Does Bob play chess?", &mnemo.SearchOptions{UserID: "u"})
	if err != nil {
		t.Fatal(err)
	}
	if hy[0].Memory.Content != "Bob plays chess on Sundays." || hy[0].BM25 == 0 || hy[0].Vector <= 0 || hy[0].Score > 1 || math.Abs(hy[0].Score-1) > 1e-6 {
		t.Errorf("hybrid: %+v", hy[0])
	}
	// MinScore cuts; Limit bounds; Fetch lists the newest first.
	if got := search(t, eng, "Bob chess", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.BM25, MinScore: res[1].Score + 1e-9}); len(got) != 1 {
		t.Errorf("min score: %q", got)
	}
	if got := search(t, eng, "Bob chess", &mnemo.SearchOptions{UserID: "u", Limit: 1}); len(got) != 1 {
		t.Errorf("limit: %q", got)
	}
	if got := search(t, eng, "", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.Fetch, Limit: 2}); !slices.Equal(got, []string{"Chess clubs meet in the library.", "Carol plays the violin."}) {
		t.Errorf("fetch: %q", got)
	}
	// The same search gives the same results, in the same order, after a restart too.
	before := search(t, eng, "plays chess", &mnemo.SearchOptions{UserID: "u"})
	path := eng.Path()
	eng.Close()
	eng = open(t, path, &mnemo.Options{Embedder: bagEmbedder{}})
	if after := search(t, eng, "plays chess", &mnemo.SearchOptions{UserID: "u"}); !slices.Equal(before, after) {
		t.Errorf("after reopening: %q, before: %q", after, before)
	}
}

// TestSearchBadInput: every bad argument is ErrInvalidInput naming it.
func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Embedder: bagEmbedder{}})
	for _, c := range []struct {
		query string
		opts  *mnemo.SearchOptions
		field string
	}{
		{"", nil, "query"},
		{"  ", &mnemo.SearchOptions{Mode: mnemo.BM25}, "query"},
		{"\xff", nil, "query"},
		{strings.Repeat("a ", mnemo.MaxQueryBytes), nil, "query"},
		{"x", &mnemo.SearchOptions{Limit: -1}, "limit"},
		{"x", &mnemo.SearchOptions{Limit: mnemo.MaxSearchLimit + 1}, "limit"},
		{"x", &mnemo.SearchOptions{Mode: "semantic"}, "mode"},
		{"x", &mnemo.SearchOptions{MinScore: math.NaN()}, "min_score"},
		{"x", &mnemo.SearchOptions{UserID: "\xff"}, "user_id"},
		{"x", &mnemo.SearchOptions{Properties: map[string]string{"": "v"}}, "properties"},
		{"x", &mnemo.SearchOptions{Topics: []string{strings.Repeat("t", mnemo.MaxFieldBytes+1)}}, "topics[0]"},
	} {
		_, err := eng.Memories.Search(ctxT(t), c.query, c.opts)
		var fe *mnemo.FieldError
		if !errors.Is(err, mnemo.ErrInvalidInput) || !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, c.field) {
			t.Errorf("query %.20q, %+v: %v, want ErrInvalidInput on %s", c.query, c.opts, err, c.field)
		}
	}
	if _, err := eng.Memories.Search(ctxT(t), "", &mnemo.SearchOptions{Mode: mnemo.Fetch, Limit: mnemo.MaxSearchLimit}); err != nil {
		t.Errorf("fetch with an empty query: %v", err)
	}
	eng.Close()
	if _, err := eng.Memories.Search(context.Background(), "x", nil); !errors.Is(err, mnemo.ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}

// TestSearchSeesCompletedRuns: once Wait says a run completed, a search finds its memories, with the
// index built before the run and concurrent searches under way.
func TestSearchSeesCompletedRuns(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Embedder: bagEmbedder{}})
	search(t, eng, "warm up", nil)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				eng.Memories.Search(context.Background(), "number", &mnemo.SearchOptions{UserID: "u"})
			}
		}
	}()
	for i := range 30 {
		r := wait(t, eng, add(t, eng, mnemo.Text(fmt.Sprintf("Fact number %d is about the zebra%d.", i, i)), &mnemo.AddOptions{UserID: "u"}).ID)
		if got := search(t, eng, fmt.Sprintf("zebra%d", i), &mnemo.SearchOptions{UserID: "u", Mode: mnemo.BM25}); len(got) != 1 {
			t.Fatalf("run %s completed (%+v), search finds %q; listed %q", r.ID, r.CommittedOperations, got, contents(t, eng, &mnemo.ListOptions{UserID: "u"}))
		}
	}
	close(stop)
	<-done
}

// TestEmbedderRecordedAndChecked: a file remembers its embedder; another one is refused with a clear
// error, unless Reindex re-embeds every memory; a read-only engine opens it and only vector search
// says why it cannot run.
func TestEmbedderRecordedAndChecked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.db")
	eng := open(t, path, &mnemo.Options{Embedder: bagEmbedder{}})
	for i := range 300 {
		wait(t, eng, add(t, eng, mnemo.Text(fmt.Sprintf("Memory %d mentions the word kiwi%d.", i, i)), &mnemo.AddOptions{UserID: "u"}).ID)
	}
	eng.Close()

	other := bagEmbedder{name: "test-bag-1024-v2"}
	_, err := mnemo.Open(path, &mnemo.Options{Embedder: other})
	if !errors.Is(err, mnemo.ErrInvalidInput) || !strings.Contains(err.Error(), "test-bag-1024") || !strings.Contains(err.Error(), "Reindex") {
		t.Fatalf("open with another embedder: %v", err)
	}
	ro := open(t, path, &mnemo.Options{Embedder: other, ReadOnly: true})
	if got := search(t, ro, "kiwi7", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.BM25}); len(got) != 1 {
		t.Errorf("read-only bm25: %q", got)
	}
	if _, err := ro.Memories.Search(ctxT(t), "kiwi7", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.Vector}); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Errorf("read-only vector search with another embedder: %v", err)
	}
	ro.Close()

	var calls, last int
	eng = open(t, path, &mnemo.Options{Embedder: other, Reindex: true, ReindexProgress: func(done, total int) {
		calls++
		if done < last || done > total || total != 300 {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	}})
	if calls < 2 || last != 300 {
		t.Errorf("progress: %d calls, last %d", calls, last)
	}
	res, err := eng.Memories.Search(ctxT(t), "Memory 42 mentions the word kiwi42.", &mnemo.SearchOptions{UserID: "u", Mode: mnemo.Vector, Limit: 1})
	if err != nil || len(res) != 1 || res[0].Memory.Content != "Memory 42 mentions the word kiwi42." || res[0].Vector < 0.999 {
		t.Fatalf("vector search after reindex: %+v, %v", res, err)
	}
	eng.Close()
	eng = open(t, path, &mnemo.Options{Embedder: other})
	eng.Close()
}
