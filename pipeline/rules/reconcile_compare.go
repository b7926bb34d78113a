package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mnemohq/mnemo/pipeline"
)

// Thresholds of the comparison; see Reconciler.
const (
	// sameClaimOverlap and sameClaimJaccard say when two statements make the same claim, numbers,
	// dates and negations aside: the smaller's keys are this share of the larger's at least
	// (overlap), and their shared keys this share of all their keys (Jaccard).
	sameClaimOverlap = 0.8
	sameClaimJaccard = 0.5
)

// verdict is what comparing a fact with one related memory decides.
type verdict struct {
	op     pipeline.Op
	reason string
}

// precedence ranks the ops when several related memories qualify: the lowest wins.
var precedence = map[pipeline.Op]int{pipeline.OpNoop: 0, pipeline.OpUpdate: 1, pipeline.OpSupersede: 2, pipeline.OpAdd: 3}

// compare decides what fact f does to memory m, the rules tried in the order the Reconciler's
// documentation gives.
func (r Reconciler) compare(f, m *statement) verdict {
	switch {
	case f.speaker != m.speaker:
		return verdict{pipeline.OpAdd, "another speaker"}
	case f.norm == m.norm && (f.norm != "" || f.body == m.body):
		return verdict{pipeline.OpNoop, "same statement"}
	case f.long || m.long:
		return verdict{pipeline.OpAdd, "too long to compare"}
	case f.subject != m.subject:
		return verdict{pipeline.OpAdd, "another subject"}
	case !slices.Equal(sorted(f.idents), sorted(m.idents)):
		return verdict{pipeline.OpAdd, "another thing named"} // "room 12" is not "room 14"
	case f.negated != m.negated && sameClaim(f, m):
		return verdict{pipeline.OpSupersede, "negation differs"}
	}
	if reason, ok := valuesDiffer(f, m); ok {
		return verdict{pipeline.OpSupersede, reason}
	}
	if f.negated != m.negated {
		return verdict{pipeline.OpAdd, "new statement"}
	}
	if sim := jaccard(f.keys, m.keys); sim >= r.nearDuplicate() && slices.Equal(sorted(f.values), sorted(m.values)) &&
		slices.Equal(sorted(f.counts), sorted(m.counts)) {
		return verdict{pipeline.OpNoop, fmt.Sprintf("near duplicate %.2f", sim)}
	}
	switch {
	case !f.negated && len(f.keys) > 0 && len(f.keys) < len(m.keys) && countIn(f.keys, m.keys) == len(f.keys):
		return verdict{pipeline.OpNoop, "known in more detail"}
	case refines(f, m):
		return verdict{pipeline.OpUpdate, "adds details"}
	}
	if family, ok := conflict(f.claims, m.claims); ok && !f.negated {
		return verdict{pipeline.OpSupersede, family + " changed"}
	}
	return verdict{pipeline.OpAdd, "new statement"}
}

// nearDuplicate returns the similarity at or above which a fact is a near duplicate.
func (r Reconciler) nearDuplicate() float64 {
	if r.NearDuplicate <= 0 {
		return DefaultNearDuplicate
	}
	return r.NearDuplicate
}

// sameClaim reports whether two statements' keys that are no values make the same claim (see
// sameClaimOverlap). Two statements without such keys do; one without does not.
func sameClaim(f, m *statement) bool {
	a, b := len(f.keys)-len(f.values), len(m.keys)-len(m.values)
	if a == 0 || b == 0 {
		return a == b
	}
	shared := 0
	for _, k := range f.keys {
		if !slices.Contains(f.values, k) && m.keys.has(k) && !slices.Contains(m.values, k) {
			shared++
		}
	}
	return float64(shared)/float64(min(a, b)) >= sameClaimOverlap &&
		float64(shared)/float64(a+b-shared) >= sameClaimJaccard
}

