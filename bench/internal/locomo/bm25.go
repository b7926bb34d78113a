package locomo

import (
	"math"
	"sort"

	"github.com/mnemohq/mnemo/internal/index"
)

// Okapi BM25's parameters, as the README's baseline sets them.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// BM25 is an Okapi BM25 index over a fixed set of documents, numbered in the order they were given.
type BM25 struct {
	tf     []map[string]int // per document: term -> occurrences
	length []int            // per document: its terms, counted with repeats
	df     map[string]int   // term -> documents holding it
	avgLen float64
}

// NewBM25 indexes docs.
func NewBM25(docs []string) *BM25 {
	x := &BM25{df: make(map[string]int)}
	total := 0
	for _, d := range docs {
		tf := make(map[string]int)
		ts := index.Tokens(d)
		for _, t := range ts {
			tf[t]++
		}
		for t := range tf {
			x.df[t]++
		}
		x.tf = append(x.tf, tf)
		x.length = append(x.length, len(ts))
		total += len(ts)
	}
	if len(docs) > 0 {
		x.avgLen = float64(total) / float64(len(docs))
	}
	return x
}

// Scores returns each document's BM25 score for query (0 for those sharing no term with it).
func (x *BM25) Scores(query string) []float64 {
	n := float64(len(x.tf))
	qterms := make(map[string]bool)
	for _, t := range index.Tokens(query) {
		qterms[t] = true
	}
	out := make([]float64, len(x.tf))
	for d, tf := range x.tf {
		for t := range qterms {
			f := float64(tf[t])
			if f == 0 {
				continue
			}
			df := float64(x.df[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			out[d] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(x.length[d])/x.avgLen))
		}
	}
	return out
}

// Top returns the numbers of the k documents that score best for query, best first; ties keep the
// documents' order. Documents that share no term with the query are left out.
func (x *BM25) Top(query string, k int) []int {
	return TopOf(x.Scores(query), k)
}

// TopOf returns the numbers of the k best positive scores, best first; ties keep their order.
func TopOf(scores []float64, k int) []int {
	var order []int
	for d, s := range scores {
		if s > 0 {
			order = append(order, d)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })
	return order[:min(k, len(order))]
}
