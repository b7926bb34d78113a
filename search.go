package mnemo

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/mnemohq/mnemo/embedding"

	"github.com/mnemohq/mnemo/internal/index"
	"github.com/mnemohq/mnemo/store"
)

// SearchMode says how Search ranks memories.
type SearchMode string

// The search modes.
const (
	// Hybrid fuses BM25 and vector scores: BM25 divided by the best among the scope's candidates,
	// cosine similarity scaled from the worst to the best among them, then weighted 0.7 (BM25) and
	// 0.3 (vector) and summed, so that a score is at most 1. The weights were tuned on the LoCoMo dev
	// split (see bench/README.md). It is the default.
	Hybrid SearchMode = "hybrid"
	// Vector ranks by cosine similarity to the query's vector (the engine's Embedder).
	Vector SearchMode = "vector"
	// BM25 ranks by Okapi BM25 (k1 = 1.2, b = 0.2: tuned for short memories) over the memories' words: UAX #29 segmentation,
	// case folding, English stop words removed, Porter2 stems.
	BM25 SearchMode = "bm25"
	// Fetch does not rank: it returns the newest memories that pass the filters, whatever the query.
	Fetch SearchMode = "fetch"
)

// Limits of Search.
const (
	DefaultSearchLimit = 10
	MaxSearchLimit     = 100
	// MaxQueryBytes bounds a query's length.
	MaxQueryBytes = 64 << 10
)

// SearchOptions scopes and tunes a search. The scope is strict, as in ListOptions: Group (DefaultGroup
// when empty) and UserID name one scope (an empty UserID is the memories with no user), Properties
// must all match a memory's, and Topics, when given, must include its topic. The filters apply before
// ranking: one scope's memories never appear in another's results.
type SearchOptions struct {
	UserID     string
	Group      string
	Properties map[string]string
	Topics     []string
	// Mode is how results are ranked; Hybrid when empty.
	Mode SearchMode
	// Limit is the most results: DefaultSearchLimit when 0, 1 to MaxSearchLimit otherwise.
	Limit int
	// MinScore leaves out results scoring less (not applied in Fetch mode). Scores are the mode's:
	// BM25 sums (unbounded), cosine similarities (at most 1), or hybrid fusions (at most 1).
	MinScore float64
}

// Result is one memory a search found, with why it ranked where it did.
type Result struct {
	Memory Memory `json:"memory"`
	// Score is the rank's score in the search's mode (0 in Fetch mode).
	Score float64 `json:"score"`
	// BM25 is the memory's BM25 score for the query, Vector its cosine similarity to the query's
	// vector; each is 0 when the mode did not compute it.
	BM25   float64 `json:"bm25"`
	Vector float64 `json:"vector"`
	// Terms are the query's terms (stemmed, as indexed) that the memory holds.
	Terms []string `json:"terms,omitempty"`
}

// Search returns the memories of one scope that best match query, best first: at most Limit, never
// a superseded, deleted or expired memory, and always in the same order for the same file and query
// (ties go to the newer memory). The first search after Open reads every memory into the search index
// (about 1.4 s for 100,000 memories on 2 cores; see bench/README.md); later ones do not touch the disk
// but to read the results. It returns an error wrapping ErrInvalidInput for an empty query (except in Fetch
// mode), bad options or, in Vector mode, an engine without an embedder; Hybrid without one ranks by
// BM25 alone.
func (s *MemoryService) Search(ctx context.Context, query string, opts *SearchOptions) ([]Result, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if o.Mode == "" {
		o.Mode = Hybrid
	}
	mode, err := searchMode(o.Mode)
	if err != nil {
		return nil, err
	}
	if err := checkText("query", query, mode == index.Fetch); err != nil {
		return nil, err
	}
	if len(query) > MaxQueryBytes {
		return nil, invalid("query", "%d bytes exceed the limit of %d", len(query), MaxQueryBytes)
	}
	switch {
	case o.Limit == 0:
		o.Limit = DefaultSearchLimit
	case o.Limit < 0 || o.Limit > MaxSearchLimit:
		return nil, invalid("limit", "%d is outside 1..%d", o.Limit, MaxSearchLimit)
	}
	if math.IsNaN(o.MinScore) || math.IsInf(o.MinScore, 0) {
		return nil, invalid("min_score", "%v is not a number", o.MinScore)
	}
	if err := checkFilter(o.Group, o.UserID, o.Properties, o.Topics); err != nil {
		return nil, err
	}
	q := &store.SearchQuery{Scope: store.Scope{Group: o.Group, UserID: o.UserID}, Query: index.Query{
		Mode: mode, Terms: index.Tokens(query), Properties: o.Properties, Topics: o.Topics,
		Limit: o.Limit, MinScore: o.MinScore, Now: s.e.now(),
	}}
	if mode == index.Hybrid || mode == index.Vector {
		if q.Vector, err = s.e.queryVector(ctx, query, mode == index.Vector); err != nil {
			return nil, err
		}
	}
	hits, err := s.e.store.Search(q)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(hits))
	for i, h := range hits {
		out[i] = Result{Memory: h.Memory, Score: h.Score, BM25: h.BM25, Vector: h.Hit.Vector, Terms: h.Terms}
	}
	return out, nil
}

func searchMode(m SearchMode) (index.Mode, error) {
	switch m {
	case Hybrid:
		return index.Hybrid, nil
	case Vector:
		return index.Vector, nil
	case BM25:
		return index.BM25, nil
	case Fetch:
		return index.Fetch, nil
	}
	return 0, invalid("mode", "%q is none of hybrid, vector, bm25 and fetch", string(m))
}

// queryVector embeds a query. Without a usable embedder it returns nil (a hybrid search ranks by
// BM25 alone) or, when required, the reason.
func (e *Engine) queryVector(ctx context.Context, query string, required bool) ([]float32, error) {
	if e.opts.Embedder == nil || e.vectorsErr != nil {
		if !required {
			return nil, nil
		}
		if e.vectorsErr != nil {
			return nil, e.vectorsErr
		}
		return nil, invalid("mode", "vector search needs an embedder (Options.Embedder)")
	}
	v, err := e.embedOne(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("embed the query: %w", err)
	}
	return unit(v), nil
}

// unit returns a copy of v scaled to unit length, or nil for a zero vector, which matches nothing.
func unit(v []float32) []float32 {
	out := slices.Clone(v)
	if !embedding.Normalize(out) {
		return nil
	}
	return out
}
