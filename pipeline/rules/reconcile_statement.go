package rules

import (
	"crypto/sha256"
	"slices"
	"strings"
	"unicode"

	"github.com/mnemohq/mnemo/internal/analysis"
	"github.com/mnemohq/mnemo/store"
)

// subjectWindow is how many words from the start of a statement its subject is looked for in.
const subjectWindow = 8

// statement is a fact or a memory as the Reconciler compares them.
type statement struct {
	speaker string   // who said it, in lower case, spaces collapsed
	body    string   // what was said, the speaker prefix aside; kept only when norm is "" (no words)
	norm    string   // what was said, normalised as store.NormalizeContent does, then hashed (see normKey)
	keys    keySet   // its keys, a set
	values  []string // its keys that are numbers and dates, canonical: what it says of its subject
	counts  []string // each number with the noun it counts, "2 dog" in "2 dogs and 3 cats"
	idents  []string // numbers that name a thing ("room 12", "fact 2"): part of what it is about
	negated bool
	subject string
	claims  []claim
	long    bool // longer than maxStatementBytes: compared as a whole only
}

// A statement is cached (see statementCache) for every memory a fact meets, so it keeps only what
// comparing needs, in slices of their exact size: about 600 bytes for a sentence of twenty words.

// normKey is the form in which a statement keeps its normalised body: the body's SHA-256 (its first
// 16 bytes, marked by a leading 1), or "" for a body without words. Equal bodies have equal keys, and
// two bodies with equal keys are equal but with a chance of 2^-128.
func normKey(norm string) string {
	if norm == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(norm))
	return "\x01" + string(sum[:16])
}

// maxStatementBytes is the longest statement whose words the Reconciler reads: a longer one (a text
// of megabytes without a full stop) is the same statement as another only if their normalised bodies
// are equal, and otherwise a new one, so that a huge memory costs a fact nothing to compare.
const maxStatementBytes = 64 << 10

// newStatement reads content, said by user unless it names its speaker.
func newStatement(content, user string) *statement {
	speaker, body := analysis.SplitSpeaker(content)
	if speaker == "" {
		speaker = user
	}
	body = strings.TrimSpace(body)
	norm := store.NormalizeContent(body)
	s := &statement{speaker: foldName(speaker), norm: normKey(norm)}
	if len(body) > maxStatementBytes {
		sum := sha256.Sum256([]byte(norm))
		s.long, s.norm = true, "\x00"+string(sum[:]) // equal norms, equal sums: all it keeps
		return s
	}
	if norm == "" {
		s.body = body // punctuation alone: compared as it is
	}
	ws := analysis.Words(body)
	name, _, _ := strings.Cut(s.speaker, " ")
	var seen map[string]bool // for long statements only: a short one's keys are searched in order
	if len(ws) > 32 {
		seen = make(map[string]bool, len(ws))
	}
	keys := make([]string, 0, len(ws))
	var values, idents []string
	for i, w := range ws {
		k := key(w)
		if k == "" || w.Lower == name { // "Bob runs." said by Bob is "I run."
			continue
		}
		ident := identifier(ws, i)
		if ident {
			// "fact 2" names a fact, as written ("9.10" is not "9.1"), and the number belongs to
			// its noun: "fact 9 of writer 1" is not "fact 1 of writer 9".
			k = identPrefix + ws[i-1].Stem + " " + w.Lower
		}
		if seen != nil && seen[k] || seen == nil && slices.Contains(keys, k) {
			continue
		}
		if seen != nil {
			seen[k] = true
		}
		if ident {
			idents = append(idents, k)
		}
		keys = append(keys, k)
		if w.Value != "" && !strings.HasPrefix(k, identPrefix) {
			values = append(values, k)
		}
	}
	s.keys = setOfKeys(keys)
	s.values, s.idents = exact(values), exact(idents)
	s.counts = exact(counts(ws))
	s.negated = negated(ws)
	s.subject = subject(ws, s.speaker)
	s.claims = exact(claims(ws))
	return s
}

// exact returns a in a slice of its own length: a cached statement keeps no spare capacity.
func exact[T any](a []T) []T {
	if len(a) == 0 {
		return nil
	}
	if cap(a) == len(a) {
		return a
	}
	return append(make([]T, 0, len(a)), a...)
}

// identPrefix marks the key of a number that names a thing rather than counting or dating one.
const identPrefix = "#"

// identifier reports whether ws[i], a number, names a thing: it follows a content word of its clause
// and no content word follows it ("room 12 is free", "fact 2 of 10", "version 1.26"), where a count or
// a date comes after a verb or before what it counts ("I have 2 cats", "I am 32", "born in 1990").
// Two statements about different things so named are about different things, not contradictions.
func identifier(ws []analysis.Word, i int) bool {
	w := ws[i]
	if w.Value == "" || w.Value[0] < '0' || w.Value[0] > '9' || i == 0 {
		return false
	}
	prev := ws[i-1]
	if prev.Stop || prev.Value != "" || prev.Clause != w.Clause {
		return false
	}
	if i+1 < len(ws) {
		next := ws[i+1]
		return next.Clause != w.Clause || next.Stop
	}
	return true
}

// counts returns each number of ws that a content word of its clause follows, with that word's stem:
// "I have 2 dogs and 3 cats." has "2 dog" and "3 cat", which "3 dogs and 2 cats" does not.
func counts(ws []analysis.Word) []string {
	var out []string
	for i := 0; i+1 < len(ws); i++ {
		w, next := ws[i], ws[i+1]
		if isNumeric(w.Value) && !identifier(ws, i) && next.Clause == w.Clause && next.Value == "" && next.Term() != "" {
			out = appendNew(out, w.Value+" "+next.Stem)
		}
	}
	return out
}

