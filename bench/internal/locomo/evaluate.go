package locomo

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Ranker returns, for a question of conversation conv, the source turns (dia_ids) of each of the top
// k retrieved items, best first.
type Ranker func(ctx context.Context, conv, question string, k int) ([][]string, error)

// Evaluate asks every question with evidence, scores rank's answers and writes the table under the
// heading label: categories 1-4, their pool (which the README's metric makes of 760 questions), and
// category 5 apart. miss, if not nil, is called with each question of categories 1-4 whose evidence
// the top TopK missed in part.
func Evaluate(ctx context.Context, w io.Writer, rank Ranker, label string, qs []Question, miss func(Question, Score, [][]string)) error {
	byCat := map[int]*Tally{}
	pooled := NewTally()
	skipped := 0
	began := time.Now()
	for _, q := range qs {
		if len(q.Evidence) == 0 {
			skipped++
			continue
		}
		ranked, err := rank(ctx, q.ConvID, q.Question, TopK)
		if err != nil {
			return fmt.Errorf("question %s: %w", q.QID, err)
		}
		s := ScoreRanking(q.Evidence, ranked)
		if byCat[q.Category] == nil {
			byCat[q.Category] = NewTally()
		}
		byCat[q.Category].add(s)
		if q.Category >= 1 && q.Category <= 4 {
			pooled.add(s)
			if miss != nil && len(s.Missed) > 0 {
				miss(q, s, ranked)
			}
		}
	}
	ranked := pooled.N
	if t := byCat[5]; t != nil {
		ranked += t.N
	}
	fmt.Fprintf(w, "\n## %s\n\n%d questions without evidence skipped; %d questions ranked in %v\n\n", label, skipped, ranked, time.Since(began).Round(time.Millisecond))
	Header(w)
	for c := 1; c <= 4; c++ {
		if t := byCat[c]; t != nil {
			Row(w, fmt.Sprintf("%d %s", c, CategoryNames[c]), t)
		}
	}
	Row(w, "**pooled 1-4**", pooled)
	if t := byCat[5]; t != nil {
		Row(w, "5 adversarial (apart)", t)
	}
	if pooled.N != 760 {
		fmt.Fprintf(w, "\nWARNING: %d questions pooled, the README's metric has 760\n", pooled.N)
	}
	return nil
}
