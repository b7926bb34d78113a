package main

// TEMPORARY: this file stands in for Memories.Search until it lands on this branch. Replace
// retrieve's body with a call to eng.Memories.Search(ctx, question, &mnemo.SearchOptions{Group,
// UserID, Mode, Limit: k}) and delete the cache below.

import (
	"context"
	"sync"

	"github.com/mnemohq/mnemo"
)

// scope names the memories one conversation's questions search, and how.
type scope struct {
	Group, UserID string
	// Mode is the search mode; the stand-in knows only "bm25".
	Mode string
}

// standinModes are the modes the stand-in retrieve serves.
var standinModes = []string{"bm25"}

// standinIndex caches each scope's BM25 index: the stand-in lists a scope once, after ingestion.
var standinIndex = struct {
	sync.Mutex
	byScope map[scope]*scopeIndex
}{byScope: make(map[scope]*scopeIndex)}

// scopeIndex is the stand-in's index of one scope's memories.
type scopeIndex struct {
	memories []mnemo.Memory
	index    *bm25
}

// retrieve returns the k memories of scope that best answer question, best first. This stand-in
// ranks the scope's current memories (read with Memories.List, superseded ones left out) by Okapi
// BM25 (k1 1.2, b 0.75) over their contents, speaker prefix included.
func retrieve(ctx context.Context, eng *mnemo.Engine, sc scope, question string, k int) ([]mnemo.Memory, error) {
	standinIndex.Lock()
	defer standinIndex.Unlock()
	x := standinIndex.byScope[sc]
	if x == nil {
		ms, err := listAll(ctx, eng, sc)
		if err != nil {
			return nil, err
		}
		docs := make([]string, len(ms))
		for i, m := range ms {
			docs[i] = m.Content
		}
		x = &scopeIndex{memories: ms, index: newBM25(docs)}
		standinIndex.byScope[sc] = x
	}
	var out []mnemo.Memory
	for _, d := range x.index.top(question, k) {
		out = append(out, x.memories[d])
	}
	return out, nil
}

// listAll reads every current memory of scope.
func listAll(ctx context.Context, eng *mnemo.Engine, sc scope) ([]mnemo.Memory, error) {
	var ms []mnemo.Memory
	opts := &mnemo.ListOptions{Group: sc.Group, UserID: sc.UserID, Limit: mnemo.MaxListLimit}
	for {
		page, err := eng.Memories.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		ms = append(ms, page.Memories...)
		if page.Next == "" {
			return ms, nil
		}
		opts.Cursor = page.Next
	}
}