// valuesDiffer reports whether fact f gives other numbers or dates than memory m for the same claim:
// m has a value f lacks, f has one m lacks, and their other keys make the same claim. The reason
// names the values: "number differs: 2 -> 3".
func valuesDiffer(f, m *statement) (string, bool) {
	lost, gained := missing(m.values, f.keys), missing(f.values, m.keys)
	if len(lost) == 0 && len(gained) == 0 { // the same numbers, maybe counting other things
		lost, gained = countsMoved(f, m)
	}
	if f.negated != m.negated || len(lost) == 0 || len(gained) == 0 || !sameClaim(f, m) {
		return "", false
	}
	kind := "number"
	if !slices.ContainsFunc(slices.Concat(lost, gained), isNumeric) {
		kind = "date"
	}
	return fmt.Sprintf("%s differs: %s -> %s", kind, strings.Join(lost, ", "), strings.Join(gained, ", ")), true
}

// countsMoved returns the counts of m and of f that the other lacks, of the nouns both count: "2 dog"
// and "3 dog" for "I have 2 dogs and 3 cats." and "I have 3 dogs and 2 cats.".
func countsMoved(f, m *statement) (lost, gained []string) {
	nouns := func(cs []string) map[string]bool {
		set := make(map[string]bool, len(cs))
		for _, c := range cs {
			_, noun, _ := strings.Cut(c, " ")
			set[noun] = true
		}
		return set
	}
	fn, mn := nouns(f.counts), nouns(m.counts)
	pick := func(cs, other []string, otherNouns map[string]bool) []string {
		var out []string
		for _, c := range cs {
			if _, noun, _ := strings.Cut(c, " "); otherNouns[noun] && !slices.Contains(other, c) {
				out = append(out, c)
			}
		}
		return out
	}
	return pick(m.counts, f.counts, fn), pick(f.counts, m.counts, mn)
}

// refines reports whether fact f refines memory m: it holds all of m's keys (a refinement adds to a
// statement and replaces nothing in it: one word changed may be another statement altogether), all
// of its values and identifiers, and more.
func refines(f, m *statement) bool {
	if len(m.keys) == 0 || len(missing(m.values, f.keys)) > 0 || len(missing(m.idents, f.keys)) > 0 {
		return false // a refinement keeps what the memory says and what it is about
	}
	return len(missing(m.keys, f.keys)) == 0 && len(missing(f.keys, m.keys)) > 0
}

// jaccard returns the Jaccard similarity of the keys a and the set b: shared keys over all keys.
func jaccard(a []string, b keySet) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	shared := countIn(a, b)
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// missing returns the keys of a that are not in set, in order.
func missing(a []string, set keySet) []string {
	var out []string
	for _, k := range a {
		if !set.has(k) {
			out = append(out, k)
		}
	}
	return out
}

// countIn returns how many keys of a are in set.
func countIn(a []string, set keySet) int {
	return len(a) - len(missing(a, set))
}

// containsAll reports whether a holds every key of b.
func containsAll(a, b []string) bool {
	return countIn(b, setOfKeys(a)) == len(b)
}

// keySet is a set of keys, sorted: smaller than a map for the dozen keys of a statement, which
// matters for the statements cached.
type keySet []string

// setOfKeys returns the set of keys, in a slice of its own.
func setOfKeys(keys []string) keySet {
	set := append(make([]string, 0, len(keys)), keys...)
	slices.Sort(set)
	return keySet(slices.Compact(set))
}

// has reports whether the set holds k.
func (s keySet) has(k string) bool {
	_, ok := slices.BinarySearch(s, k)
	return ok
}

func sorted(keys []string) []string { return slices.Sorted(slices.Values(keys)) }

// appendNew appends k to keys unless keys holds it already.
func appendNew(keys []string, k string) []string {
	if slices.Contains(keys, k) {
		return keys
	}
	return append(keys, k)
}

// isNumeric reports whether a value is a number rather than a date.
func isNumeric(v string) bool { return v != "" && '0' <= v[0] && v[0] <= '9' }
