package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench/internal/locomo"
)

// reportLost prints how many evidence turns (of categories 1-4) no current memory names: evidence
// that no search can find, because extraction dropped the turn (chit-chat, say) or reconciliation
// superseded or merged away what it said. Those that are questions ("...?") are counted apart.
func reportLost(ctx context.Context, eng *mnemo.Engine, qs []locomo.Question, turns map[string]map[string]locomo.Turn) error {
	named := make(map[string]map[string]bool) // conv -> dia_ids some memory names
	for conv := range turns {
		ms, err := listAll(ctx, eng, scope{Group: group, UserID: conv})
		if err != nil {
			return err
		}
		named[conv] = make(map[string]bool)
		for _, m := range ms {
			for _, s := range m.Sources {
				named[conv][s.MessageID] = true
			}
		}
	}
	seen := make(map[string]bool)
	total, lost, lostQuestions, questionTurns := 0, 0, 0, 0
	for _, q := range qs {
		if q.Category < 1 || q.Category > 4 {
			continue
		}
		for _, e := range q.Evidence {
			key := q.ConvID + "/" + e
			if seen[key] {
				continue
			}
			seen[key] = true
			total++
			t, ok := turns[q.ConvID][e]
			isQuestion := ok && strings.Contains(t.Text, "?")
			if isQuestion {
				questionTurns++
			}
			if !named[q.ConvID][e] {
				lost++
				if isQuestion {
					lostQuestions++
				}
			}
		}
	}
	fmt.Printf("evidence turns (categories 1-4, distinct): %d, of which %d hold a question; named by no current memory: %d (%d holding a question)\n",
		total, questionTurns, lost, lostQuestions)
	return nil
}
