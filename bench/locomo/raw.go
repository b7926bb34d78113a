package main

import (
	"context"

	"github.com/mnemohq/mnemo/bench/internal/locomo"
)

// newRawRanker ranks raw turns, one document per turn ("Speaker: text"), by BM25: the README's
// "Porter + speaker" baseline, to validate the metric code.
func newRawRanker(convs []locomo.Conversation) locomo.Ranker {
	type convIndex struct {
		ids   []string
		index *locomo.BM25
	}
	byConv := make(map[string]convIndex)
	for _, c := range convs {
		ids, docs := locomo.Turns(c)
		byConv[c.ID] = convIndex{ids: ids, index: locomo.NewBM25(docs)}
	}
	return func(_ context.Context, conv, question string, k int) ([][]string, error) {
		x := byConv[conv]
		var out [][]string
		for _, d := range x.index.Top(question, k) {
			out = append(out, []string{x.ids[d]})
		}
		return out, nil
	}
}
