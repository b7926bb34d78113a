package pipeline

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/store"
)

// transform normalises the facts of a batch and merges duplicates within it. Two facts are duplicates
// when their contents are equal after store.NormalizeContent (case, punctuation and spacing aside), or
// when they hold the same set of words in another order. The first keeps its place and gains the
// other's sources, and the earlier of their event times; a later fact with another topic is kept apart.
// It runs in O(n log n) for n facts, however large the input and however many facts are one.
func transform(in *batch) *batch {
	out := &batch{Inputs: in.Inputs, Failures: in.Failures, Facts: make([]memory.Fact, 0, len(in.Facts)), norms: make([]string, 0, len(in.Facts)), summary: in.summary, idBase: in.idBase}
	seen := make(map[string]int, 2*len(in.Facts))  // dedupe key -> index in out.Facts
	var sources map[int]map[memory.Source]struct{} // of merged facts only: out index -> its sources
	for _, f := range in.Facts {
		f.Content = collapseSpace(f.Content)
		f.Topic = strings.TrimSpace(f.Topic)
		norm := store.NormalizeContent(f.Content)
		if norm == "" {
			continue // punctuation or whitespace only: nothing to remember
		}
		keys := [2]string{f.Topic + "\x00" + norm, f.Topic + "\x00" + wordSet(norm)}
		if i, dup := firstSeen(seen, keys); dup {
			if sources == nil {
				sources = make(map[int]map[memory.Source]struct{})
			}
			merge(&out.Facts[i], f, sources, i)
			continue
		}
		for _, k := range keys {
			seen[k] = len(out.Facts)
		}
		out.Facts = append(out.Facts, f)
		out.norms = append(out.norms, norm)
	}
	return out
}

func firstSeen(seen map[string]int, keys [2]string) (int, bool) {
	for _, k := range keys {
		if i, ok := seen[k]; ok {
			return i, true
		}
	}
	return 0, false
}

// merge adds dup's sources that into lacks, and keeps the earlier event time. The set of a merged
// fact's sources is kept in sources, so that a fact said ten thousand times costs ten thousand set
// lookups rather than a scan of its sources for each.
func merge(into *memory.Fact, dup memory.Fact, sources map[int]map[memory.Source]struct{}, i int) {
	set, ok := sources[i]
	if !ok {
		set = make(map[memory.Source]struct{}, len(into.Sources)+len(dup.Sources))
		for _, s := range into.Sources {
			set[s] = struct{}{}
		}
		into.Sources = slices.Clip(into.Sources) // never append into an array another fact shares
		sources[i] = set
	}
	for _, s := range dup.Sources {
		if _, has := set[s]; !has {
			set[s] = struct{}{}
			into.Sources = append(into.Sources, s)
		}
	}
	into.EventTime = earliest(into.EventTime, dup.EventTime)
}

func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// wordSet is the sorted set of a normalised content's words.
func wordSet(norm string) string {
	words := strings.Fields(norm)
	slices.Sort(words)
	return strings.Join(slices.Compact(words), " ")
}

// collapseSpace trims s and turns every run of whitespace into one space.
func collapseSpace(s string) string {
	if strings.TrimSpace(s) == s && !strings.Contains(s, "  ") && !strings.ContainsFunc(s, otherSpace) {
		return s // most facts: nothing to do, and nothing to copy
	}
	return strings.Join(strings.Fields(s), " ")
}

// otherSpace reports whether r is a white space other than " ".
func otherSpace(r rune) bool { return r != ' ' && unicode.IsSpace(r) }
