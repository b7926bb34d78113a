package index

import (
	"fmt"
	"github.com/mnemohq/mnemo/embedding"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func id(n int) [16]byte { var b [16]byte; b[15] = byte(n); b[14] = byte(n >> 8); return b }

func unit(v ...float32) []float32 {
	var s float32
	for _, x := range v {
		s += x * x
	}
	n := float32(math.Sqrt(float64(s)))
	for i := range v {
		v[i] /= n
	}
	return v
}

func ids(hits []Hit) []int {
	var out []int
	for _, h := range hits {
		out = append(out, int(h.ID[14])<<8|int(h.ID[15]))
	}
	return out
}

func TestBM25MatchesTheFormula(t *testing.T) {
	x := New(0)
	x.Put("s", &Doc{ID: id(1), Seq: 1, Text: "Alice hikes in the Alps"})
	x.Put("s", &Doc{ID: id(2), Seq: 2, Text: "Bob likes chess and chess clubs"})
	x.Put("s", &Doc{ID: id(3), Seq: 3, Text: "Carol plays chess"})
	hits := x.Search("s", &Query{Mode: BM25, Terms: Tokens("chess"), Limit: 10})
	if got := ids(hits); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("hits %v, want [2 3]", got)
	}
	// Doc 2: tokens bob like chess chess club (5); doc 3: carol play chess (3); doc 1: alic hike alp (3).
	n, df, avg := 3.0, 2.0, 11.0/3
	idf := math.Log(1 + (n-df+0.5)/(df+0.5))
	want := idf * 2 * (K1 + 1) / (2 + K1*(1-B+B*5/avg))
	if math.Abs(hits[0].BM25-want) > 1e-5 || hits[0].Score != hits[0].BM25 {
		t.Errorf("score %v (bm25 %v), want %v", hits[0].Score, hits[0].BM25, want)
	}
	if !slices.Equal(hits[0].Terms, []string{"chess"}) {
		t.Errorf("terms %v", hits[0].Terms)
	}
}

func TestScopesPropertiesTopicsExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	x := New(2)
	v := unit(1, 0)
	x.Put("a", &Doc{ID: id(1), Seq: 1, Text: "tea", Vector: v, Properties: map[string]string{"c": "1"}})
	x.Put("a", &Doc{ID: id(2), Seq: 2, Text: "tea", Vector: v, Properties: map[string]string{"c": "2"}})
	x.Put("a", &Doc{ID: id(3), Seq: 3, Text: "tea", Vector: v, Topic: "food"})
	x.Put("a", &Doc{ID: id(4), Seq: 4, Text: "tea", Vector: v, ExpiresAt: now})
	x.Put("b", &Doc{ID: id(5), Seq: 5, Text: "tea", Vector: v})
	for _, mode := range []Mode{Hybrid, BM25, Vector, Fetch} {
		q := func(props map[string]string, topics ...string) []int {
			return ids(x.Search("a", &Query{Mode: mode, Terms: Tokens("tea"), Vector: v, Properties: props, Topics: topics, Limit: 10, Now: now}))
		}
		for _, c := range []struct {
			got, want []int
		}{
			{q(nil), []int{3, 2, 1}},
			{q(map[string]string{"c": "1"}), []int{1}},
			{q(map[string]string{"c": "3"}), nil},
			{q(nil, "food"), []int{3}},
			{q(nil, "food", ""), []int{3, 2, 1}},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("mode %d: %v, want %v", mode, c.got, c.want)
			}
		}
		if got := ids(x.Search("b", &Query{Mode: mode, Terms: Tokens("tea"), Vector: v, Limit: 10, Now: now})); !slices.Equal(got, []int{5}) {
			t.Errorf("mode %d, scope b: %v", mode, got)
		}
		if got := x.Search("c", &Query{Mode: mode, Terms: Tokens("tea"), Vector: v, Limit: 10, Now: now}); got != nil {
			t.Errorf("mode %d, scope c: %v", mode, got)
		}
	}
}

func TestVectorAndHybridRanking(t *testing.T) {
	x := New(2)
	x.Put("s", &Doc{ID: id(1), Seq: 1, Text: "my dog", Vector: unit(1, 0.1)})
	x.Put("s", &Doc{ID: id(2), Seq: 2, Text: "a puppy", Vector: unit(1, 0)})
	x.Put("s", &Doc{ID: id(3), Seq: 3, Text: "the market", Vector: unit(0, 1)})
	q := &Query{Mode: Vector, Terms: Tokens("dog"), Vector: unit(1, 0), Limit: 2}
	if got := ids(x.Search("s", q)); !slices.Equal(got, []int{2, 1}) {
		t.Errorf("vector: %v", got)
	}
	q.Mode = Hybrid
	hits := x.Search("s", q)
	if got := ids(hits); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("hybrid: %v", got)
	}
	if hits[0].Score <= hits[1].Score || hits[0].BM25 == 0 || hits[1].BM25 != 0 || hits[1].Vector < 0.99 {
		t.Errorf("hybrid parts: %+v", hits)
	}
	q.MinScore = hits[0].Score
	if got := ids(x.Search("s", q)); !slices.Equal(got, []int{1}) {
		t.Errorf("min score: %v", got)
	}
}

