package main

import "context"

// newRawRanker ranks raw turns, one document per turn ("Speaker: text"), by BM25 over Porter2
// stems: the README's "Porter + speaker" baseline, to validate the metric code.
func newRawRanker(convs []conversation) ranker {
	type convIndex struct {
		ids   []string
		index *bm25
	}
	byConv := make(map[string]convIndex)
	for _, c := range convs {
		var ids, docs []string
		for _, s := range c.Sessions {
			for _, t := range s.Turns {
				ids = append(ids, t.DiaID)
				docs = append(docs, t.Speaker+": "+t.Text)
			}
		}
		byConv[c.ID] = convIndex{ids: ids, index: newBM25(docs)}
	}
	return func(_ context.Context, conv, question string, k int) ([][]string, error) {
		x := byConv[conv]
		var out [][]string
		for _, d := range x.index.top(question, k) {
			out = append(out, []string{x.ids[d]})
		}
		return out, nil
	}
}
