package pipeline

import "github.com/mnemohq/mnemo/internal/analysis"

// Keyer is implemented by a Reconciler that relates statements sharing no word: "I moved to
// Berlin." contradicts "I live in Paris.". Memories are indexed under their keys beside their words
// (see IndexTerms), so that a fact's related memories include those sharing a key with it.
type Keyer interface {
	// Keys returns the index keys of content, a fact's or a memory's. They must depend on content
	// alone: a memory's keys are computed again when it changes or goes.
	Keys(content string) []string
}

// keyMark opens each Keyer key in the term index: no word starts with it, so a key never meets a word.
const keyMark = "\x00"

// MaxIndexTerms bounds the words a memory is indexed under, and a fact looked up by: its first
// MaxIndexTerms distinct terms. It keeps the index and the lookups of a huge statement (a text of
// megabytes without a full stop) bounded; a statement of that length is related by its beginning.
const MaxIndexTerms = 1024

// IndexTerms returns the index terms of a memory's content for reconciler r: the words of
// analysis.Terms (the first MaxIndexTerms) and, when r is a Keyer, its keys. The engine indexes
// memories with it. Keys written under another Reconciler (an earlier Open) stay in the index; a
// lookup reads the memories they point to, so they only relate a live memory that the Reconciler
// then judges.
func IndexTerms(r Reconciler) func(content string) []string {
	k, ok := r.(Keyer)
	words := func(content string) []string {
		terms := analysis.Terms(content)
		return terms[:min(len(terms), MaxIndexTerms)]
	}
	if !ok {
		return words
	}
	return func(content string) []string {
		terms := words(content)
		for _, key := range k.Keys(content) {
			terms = append(terms, keyMark+key)
		}
		return terms
	}
}
