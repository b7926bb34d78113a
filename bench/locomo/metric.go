package main

import (
	"fmt"
	"io"
	"strings"
)

// cutoffs are the k of R@k, in the order the table prints them; hitCutoffs those of H@k, and
// coverCutoffs those of the turns the top k memories cover.
var (
	cutoffs      = []int{1, 5, 10, 20}
	hitCutoffs   = []int{5, 10}
	coverCutoffs = []int{5, 10}
)

// topK is how many memories each question retrieves: the largest cutoff.
const topK = 20

// score is what one question's ranking earned.
type score struct {
	recall map[int]float64 // k -> share of the evidence turns among the top k memories' turns
	hit    map[int]float64 // k -> 1 when at least one evidence turn is there
	cover  map[int]float64 // k -> distinct turns the top k memories name
	missed []string        // evidence turns not among the top topK memories' turns
}

// scoreRanking scores one question: ranked holds, for each retrieved memory in rank order, the
// turns (dia_ids) it came from.
func scoreRanking(evidence []string, ranked [][]string) score {
	ev := make(map[string]bool)
	for _, e := range evidence {
		ev[e] = true
	}
	s := score{recall: map[int]float64{}, hit: map[int]float64{}, cover: map[int]float64{}}
	seen := make(map[string]bool)
	found := 0
	at := func(k int) {
		if k == 0 {
			return
		}
		if contains(cutoffs, k) {
			s.recall[k] = float64(found) / float64(len(ev))
		}
		if contains(hitCutoffs, k) {
			s.hit[k] = b2f(found > 0)
		}
		if contains(coverCutoffs, k) {
			s.cover[k] = float64(len(seen))
		}
	}
	for i := 0; i < topK; i++ {
		if i < len(ranked) {
			for _, t := range ranked[i] {
				if seen[t] {
					continue
				}
				seen[t] = true
				if ev[t] {
					found++
				}
			}
		}
		at(i + 1)
	}
	for _, e := range evidence {
		if !seen[e] {
			s.missed = append(s.missed, e)
		}
	}
	return s
}

func contains(ks []int, k int) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// tally sums the scores of a set of questions.
type tally struct {
	n                  int
	recall, hit, cover map[int]float64
}

func newTally() *tally {
	return &tally{recall: map[int]float64{}, hit: map[int]float64{}, cover: map[int]float64{}}
}

func (t *tally) add(s score) {
	t.n++
	for k, v := range s.recall {
		t.recall[k] += v
	}
	for k, v := range s.hit {
		t.hit[k] += v
	}
	for k, v := range s.cover {
		t.cover[k] += v
	}
}

// categoryNames are LoCoMo's question categories.
var categoryNames = map[int]string{1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}

// header prints the table's header.
func header(w io.Writer) {
	cols := []string{"rows", "n"}
	for _, k := range cutoffs {
		cols = append(cols, fmt.Sprintf("R@%d", k))
	}
	for _, k := range hitCutoffs {
		cols = append(cols, fmt.Sprintf("H@%d", k))
	}
	for _, k := range coverCutoffs {
		cols = append(cols, fmt.Sprintf("turns@%d", k))
	}
	fmt.Fprintf(w, "| %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("--:|", len(cols)-1))
}

// row prints one line of the table.
func row(w io.Writer, name string, t *tally) {
	if t.n == 0 {
		return
	}
	n := float64(t.n)
	cells := []string{name, fmt.Sprint(t.n)}
	for _, k := range cutoffs {
		cells = append(cells, ratio(t.recall[k]/n))
	}
	for _, k := range hitCutoffs {
		cells = append(cells, ratio(t.hit[k]/n))
	}
	for _, k := range coverCutoffs {
		cells = append(cells, fmt.Sprintf("%.1f", t.cover[k]/n))
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// ratio writes a share as the README does: ".615".
func ratio(x float64) string {
	return strings.TrimPrefix(fmt.Sprintf("%.3f", x), "0")
}

// baseline prints the README's best baseline row (BM25, Porter stemming, speaker prepended, over
// raw turns; categories 1-4 pooled), for comparison.
func baseline(w io.Writer) {
	fmt.Fprintln(w, "| README baseline: BM25 raw turns, Porter + speaker (1-4) | 760 | .328 | .538 | .615 | .680 | .592 | .678 | 5.0* | 10.0* |")
	fmt.Fprintln(w, "\n(*) one turn per document. Baseline R@10 per category: multi-hop .360, temporal .796, open-domain .330, single-hop .664.")
}
