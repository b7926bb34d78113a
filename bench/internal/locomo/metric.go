package locomo

import (
	"fmt"
	"io"
	"strings"
)

// Cutoffs are the k of R@k, in the order the table prints them; HitCutoffs those of H@k, and
// CoverCutoffs those of the turns the top k memories cover.
var (
	Cutoffs      = []int{1, 5, 10, 20}
	HitCutoffs   = []int{5, 10}
	CoverCutoffs = []int{5, 10}
)

// TopK is how many memories each question retrieves: the largest cutoff.
const TopK = 20

// Score is what one question's ranking earned.
type Score struct {
	Recall map[int]float64 // k -> share of the evidence turns among the top k memories' turns
	Hit    map[int]float64 // k -> 1 when at least one evidence Turn is there
	Cover  map[int]float64 // k -> distinct turns the top k memories name
	Missed []string        // evidence turns not among the top TopK memories' turns
}

// ScoreRanking scores one Question: ranked holds, for each retrieved memory in rank order, the
// turns (dia_ids) it came from.
func ScoreRanking(evidence []string, ranked [][]string) Score {
	ev := make(map[string]bool)
	for _, e := range evidence {
		ev[e] = true
	}
	s := Score{Recall: map[int]float64{}, Hit: map[int]float64{}, Cover: map[int]float64{}}
	seen := make(map[string]bool)
	found := 0
	at := func(k int) {
		if k == 0 {
			return
		}
		if contains(Cutoffs, k) {
			s.Recall[k] = float64(found) / float64(len(ev))
		}
		if contains(HitCutoffs, k) {
			s.Hit[k] = b2f(found > 0)
		}
		if contains(CoverCutoffs, k) {
			s.Cover[k] = float64(len(seen))
		}
	}
	for i := 0; i < TopK; i++ {
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
			s.Missed = append(s.Missed, e)
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

// Tally sums the scores of a set of questions.
type Tally struct {
	N                  int
	Recall, Hit, Cover map[int]float64
}

func NewTally() *Tally {
	return &Tally{Recall: map[int]float64{}, Hit: map[int]float64{}, Cover: map[int]float64{}}
}

func (t *Tally) add(s Score) {
	t.N++
	for k, v := range s.Recall {
		t.Recall[k] += v
	}
	for k, v := range s.Hit {
		t.Hit[k] += v
	}
	for k, v := range s.Cover {
		t.Cover[k] += v
	}
}

// CategoryNames are LoCoMo's Question categories.
var CategoryNames = map[int]string{1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}

// Header prints the table's header.
func Header(w io.Writer) {
	cols := []string{"rows", "n"}
	for _, k := range Cutoffs {
		cols = append(cols, fmt.Sprintf("R@%d", k))
	}
	for _, k := range HitCutoffs {
		cols = append(cols, fmt.Sprintf("H@%d", k))
	}
	for _, k := range CoverCutoffs {
		cols = append(cols, fmt.Sprintf("turns@%d", k))
	}
	fmt.Fprintf(w, "| %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("--:|", len(cols)-1))
}

// Row prints one line of the table.
func Row(w io.Writer, name string, t *Tally) {
	if t.N == 0 {
		return
	}
	n := float64(t.N)
	cells := []string{name, fmt.Sprint(t.N)}
	for _, k := range Cutoffs {
		cells = append(cells, Ratio(t.Recall[k]/n))
	}
	for _, k := range HitCutoffs {
		cells = append(cells, Ratio(t.Hit[k]/n))
	}
	for _, k := range CoverCutoffs {
		cells = append(cells, fmt.Sprintf("%.1f", t.Cover[k]/n))
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// Ratio writes a share as the README does: ".615".
func Ratio(x float64) string {
	return strings.TrimPrefix(fmt.Sprintf("%.3f", x), "0")
}

// Baseline prints the README's best baseline row (BM25, Porter stemming, speaker prepended, over
// raw turns; categories 1-4 pooled), for comparison.
func Baseline(w io.Writer) {
	fmt.Fprintln(w, "| README baseline: BM25 raw turns, Porter + speaker (1-4) | 760 | .328 | .538 | .615 | .680 | .592 | .678 | 5.0* | 10.0* |")
	fmt.Fprintln(w, "\n(*) one Turn per document. Baseline R@10 per category: multi-hop .360, temporal .796, open-domain .330, single-hop .664.")
}
