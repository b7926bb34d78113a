package rules

import (
	"slices"
	"strings"

	"github.com/mnemohq/mnemo/internal/analysis"
)

// A predicate family is a predicate that holds one value at a time for a subject: one lives in one
// place, works for one employer, is of one age. Two statements of one subject in the same family
// with different values contradict each other ("I live in Paris." / "I moved to Berlin."), where
// other predicates coexist ("I like tea." / "I like coffee.").
//
// families is the table the Reconciler reads them from. Each family has a name, which its reason
// says ("residence changed"), and trigger phrases, matched against the stems of a statement's
// words (so "live in" matches "lives in", "living in" and "lived in") within one clause:
//
//   - words separated by spaces, each with its alternatives separated by "|": "work at|for";
//   - "#" stands for a number, which is then the value: "# years old";
//   - "*" stands for any word but a stop word, which then names the family's instance: in
//     "favourite * is", "favourite colour" and "favourite food" are two families.
//
// Without "#", the value is the object that follows the trigger in its clause: its words up to the
// next preposition or conjunction (see objectEnds), stop words skipped, numbers and dates in their
// canonical form, all as stems. "I live in Paris with my wife." has the value "pari". A status
// family's value starts with the trigger's last word, the status: "I got married to Sam." has
// "marri", "sam", and contradicts "I'm engaged to Sam.". Two values contradict each other when
// neither holds the other: "in Paris" and "in central Paris" do not.
var families = compileFamilies([]familySpec{
	{name: "residence", triggers: []string{
		"live|reside in|at|near", "move|relocate to", "based|located in", "home is in",
	}},
	{name: "employer", triggers: []string{
		"work at|for", "job at|with", "employed at|by", "hired by", "joined", "employer is",
	}},
	{name: "job", triggers: []string{"work as", "job is", "job title is", "profession|occupation is"}},
	{name: "relationship status", status: true, triggers: []string{
		"married", "engaged", "divorced", "separated", "widowed", "dating", "in a relationship",
		"am|i'm|im|is|still single",
	}},
	{name: "age", triggers: []string{"# years old", "age is #", "aged #", "turned #"}},
	{name: "name", triggers: []string{"my name", "i'm called", "am called"}},
	{name: "favourite", triggers: []string{"favourite|favorite * is|are"}},
	{name: "origin", triggers: []string{"am|i'm|im from", "come from", "grew up in"}},
	{name: "school", triggers: []string{"study at", "student at"}},
	{name: "diet", status: true, triggers: []string{
		"am|i'm|im|is|went|became vegan|vegetarian|pescatarian",
	}},
	{name: "birthday", triggers: []string{"birthday is"}},
	{name: "phone number", triggers: []string{"phone number is", "phone is"}},
	{name: "email", triggers: []string{"email is", "email address is"}},
})

// objectEnds are the words, in lower case, that end an object: prepositions and conjunctions, which
// start a phrase that adds to the statement rather than naming its value ("in Paris with my wife",
// "at Google since 2019").
var objectEnds = wordSet(
	"and", "but", "or", "because", "so", "while", "though", "although", "when", "since", "where",
	"which", "who", "until", "after", "before", "with", "for", "as", "in", "on", "at", "from", "to",
	"near", "during", "by", "of",
)

// familySpec is a family as the table writes it.
type familySpec struct {
	name     string
	status   bool
	triggers []string
}

// family is a familySpec with its triggers compiled.
type family struct {
	name     string
	status   bool
	triggers [][]element
}

// triggerRef names trigger k of family f.
type triggerRef struct{ f, k int }

// triggerIndex finds the triggers that may start at a word, in one lookup per word: byFirst maps a
// stem to the triggers whose first word has it, anyFirst lists those that start with a placeholder
// ("# years old").
type triggerIndex struct {
	byFirst  map[string][]triggerRef
	anyFirst []triggerRef
}

var triggers = indexTriggers(families)

func indexTriggers(fams []family) triggerIndex {
	idx := triggerIndex{byFirst: map[string][]triggerRef{}}
	for f, fam := range fams {
		for k, t := range fam.triggers {
			if t[0].stems == nil {
				idx.anyFirst = append(idx.anyFirst, triggerRef{f, k})
			}
			for st := range t[0].stems {
				idx.byFirst[st] = append(idx.byFirst[st], triggerRef{f, k})
			}
		}
	}
	return idx
}

