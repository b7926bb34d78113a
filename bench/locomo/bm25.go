package main

import (
	"math"
	"sort"

	"github.com/mnemohq/mnemo/internal/analysis"
)

// Okapi BM25's parameters, as the README's baseline sets them.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// bm25 is an Okapi BM25 index over a fixed set of documents, numbered in the order they were given.
type bm25 struct {
	tf     []map[string]int // per document: term -> occurrences
	length []int            // per document: its terms, counted with repeats
	df     map[string]int   // term -> documents holding it
	avgLen float64
}

// tokens returns the index terms of text, repeats included: its words by analysis.Words, lower case,
// English stop words left out, stemmed by Porter2 (Snowball English). The whole text is read, so a
// speaker prefix ("Caroline: ...") is indexed too, as in the README's "Porter + speaker" baseline.
func tokens(text string) []string {
	var ts []string
	for _, w := range analysis.Words(text) {
		if t := w.Term(); t != "" {
			ts = append(ts, t)
		}
	}
	return ts
}

// newBM25 indexes docs.
func newBM25(docs []string) *bm25 {
	x := &bm25{df: make(map[string]int)}
	total := 0
	for _, d := range docs {
		tf := make(map[string]int)
		ts := tokens(d)
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

// top returns the numbers of the k documents that score best for query, best first; ties keep the
// documents' order. Documents that share no term with the query are left out.
func (x *bm25) top(query string, k int) []int {
	n := float64(len(x.tf))
	qterms := make(map[string]bool)
	for _, t := range tokens(query) {
		qterms[t] = true
	}
	type hit struct {
		doc   int
		score float64
	}
	var hits []hit
	for d, tf := range x.tf {
		s := 0.0
		for t := range qterms {
			f := float64(tf[t])
			if f == 0 {
				continue
			}
			df := float64(x.df[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			s += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(x.length[d])/x.avgLen))
		}
		if s > 0 {
			hits = append(hits, hit{d, s})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	if len(hits) > k {
		hits = hits[:k]
	}
	out := make([]int, len(hits))
	for i, h := range hits {
		out[i] = h.doc
	}
	return out
}