func TestRemoveReplaceAndCompact(t *testing.T) {
	x := New(2)
	for i := range 300 {
		x.Put("s", &Doc{ID: id(i), Seq: uint64(i), Text: fmt.Sprintf("word%d common", i%7), Vector: unit(1, float32(i))})
	}
	for i := range 250 {
		x.Remove(id(i))
	}
	x.Put("s", &Doc{ID: id(260), Seq: 260, Text: "replaced common"})
	if x.Len() != 50 {
		t.Fatalf("len %d", x.Len())
	}
	hits := x.Search("s", &Query{Mode: BM25, Terms: Tokens("common"), Limit: 100})
	if len(hits) != 50 {
		t.Fatalf("%d hits, want 50", len(hits))
	}
	for _, h := range hits {
		if n := ids([]Hit{h})[0]; n < 250 {
			t.Fatalf("removed memory %d found", n)
		}
	}
	if got := ids(x.Search("s", &Query{Mode: BM25, Terms: Tokens("replaced"), Limit: 5})); !slices.Equal(got, []int{260}) {
		t.Errorf("replaced: %v", got)
	}
	if got := x.Search("s", &Query{Mode: BM25, Terms: Tokens("word260"), Limit: 5}); len(got) != 0 {
		t.Errorf("old text of a replaced memory still found: %v", got)
	}
	v := x.Search("s", &Query{Mode: Vector, Vector: unit(1, 299), Limit: 1})
	if got := ids(v); !slices.Equal(got, []int{299}) {
		t.Errorf("vector after compaction: %v", got)
	}
	for i := 250; i < 300; i++ {
		x.Remove(id(i))
	}
	if x.Len() != 0 || len(x.scopes) != 0 {
		t.Errorf("index not empty: %d, %d scopes", x.Len(), len(x.scopes))
	}
}

// TestParallelScanAgreesWithSerial: a scope large enough to be scanned across cores ranks as a plain
// loop over its vectors does, scores included, with a third of it filtered out by a property.
func TestParallelScanAgreesWithSerial(t *testing.T) {
	x := New(4)
	rng := rand.New(rand.NewPCG(1, 2))
	r := func() float32 { return float32(rng.NormFloat64()) }
	vecs := make([][]float32, parallelMin+100)
	for i := range vecs {
		vecs[i] = unit(r(), r(), r(), r())
		props := map[string]string{"keep": "yes"}
		if i%3 == 0 {
			props["keep"] = "no"
		}
		x.Put("s", &Doc{ID: id(i), Seq: uint64(i), Properties: props, Vector: vecs[i]})
	}
	q := unit(r(), r(), r(), r())
	type scored struct {
		n int
		s float32
	}
	var want []scored
	for i, v := range vecs {
		if i%3 != 0 {
			if s := embedding.Dot(q, v); s > 0 { // a vector search keeps the positive ones
				want = append(want, scored{i, s})
			}
		}
	}
	slices.SortStableFunc(want, func(a, b scored) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return b.n - a.n // ties to the newer
	})
	hits := x.Search("s", &Query{Mode: Vector, Vector: q, Properties: map[string]string{"keep": "yes"}, Limit: len(vecs)})
	if len(hits) != len(want) {
		t.Fatalf("%d hits, want %d", len(hits), len(want))
	}
	for i, h := range hits {
		if got := ids([]Hit{h})[0]; got != want[i].n || float32(h.Score) != want[i].s {
			t.Fatalf("hit %d: memory %d scoring %v, want %d scoring %v", i, got, h.Score, want[i].n, want[i].s)
		}
	}
}

func TestApplyPutsAndRemovesInOrder(t *testing.T) {
	x := New(0)
	a, b := [16]byte{1}, [16]byte{2}
	x.Apply([]Change{
		{Scope: "s", Doc: Doc{ID: a, Seq: 1, Text: "green tea"}},
		{Scope: "s", Doc: Doc{ID: b, Seq: 2, Text: "black coffee"}},
		{Doc: Doc{ID: a}, Remove: true},
		{Scope: "t", Doc: Doc{ID: b, Seq: 3, Text: "black tea"}}, // moves b to scope t
	})
	if x.Len() != 1 {
		t.Fatalf("len %d, want 1", x.Len())
	}
	q := &Query{Mode: BM25, Terms: Tokens("tea"), Limit: 10}
	if hits := x.Search("s", q); len(hits) != 0 {
		t.Fatalf("scope s: %+v", hits)
	}
	if hits := x.Search("t", q); len(hits) != 1 || hits[0].ID != b {
		t.Fatalf("scope t: %+v", hits)
	}
}