// element is one word of a trigger: a set of stems, or a placeholder.
type element struct {
	stems    map[string]bool
	number   bool // "#": a number, the value
	instance bool // "*": any word but a stop word, naming the family's instance
}

// claim is what a statement says in one family: the family's key (its name, and its instance words
// for a family with "*"), and the value it gives.
type claim struct {
	key   string
	value []string
}

func compileFamilies(specs []familySpec) []family {
	out := make([]family, len(specs))
	for i, s := range specs {
		out[i] = family{name: s.name, status: s.status}
		for _, t := range s.triggers {
			out[i].triggers = append(out[i].triggers, compileTrigger(t))
		}
	}
	return out
}

func compileTrigger(phrase string) []element {
	var els []element
	for _, field := range strings.Fields(phrase) {
		switch field {
		case "#":
			els = append(els, element{number: true})
		case "*":
			els = append(els, element{instance: true})
		default:
			stems := make(map[string]bool)
			for alt := range strings.SplitSeq(field, "|") {
				for _, w := range analysis.Words(alt) {
					stems[w.Stem] = true
				}
			}
			els = append(els, element{stems: stems})
		}
	}
	return els
}

// claims returns what ws says in each family it matches, in the order of the table: for each
// family, the claim of its trigger that matches earliest in the text (the first in the table among
// those that match there).
func claims(ws []analysis.Word) []claim {
	var found []int // families matched, each once
	var out []claim
	for i := range ws {
		for _, refs := range [2][]triggerRef{triggers.byFirst[ws[i].Stem], triggers.anyFirst} {
			for _, ref := range refs {
				if slices.Contains(found, ref.f) {
					continue
				}
				f := &families[ref.f]
				if end, ok := matchAt(f.triggers[ref.k], ws, i); ok {
					found = append(found, ref.f)
					out = append(out, f.claimAt(f.triggers[ref.k], ws, i, end))
				}
			}
		}
	}
	if len(out) > 1 {
		order := make(map[string]int, len(out))
		for n, f := range found {
			order[out[n].key] = f
		}
		slices.SortStableFunc(out, func(a, b claim) int { return order[a.key] - order[b.key] })
	}
	return out
}

// matchAt reports whether trigger t matches the words of ws from i on, within one clause, and where
// the match ends.
func matchAt(t []element, ws []analysis.Word, i int) (end int, ok bool) {
	if i+len(t) > len(ws) {
		return 0, false
	}
	for k, el := range t {
		w := ws[i+k]
		switch {
		case w.Clause != ws[i].Clause:
			return 0, false
		case el.number && (w.Value == "" || !isNumeric(w.Value)):
			return 0, false
		case el.instance && w.Term() == "":
			return 0, false
		case el.stems != nil && !el.stems[w.Stem]:
			return 0, false
		}
	}
	return i + len(t), true
}

// claimAt returns the claim of trigger t, matched at ws[i:end].
func (f family) claimAt(t []element, ws []analysis.Word, i, end int) claim {
	c := claim{key: f.name}
	hasNumber := false
	for k, el := range t {
		switch {
		case el.instance:
			c.key += " " + ws[i+k].Stem
		case el.number:
			hasNumber = true
			c.value = appendNew(c.value, ws[i+k].Value)
		}
	}
	if hasNumber {
		return c
	}
	if f.status {
		c.value = appendNew(c.value, ws[end-1].Stem)
	}
	c.value = append(c.value, object(ws, end)...)
	return c
}

// object returns the keys of the object that starts at ws[j]: the words of its clause, leading stop
// words skipped, up to the first of objectEnds.
func object(ws []analysis.Word, j int) []string {
	if j >= len(ws) {
		return nil
	}
	clause := ws[j-1].Clause
	for j < len(ws) && ws[j].Clause == clause && key(ws[j]) == "" {
		j++
	}
	var keys []string
	seen := make(map[string]bool)
	for ; j < len(ws) && ws[j].Clause == clause && !objectEnds[ws[j].Lower]; j++ {
		if k := key(ws[j]); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// conflict returns the first family in which a and b give values that contradict each other.
func conflict(a, b []claim) (string, bool) {
	for _, ca := range a {
		for _, cb := range b {
			if ca.key == cb.key && len(ca.value) > 0 && len(cb.value) > 0 &&
				!containsAll(ca.value, cb.value) && !containsAll(cb.value, ca.value) {
				return ca.key, true
			}
		}
	}
	return "", false
}
