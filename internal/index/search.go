package index

import (
	"bytes"
	"github.com/mnemohq/mnemo/embedding"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Okapi BM25's parameters: K1 saturates a term's frequency, B weighs the length normalisation.
// K1 is the usual 1.2. B is lower than the usual 0.75: memories are short (a message, a fact), and
// a longer one usually says more rather than repeats itself, so its length should count against it
// less. On the LoCoMo dev split (one memory per message) R@10 went from .625 at 0.75 to .656 at
// 0.2, flat between 0.1 and 0.3 (see bench/README.md).
const (
	K1 = 1.2
	B  = 0.2
)

// The weights of a hybrid search. Before they are weighed and summed, BM25 scores are divided by the
// best among the candidates (0 to 1), and cosine similarities are scaled from the worst to the best
// among them (0 to 1): averaged word vectors are all fairly alike, and only their differences
// rank. Tuned on the LoCoMo dev split (see bench/README.md): R@10 .656 for BM25 alone, .668 at
// 0.7/0.3, .662 to .668 from 0.6 to 0.8; equal-weight reciprocal rank fusion scored below BM25.
const (
	HybridBM25   = 0.7
	HybridVector = 0.3
)

// Mode says how a search ranks.
type Mode int

// The modes.
const (
	Hybrid Mode = iota // BM25 and vector scores fused (HybridBM25, HybridVector)
	BM25               // BM25 alone
	Vector             // vector similarity alone
	Fetch              // no ranking: the newest memories that pass the filters
)

// Query is one search of a scope.
type Query struct {
	Mode Mode
	// Terms are the query's Tokens; Vector its unit vector (nil: no vector part, as in BM25 mode).
	Terms  []string
	Vector []float32
	// Properties must all match a memory's; Topics, when given, must include its topic.
	Properties map[string]string
	Topics     []string
	// Limit is the most hits returned; MinScore the least score a hit may have.
	Limit    int
	MinScore float64
	// Now decides which memories have expired.
	Now time.Time
}

// Hit is one memory a search found, with why it ranked where it did.
type Hit struct {
	ID    [16]byte
	Seq   uint64
	Score float64
	// BM25 is the memory's BM25 score for the query, Vector its cosine similarity (0 when the
	// query or the memory has no vector).
	BM25   float64
	Vector float64
	// Terms are the query's terms the memory holds, in the query's order.
	Terms []string
}

// Search ranks the memories of scope for q, best first (ties to the newer memory, then to the
// smaller ID: the result depends on the index's contents alone).
func (x *Index) Search(scope string, q *Query) []Hit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p := x.scopes[scope]
	if p == nil || q.Limit <= 0 {
		return nil
	}
	return p.search(q)
}

// parallelMin is the number of vectors from which a scan is split across cores.
const parallelMin = 16384

func (p *partition) search(q *Query) []Hit {
	ok := p.filter(q)
	terms := distinct(q.Terms)
	var bm25 []float32 // by slot; nil when no term matched
	if q.Mode == Hybrid || q.Mode == BM25 {
		bm25 = p.bm25(terms, ok)
	}
	var cos []float32
	if (q.Mode == Hybrid || q.Mode == Vector) && p.dims > 0 && len(q.Vector) == p.dims {
		cos = p.cosines(q.Vector, ok)
	}
	top := newTopK(q.Limit)
	switch q.Mode {
	case Fetch:
		for i := range p.slots {
			if ok(int32(i)) {
				top.offer(p.candidate(i, 0))
			}
		}
	case BM25:
		for i, s := range bm25 {
			if s > 0 {
				top.offer(p.candidate(i, float64(s)))
			}
		}
	case Vector: // cosines left 0 for the slots the filters refuse, and so did bm25
		for i, c := range cos {
			if c > 0 && p.slots[i].vec {
				top.offer(p.candidate(i, float64(c)))
			}
		}
	default:
		maxB := maxOf(bm25)
		minC, maxC := cosineRange(cos, p.slots)
		for i := range p.slots {
			var b, c float64
			if bm25 != nil && maxB > 0 {
				b = float64(bm25[i]) / maxB
			}
			if cos != nil && maxC > minC && cos[i] > 0 && p.slots[i].vec {
				c = (float64(cos[i]) - minC) / (maxC - minC)
			}
			if b > 0 || c > 0 {
				top.offer(p.candidate(i, HybridBM25*b+HybridVector*c))
			}
		}
	}
	hits := top.sorted()
	out := hits[:0]
	for _, h := range hits {
		if q.Mode != Fetch && h.Score < q.MinScore {
			continue
		}
		i := p.byID[h.ID]
		if bm25 != nil {
			h.BM25 = float64(bm25[i])
		}
		if cos != nil && p.slots[i].vec {
			h.Vector = float64(cos[i])
		}
		h.Terms = p.matched(terms, i)
		out = append(out, h)
	}
	return out
}

func (p *partition) candidate(i int, score float64) Hit {
	return Hit{ID: p.slots[i].id, Seq: p.slots[i].seq, Score: score}
}

