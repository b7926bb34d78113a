// Command embedcompare measures how well each embedder retrieves the evidence of LoCoMo's
// questions, to choose the embedder and the settings embedding.Default uses.
//
// For each conversation of the dev split it embeds every turn as one document ("Speaker: text"),
// and for each question of categories 1-4 with evidence (760) it ranks the turns by the cosine of
// their vector to the question's, and scores the ranking: R@k is the share of the question's
// evidence turns among the top k, H@k is 1 when at least one of them is. It prints the scores per
// category and pooled (the table of bench/internal/locomo), one table per variant: GloVe with SIF a from 1e-2 to 1e-4, with and without
// the speaker's name, and the plain average; NGram(256) and NGram(1024); mix(w×A, (1-w)×B), the
// cosines of two embedders weighted (their vectors concatenated); and, with -fusion (the
// default), Okapi BM25 over Porter2 stems with the speaker's name (the README's baseline) alone
// and fused with each embedder by reciprocal rank (rrf, k = 60; "3×bm25" weighs BM25's term 3).
// -pc adds GloVe with the common component (the first principal component of the conversation's
// turn vectors) removed, as the SIF paper does.
//
// Run it from the repository root:
//
//	go run ./bench/embedcompare -data ../shared/eval/locomo-dev
//
// The data (CC BY-NC 4.0) is read where it lies and never copied; without it the command says so
// and exits 0.
//
// # Results
//
// On 2026-11-25 (embedding at its first commit; the ranking is deterministic, so only the data and
// the code change it), pooled over the 760 questions:
//
//	variant                               R@1   R@5   R@10  R@20  H@5   H@10
//	GloVe SIF a=1e-3, speaker (Default)   .164  .329  .432  .541  .375  .493
//	GloVe SIF a=1e-3, no speaker          .138  .299  .398  .502  .341  .454
//	GloVe SIF a=5e-4 / 2e-3 (R@10)                    .438 / .444
//	GloVe plain average, speaker          .144  .289  .373  .493  .332  .428
//	NGram(256)                            .163  .318  .393  .468  .350  .438
//	NGram(1024)                           .199  .380  .464  .538  .412  .509
//	mix(0.8×Default, 0.2×NGram(1024))     .251  .450  .556  .640  .505  .620
//	BM25 Porter2 + speaker                .331  .542  .619  .679  .597  .680
//	rrf(3×BM25, Default)                  .308  .543  .634  .691  .603  .696
//	rrf(3×BM25, NGram(1024))              .324  .515  .603  .677  .576  .668
//
// SIF a between 5e-4 and 3e-3 is one plateau (differences under 0.02); 1e-3 is its middle and
// the SIF paper's usual value. Keeping the speaker's name gains 0.03-0.04 at every a. Removing
// the common component changes R@10 by less than 0.02 either way, so Default does not. Alone,
// NGram(1024) beats GloVe on temporal and single-hop questions, which repeat the turn's words,
// and GloVe beats it on multi-hop (R@10 .250 against .164) and open-domain (.231 against .102),
// which do not: beside BM25, which already matches words, GloVe is the embedder that adds
// (rrf with NGram(1024) stays below BM25 alone).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mnemohq/mnemo/bench/internal/locomo"
	"github.com/mnemohq/mnemo/embedding"
)

// variant is one way to rank a conversation's turns for its questions: score returns, for each
// question, a score for each document, higher first.
type variant struct {
	label string
	score func(docs, questions []string) ([][]float32, error)
}

// embedder is the variant that ranks by the cosine of e's vectors. removePC removes from every
// vector its projection on the first principal component of the conversation's turn vectors
// (SIF's common component).
func embedder(label string, e embedding.Embedder, removePC bool) variant {
	return variant{label: label, score: func(docs, questions []string) ([][]float32, error) {
		ctx := context.Background()
		dv, err := e.Embed(ctx, docs)
		if err != nil {
			return nil, err
		}
		qv, err := e.Embed(ctx, questions)
		if err != nil {
			return nil, err
		}
		if removePC {
			pc := firstPC(dv)
			removeComponent(dv, pc)
			removeComponent(qv, pc)
		}
		out := make([][]float32, len(questions))
		for qi := range questions {
			out[qi] = make([]float32, len(docs))
			for i := range docs {
				out[qi][i] = embedding.Dot(qv[qi], dv[i])
			}
		}
		return out, nil
	}}
}

