package main

import "github.com/mnemohq/mnemo/bench/internal/locomo"

// bm25 scores docs for each question by the README's baseline, Okapi BM25 (k1 1.2, b 0.75) over
// Porter2 stems with the speaker's name prepended (locomo.BM25), to fuse the embedders with.
func bm25(docs, questions []string) ([][]float32, error) {
	x := locomo.NewBM25(docs)
	out := make([][]float32, len(questions))
	for qi, q := range questions {
		scores := x.Scores(q)
		out[qi] = make([]float32, len(scores))
		for i, s := range scores {
			out[qi][i] = float32(s)
		}
	}
	return out, nil
}
