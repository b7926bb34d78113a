package main

import (
	"context"

	"github.com/mnemohq/mnemo"
)

// scope names the memories one conversation's questions search, and how.
type scope struct {
	Group, UserID string
	// Mode is the search mode (see searchModes).
	Mode string
}

// searchModes are the modes -mode all evaluates, in order.
var searchModes = []string{"hybrid", "bm25", "vector"}

// retrieve returns the k memories of scope that best answer question, best first, through the
// public Memories.Search.
func retrieve(ctx context.Context, eng *mnemo.Engine, sc scope, question string, k int) ([]mnemo.Memory, error) {
	res, err := eng.Memories.Search(ctx, question, &mnemo.SearchOptions{Group: sc.Group, UserID: sc.UserID, Mode: mnemo.SearchMode(sc.Mode), Limit: k})
	if err != nil {
		return nil, err
	}
	out := make([]mnemo.Memory, len(res))
	for i, r := range res {
		out[i] = r.Memory
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