func main() {
	data := flag.String("data", "../shared/eval/locomo-dev", "the LoCoMo dev split folder")
	pc := flag.Bool("pc", false, "also measure GloVe with the common component removed")
	fusion := flag.Bool("fusion", true, "also measure BM25 alone and fused with the embedders")
	flag.Parse()
	if _, err := os.Stat(filepath.Join(*data, "questions.jsonl")); err != nil {
		fmt.Printf("embedcompare: no LoCoMo data at %s (%v); skipping\n", *data, err)
		return
	}
	convs, qs, err := locomo.Load(*data)
	if err != nil {
		log.Fatal(err)
	}

	var vs []variant
	for _, a := range []float64{1e-2, 3e-3, 2e-3, 1e-3, 5e-4, 3e-4, 1e-4} {
		for _, sp := range []embedding.SpeakerMode{embedding.SpeakerKeep, embedding.SpeakerDrop} {
			e := embedding.NewGloVe(embedding.GloVeOptions{SIF: a, Speaker: sp})
			vs = append(vs, embedder(e.Name(), e, false))
			if *pc {
				vs = append(vs, embedder(e.Name()+" -pc", e, true))
			}
		}
	}
	for _, sp := range []embedding.SpeakerMode{embedding.SpeakerKeep, embedding.SpeakerDrop} {
		e := embedding.NewGloVe(embedding.GloVeOptions{SIF: -1, Speaker: sp})
		vs = append(vs, embedder(e.Name(), e, false))
	}
	def := embedder("Default", embedding.Default(), false)
	ng256 := embedder(embedding.NGram(256).Name(), embedding.NGram(256), false)
	ng1024 := embedder(embedding.NGram(1024).Name(), embedding.NGram(1024), false)
	vs = append(vs, def, ng256, ng1024,
		mix(def, ng1024, 0.5), mix(def, ng1024, 0.7), mix(def, ng1024, 0.8), mix(def, ng1024, 0.9))
	if *fusion {
		bm := variant{label: "bm25", score: bm25}
		vs = append(vs, bm)
		for _, v := range []variant{def, ng1024, mix(def, ng1024, 0.8)} {
			vs = append(vs, rrf(bm, v), rrfWeighted([]float32{3, 1}, bm, v))
		}
	}

	for _, v := range vs {
		start := time.Now()
		if err := locomo.Evaluate(context.Background(), os.Stdout, ranker(v, convs, qs), v.label, qs, nil); err != nil {
			log.Fatal(err)
		}
		log.Printf("%s: %v", v.label, time.Since(start).Round(time.Millisecond))
	}
}

// ranker ranks a conversation's turns for its questions by v, scoring all of a conversation's
// questions at once (an embedder embeds the turns once) the first time one of them is asked.
func ranker(v variant, convs []locomo.Conversation, qs []locomo.Question) locomo.Ranker {
	orders := map[string]map[string][]string{} // conv -> question -> dia_ids, best first
	return func(_ context.Context, conv, question string, k int) ([][]string, error) {
		if orders[conv] == nil {
			var ids, docs []string
			for _, c := range convs {
				if c.ID == conv {
					ids, docs = locomo.Turns(c)
				}
			}
			var texts []string
			for _, q := range qs {
				if q.ConvID == conv {
					texts = append(texts, q.Question)
				}
			}
			scores, err := v.score(docs, texts)
			if err != nil {
				return nil, err
			}
			orders[conv] = map[string][]string{}
			for qi, text := range texts {
				for _, d := range rank(scores[qi]) {
					orders[conv][text] = append(orders[conv][text], ids[d])
				}
			}
		}
		order := orders[conv][question]
		out := make([][]string, min(k, len(order)))
		for i := range out {
			out[i] = []string{order[i]}
		}
		return out, nil
	}
}

// mix is the variant that scores w times a's score plus 1-w times b's: for two embedders, the
// cosine of their vectors concatenated, scaled by √w and √(1-w).
func mix(a, b variant, w float32) variant {
	return variant{label: fmt.Sprintf("mix(%.1f×%s, %.1f×%s)", w, a.label, 1-w, b.label), score: func(docs, questions []string) ([][]float32, error) {
		sa, err := a.score(docs, questions)
		if err != nil {
			return nil, err
		}
		sb, err := b.score(docs, questions)
		if err != nil {
			return nil, err
		}
		for qi := range sa {
			for i := range sa[qi] {
				sa[qi][i] = w*sa[qi][i] + (1-w)*sb[qi][i]
			}
		}
		return sa, nil
	}}
}

// rank returns the indices of scores, highest score first, ties in index order.
func rank(scores []float32) []int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	return order
}

// rrf is the variant that fuses vs by reciprocal rank (k = 60): a document scores the sum of
// 1/(60+rank) over the variants' rankings.
func rrf(vs ...variant) variant {
	return rrfWeighted(nil, vs...)
}

// rrfWeighted is rrf with the variants' terms weighted by weights (nil: all 1).
func rrfWeighted(weights []float32, vs ...variant) variant {
	var labels []string
	for i, v := range vs {
		if weights != nil {
			labels = append(labels, fmt.Sprintf("%g×%s", weights[i], v.label))
		} else {
			labels = append(labels, v.label)
		}
	}
	return variant{label: "rrf(" + strings.Join(labels, ", ") + ")", score: func(docs, questions []string) ([][]float32, error) {
		out := make([][]float32, len(questions))
		for qi := range out {
			out[qi] = make([]float32, len(docs))
		}
		for vi, v := range vs {
			w := float32(1)
			if weights != nil {
				w = weights[vi]
			}
			s, err := v.score(docs, questions)
			if err != nil {
				return nil, err
			}
			for qi := range questions {
				for r, i := range rank(s[qi]) {
					out[qi][i] += w / float32(60+r+1)
				}
			}
		}
		return out, nil
	}}
}

// firstPC returns the first principal component (uncentred, as SIF does) of vs, by power
// iteration.
func firstPC(vs [][]float32) []float64 {
	d := len(vs[0])
	u := make([]float64, d)
	for i := range u {
		u[i] = 1 / math.Sqrt(float64(d))
	}
	for range 50 {
		next := make([]float64, d)
		for _, v := range vs {
			var p float64
			for i, x := range v {
				p += float64(x) * u[i]
			}
			for i, x := range v {
				next[i] += p * float64(x)
			}
		}
		var n float64
		for _, x := range next {
			n += x * x
		}
		n = math.Sqrt(n)
		for i := range next {
			next[i] /= n
		}
		u = next
	}
	return u
}

// removeComponent removes from each vector of vs its projection on u, and renormalises it.
func removeComponent(vs [][]float32, u []float64) {
	for _, v := range vs {
		var p float64
		for i, x := range v {
			p += float64(x) * u[i]
		}
		for i := range v {
			v[i] -= float32(p * u[i])
		}
		embedding.Normalize(v)
	}
}
