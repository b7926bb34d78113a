package main

import (
	"math"

	"github.com/mnemohq/mnemo/internal/analysis"
)

// bm25 scores docs for each question by Okapi BM25 (k1 1.2, b 0.75) over their terms
// (analysis.Words: lower case, stop words removed, Porter2 stems). It reproduces the README's
// baseline, "Porter + speaker name prepended", to fuse the embedders with.
func bm25(docs, questions []string) ([][]float32, error) {
	const k1, b = 1.2, 0.75
	tfs := make([]map[string]int, len(docs))
	df := map[string]int{}
	var total int
	for i, d := range docs {
		tfs[i] = map[string]int{}
		for _, w := range analysis.Words(d) {
			if t := w.Term(); t != "" {
				if tfs[i][t] == 0 {
					df[t]++
				}
				tfs[i][t]++
				total++
			}
		}
	}
	n := float64(len(docs))
	avg := float64(total) / n
	out := make([][]float32, len(questions))
	for qi, q := range questions {
		out[qi] = make([]float32, len(docs))
		for _, w := range analysis.Words(q) {
			t := w.Term()
			if t == "" || df[t] == 0 {
				continue
			}
			idf := math.Log(1 + (n-float64(df[t])+0.5)/(float64(df[t])+0.5))
			for i, tf := range tfs {
				f := float64(tf[t])
				if f == 0 {
					continue
				}
				var dl float64
				for _, c := range tf {
					dl += float64(c)
				}
				out[qi][i] += float32(idf * f * (k1 + 1) / (f + k1*(1-b+b*dl/avg)))
			}
		}
	}
	return out, nil
}
