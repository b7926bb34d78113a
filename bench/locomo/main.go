// Command locomo measures how well mnemo's memories retrieve the evidence of LoCoMo's questions:
// it ingests the dev split's conversations through the public API, asks each question of its
// conversation's scope, maps the top memories back to the turns they came from, and prints recall
// (R@k), hit rate (H@k) and the turns the top memories cover, per category and pooled, beside the
// BM25 baseline of the data's README.
//
//	go run ./bench/locomo -data ../shared/eval/locomo-dev            # ingest and evaluate
//	go run ./bench/locomo -data ../shared/eval/locomo-dev -raw       # BM25 over raw turns: validates the metric
//	go run ./bench/locomo -data ../shared/eval/locomo-dev -v         # also each question's missed evidence
//	go run ./bench/locomo -data ../shared/eval/locomo-dev -db x.db   # keep the file; reuse it when it exists
//	go run ./bench/locomo -data ../shared/eval/locomo-dev -extract messages,dates  # extractor options
//
// The data is licensed CC BY-NC 4.0 and is read at run time only: it is never copied here. When the
// folder is absent the command says so and exits 0. The metric follows the data's README: each
// conversation in its own scope (group "locomo", user the conversation ID), one Conversation add
// per session, each message with the turn's dia_id as its ID, the speaker as its Name and the
// session's time as its CreatedAt; categories 1-4 with evidence pooled (n = 760), category 5
// (adversarial) reported apart.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench/internal/locomo"
	"github.com/mnemohq/mnemo/embedding"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// group is the group every conversation's scope is in; the user is the conversation's ID.
const group = "locomo"

// embedderFlag is the embedder -embedder names: glove (the default) or ngram (hashed character
// n-grams, 1024 dimensions), the embedder the default was measured against.
var embedderFlag = new(mnemo.Embedder)

type embedderValue struct{ name string }

func (e *embedderValue) String() string { return e.name }
func (e *embedderValue) Set(s string) error {
	switch s {
	case "glove":
		*embedderFlag = embedding.Default()
	case "ngram":
		*embedderFlag = embedding.NGram(1024)
	default:
		return fmt.Errorf("unknown embedder %q: glove or ngram", s)
	}
	e.name = s
	return nil
}

func init() {
	flag.Var(&embedderValue{"glove"}, "embedder", "the embedder: glove (the default) or ngram (hashed character n-grams, 1024 dimensions)")
}

func main() {
	data := flag.String("data", "../shared/eval/locomo-dev", "the LoCoMo dev split's folder")
	db := flag.String("db", "", "the mnemo file to ingest into and keep; reused without ingesting when it exists (default: a temporary file)")
	mode := flag.String("mode", "all", "search mode: all|"+strings.Join(searchModes, "|"))
	raw := flag.Bool("raw", false, "rank raw turns by BM25 (one document per turn, \"Speaker: text\") instead of memories: validates the metric against the README's baseline")
	verbose := flag.Bool("v", false, "print each question's evidence missed by the top 20")
	extract := flag.String("extract", "", "comma-separated rules.Extractor options to turn on: sentences (SentenceFacts), dates (AbsoluteDates)")
	flag.Parse()
	if _, err := os.Stat(filepath.Join(*data, "questions.jsonl")); errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("locomo: no LoCoMo data in %s; skipping the evaluation (point -data at the locomo-dev folder)\n", *data)
		return
	}
	x, err := extractor(*extract)
	if err != nil {
		fmt.Fprintln(os.Stderr, "locomo:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), *data, *db, *mode, x, *raw, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "locomo:", err)
		os.Exit(1)
	}
}

// extractor returns the rules.Extractor that -extract describes.
func extractor(options string) (rules.Extractor, error) {
	var x rules.Extractor
	for _, o := range strings.Split(options, ",") {
		switch o {
		case "":
		case "sentences":
			x.SentenceFacts = true
		case "dates":
			x.AbsoluteDates = true
		default:
			return x, fmt.Errorf("-extract: unknown option %q; the options are sentences, dates", o)
		}
	}
	return x, nil
}

func run(ctx context.Context, data, db, mode string, x rules.Extractor, raw, verbose bool) error {
	convs, qs, err := locomo.Load(data)
	if err != nil {
		return err
	}
	turns := make(map[string]map[string]locomo.Turn) // conv -> dia_id -> turn, for -v
	for _, c := range convs {
		turns[c.ID] = make(map[string]locomo.Turn)
		for _, s := range c.Sessions {
			for _, t := range s.Turns {
				turns[c.ID][t.DiaID] = t
			}
		}
	}
	var miss func(locomo.Question, locomo.Score, [][]string)
	if verbose {
		miss = func(q locomo.Question, s locomo.Score, ranked [][]string) { printMiss(q, s, ranked, turns[q.ConvID]) }
	}
	rankers := map[string]locomo.Ranker{}
	var labels []string
	if raw {
		labels = []string{"BM25 over raw turns (Porter2 + speaker)"}
		rankers[labels[0]] = newRawRanker(convs)
	} else {
		modes := []string{mode}
		if mode == "all" {
			modes = searchModes
		}
		for _, m := range modes {
			if !slices.Contains(searchModes, m) {
				return fmt.Errorf("-mode %s: unknown; use all or one of %s", m, strings.Join(searchModes, ", "))
			}
		}
		eng, cleanup, err := openIngested(ctx, db, x, convs)
		if err != nil {
			return err
		}
		defer cleanup()
		if err := reportLost(ctx, eng, qs, turns); err != nil {
			return err
		}
		for _, m := range modes {
			labels = append(labels, "memories, "+m)
			rankers["memories, "+m] = memoryRanker(eng, m)
		}
	}
	for _, label := range labels {
		if err := locomo.Evaluate(ctx, os.Stdout, rankers[label], label, qs, miss); err != nil {
			return err
		}
	}
	locomo.Baseline(os.Stdout)
	return nil
}

// memoryRanker ranks memories with retrieve, in the mode given, each memory standing for the
// messages it names (Source.MessageID, without repeats).
func memoryRanker(eng *mnemo.Engine, mode string) locomo.Ranker {
	return func(ctx context.Context, conv, question string, k int) ([][]string, error) {
		ms, err := retrieve(ctx, eng, scope{Group: group, UserID: conv, Mode: mode}, question, k)
		if err != nil {
			return nil, err
		}
		out := make([][]string, len(ms))
		for i, m := range ms {
			for _, s := range m.Sources {
				if s.MessageID != "" && !slices.Contains(out[i], s.MessageID) {
					out[i] = append(out[i], s.MessageID)
				}
			}
		}
		return out, nil
	}
}

// printMiss prints a question whose evidence the top memories missed, with the missed turns and
// the first retrieved ones.
func printMiss(q locomo.Question, s locomo.Score, ranked [][]string, turns map[string]locomo.Turn) {
	fmt.Printf("MISS %s (cat %d) %s  answer: %v\n", q.QID, q.Category, q.Question, q.Answer)
	for _, e := range s.Missed {
		t := turns[e]
		fmt.Printf("    missed %s %s: %s\n", e, t.Speaker, t.Text)
	}
	for i, r := range ranked {
		if i == 3 {
			break
		}
		fmt.Printf("    got #%d %v\n", i+1, r)
	}
}