// isFoldSpace reports whether r is a space that foldName turns into " ".
func isFoldSpace(r rune) bool { return r != ' ' && unicode.IsSpace(r) }

// foldName is the form in which speakers compare: lower case, spaces collapsed.
func foldName(name string) string {
	if !strings.Contains(name, "  ") && strings.TrimSpace(name) == name && !strings.ContainsFunc(name, isFoldSpace) {
		return strings.ToLower(name) // one space between words already: no copy but the lower case
	}
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// key is what a word counts as when statements are compared: its value for a number or a date (so
// that "two" and "2" compare equal), its index term otherwise; "" for a stop word.
func key(w analysis.Word) string {
	if w.Value != "" {
		return w.Value
	}
	return w.Term()
}

// negated reports whether ws negates what it says: it holds a negation ("not", "never", "don't"), or
// "used to", which says that something holds no more ("I used to live in Paris.", but not "I'm used
// to the cold.").
func negated(ws []analysis.Word) bool {
	for i, w := range ws {
		if w.Negation || usedTo(ws, i) {
			return true
		}
	}
	return false
}

// usedTo reports whether ws[i] starts "used to" as a past habit, not after a form of be or get.
func usedTo(ws []analysis.Word, i int) bool {
	if ws[i].Lower != "used" || i+1 == len(ws) || ws[i+1].Lower != "to" {
		return false
	}
	return i == 0 || !beOrGet[ws[i-1].Lower]
}

// beOrGet are the forms of be and get, after which "used to" means accustomed to.
var beOrGet = wordSet("am", "i'm", "im", "is", "are", "was", "were", "be", "been", "being", "get",
	"gets", "got", "gotten", "getting", "we're", "you're", "they're", "he's", "she's", "it's")

// subject returns who or what ws is about, looked for in its first words: "i" for the speaker
// ("I", "I'm", "me", or the speaker's own first name), a pronoun's base form ("we", "she"), a
// possessive and its noun ("my sister"), the noun after an article ("the meeting" is "meet"), or
// else the first word that is no stop word, number, date or leading adverb ("Alice"). Leading
// adverbs and time phrases are skipped: "Last year I moved" is about "i". It returns "" when it finds
// nothing.
func subject(ws []analysis.Word, speaker string) string {
	first, _, _ := strings.Cut(speaker, " ")
	for i, w := range ws[:min(len(ws), subjectWindow)] {
		switch {
		case pronouns[w.Lower] != "":
			return pronouns[w.Lower]
		case possessives[w.Lower] && i+1 < len(ws):
			return w.Lower + " " + numbered(ws, i+1)
		case articles[w.Lower] && i+1 < len(ws) && !skipsSubject(ws[i+1]):
			return numbered(ws, i+1)
		case skipsSubject(w) || articles[w.Lower]:
			continue
		case w.Lower == first:
			return "i"
		}
		return numbered(ws, i)
	}
	return ""
}

// numbered returns the stem of the noun ws[i] with the number that follows it in its clause, if one
// does: "User 17 prefers tea." is about "user 17", not about users.
func numbered(ws []analysis.Word, i int) string {
	if i+1 < len(ws) && ws[i+1].Clause == ws[i].Clause && isNumeric(ws[i+1].Value) {
		return ws[i].Stem + " " + ws[i+1].Value
	}
	return ws[i].Stem
}

// skipsSubject reports whether w cannot be a statement's subject: a stop word, a number or a date, or
// a leading adverb.
func skipsSubject(w analysis.Word) bool {
	return w.Stop || w.Value != "" || leaders[w.Lower]
}

// pronouns maps the personal pronouns, alone or contracted, to their base form; the speaker's "I" is
// "i".
var pronouns = func() map[string]string {
	m := make(map[string]string)
	for base, forms := range map[string][]string{
		"i":    {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "myself"},
		"we":   {"we", "we're", "we've", "we'd", "we'll", "us"},
		"you":  {"you", "you're", "you've", "you'd", "you'll"},
		"he":   {"he", "he's", "he'd", "he'll", "him"},
		"she":  {"she", "she's", "she'd", "she'll"},
		"they": {"they", "they're", "they've", "they'd", "they'll", "them"},
		"it":   {"it", "it's"},
	} {
		for _, f := range forms {
			m[f] = base
		}
	}
	return m
}()

// possessives are the possessive determiners: with their noun they name a subject ("my sister").
var possessives = wordSet("my", "our", "your", "his", "her", "their", "its")

// articles are the determiners after which the noun names the subject ("the meeting").
var articles = wordSet("the", "a", "an", "this", "that", "these", "those")

// leaders are the adverbs, time words and interjections that may open a statement before its
// subject: "Yesterday I ...", "Last year we ...", "Honestly, she ...".
var leaders = wordSet(
	"yesterday", "today", "tonight", "tomorrow", "recently", "lately", "currently", "finally",
	"anyway", "honestly", "basically", "usually", "often", "sometimes", "always", "last", "next",
	"week", "weekend", "year", "years", "month", "months", "day", "days", "morning", "afternoon",
	"evening", "night", "ago", "earlier", "later", "soon", "well", "yes", "hey", "hi", "hello",
	"btw", "so", "guess",
)

// wordSet returns the set of words.
func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