// filter returns whether slot i passes q's filters: live, not expired at q.Now, of the properties
// and topics asked for. Each (properties, topic) set of the scope is checked once.
func (p *partition) filter(q *Query) func(int32) bool {
	verdict := make([]int8, len(p.attrs)) // 0 unknown, 1 passes, -1 fails
	return func(i int32) bool {
		s := &p.slots[i]
		if s.dead || (!s.expires.IsZero() && !q.Now.Before(s.expires)) {
			return false
		}
		v := verdict[s.attr]
		if v == 0 {
			v = -1
			if a := &p.attrs[s.attr]; matches(a, q) {
				v = 1
			}
			verdict[s.attr] = v
		}
		return v > 0
	}
}

func matches(a *attrSet, q *Query) bool {
	for k, v := range q.Properties {
		if got, ok := a.props[k]; !ok || got != v {
			return false
		}
	}
	return len(q.Topics) == 0 || slices.Contains(q.Topics, a.topic)
}

// bm25 returns each slot's BM25 score for terms (0 for slots that fail ok), or nil when no term is
// in the scope. The statistics (memory count, document frequencies, average length) are the
// scope's, whatever the filters.
func (p *partition) bm25(terms []string, ok func(int32) bool) []float32 {
	var scores []float32
	n := float64(p.live)
	avg := float64(p.totalLen) / max(n, 1)
	if avg == 0 {
		avg = 1
	}
	for _, t := range terms {
		pl := p.terms[t]
		if pl == nil {
			continue
		}
		if scores == nil {
			scores = make([]float32, len(p.slots))
		}
		df := float64(pl.df)
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, e := range pl.list {
			if !ok(e.slot) {
				continue
			}
			tf := float64(e.tf)
			norm := K1 * (1 - B + B*float64(p.slots[e.slot].length)/avg)
			scores[e.slot] += float32(idf * tf * (K1 + 1) / (tf + norm))
		}
	}
	return scores
}

// cosines returns each slot's dot product with v (unit vectors: their cosine similarity), 0 for
// slots that fail ok or have no vector. Large scopes are split across cores.
func (p *partition) cosines(v []float32, ok func(int32) bool) []float32 {
	out := make([]float32, len(p.slots))
	scan := func(from, to int) {
		for i := from; i < to; i++ {
			if p.slots[i].vec && !p.slots[i].dead {
				out[i] = embedding.Dot(v, p.vecs[i*p.dims:(i+1)*p.dims])
			}
		}
	}
	n := len(p.slots)
	workers := runtime.GOMAXPROCS(0)
	if n < parallelMin || workers < 2 {
		scan(0, n)
	} else {
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for from := 0; from < n; from += chunk {
			wg.Go(func() { scan(from, min(from+chunk, n)) })
		}
		wg.Wait()
	}
	for i := range out { // the filters, after the scan: they are not safe to share across goroutines
		if out[i] != 0 && !ok(int32(i)) {
			out[i] = 0
		}
	}
	return out
}

// matched returns the terms slot i holds.
func (p *partition) matched(terms []string, i int32) []string {
	var out []string
	for _, t := range terms {
		pl := p.terms[t]
		if pl == nil {
			continue
		}
		if _, found := slices.BinarySearchFunc(pl.list, i, func(e posting, i int32) int { return int(e.slot - i) }); found {
			out = append(out, t)
		}
	}
	return out
}

func distinct(terms []string) []string {
	var out []string
	for _, t := range terms {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// cosineRange returns the least and the greatest positive cosine of the slots with a vector that
// passed the filters (cosines sets the others to 0).
func cosineRange(cos []float32, slots []slot) (lo, hi float64) {
	lo = math.Inf(1)
	for i, c := range cos {
		if c > 0 && slots[i].vec {
			lo, hi = min(lo, float64(c)), max(hi, float64(c))
		}
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}

func maxOf(xs []float32) float64 {
	var m float32
	for _, x := range xs {
		m = max(m, x)
	}
	return float64(m)
}

// topK keeps the k best hits offered: a min-heap on rank, its worst at the root.
type topK struct {
	k int
	h []Hit
}

func newTopK(k int) *topK { return &topK{k: k, h: make([]Hit, 0, k)} }

// better reports whether a ranks before b: a greater score, then a newer memory, then a smaller ID.
func better(a, b *Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Seq != b.Seq {
		return a.Seq > b.Seq
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

func (t *topK) offer(h Hit) {
	if len(t.h) < t.k {
		t.h = append(t.h, h)
		t.up(len(t.h) - 1)
		return
	}
	if !better(&h, &t.h[0]) {
		return
	}
	t.h[0] = h
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !better(&t.h[parent], &t.h[i]) {
			break
		}
		t.h[parent], t.h[i] = t.h[i], t.h[parent]
		i = parent
	}
}

func (t *topK) down(i int) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(t.h) && better(&t.h[worst], &t.h[l]) {
			worst = l
		}
		if r < len(t.h) && better(&t.h[worst], &t.h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		t.h[i], t.h[worst] = t.h[worst], t.h[i]
		i = worst
	}
}

// sorted returns the hits kept, best first.
func (t *topK) sorted() []Hit {
	slices.SortFunc(t.h, func(a, b Hit) int {
		if better(&a, &b) {
			return -1
		}
		return 1
	})
	return t.h
}
