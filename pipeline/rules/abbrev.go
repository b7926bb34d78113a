package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbrKind says how an abbreviation's period bears on the end of a sentence.
type abbrKind uint8

const (
	// abbrNone: not an abbreviation; its period is a full stop.
	abbrNone abbrKind = iota
	// abbrTitle: a title before a name (Mr., Dr., St.). Capitalised, it is abbrLeading; in lower
	// case it is a word ("one more rep.").
	abbrTitle
	// abbrLeading: always followed by more of the sentence (e.g., vs.): its period never ends one.
	abbrLeading
	// abbrTrailing: may end a sentence (etc., Inc., a.m.): its period does when a capitalised word
	// follows, and not before a number ("No. 5", "Jan. 12").
	abbrTrailing
)

// maxAbbrevLen bounds the length of a word looked up as an abbreviation, in bytes.
const maxAbbrevLen = 16

// abbreviations maps abbreviations, in lower case and without their final period, to their kind.
var abbreviations = invert(map[abbrKind][]string{
	abbrTitle: {
		"mr", "mrs", "ms", "mx", "messrs", "mme", "mlle", "dr", "prof", "rev", "hon", "fr", "st", "mt",
		"ft", "gen", "col", "maj", "capt", "cpt", "lt", "sgt", "cpl", "cmdr", "adm", "gov", "sen", "rep",
		"pres", "supt", "insp", "det", "atty",
	},
	abbrLeading: {"e.g", "eg", "i.e", "vs", "cf", "viz", "incl", "excl", "esp"},
	abbrTrailing: {
		"etc", "al", "inc", "ltd", "co", "corp", "llc", "plc", "bros", "assn", "dept", "univ", "jr", "sr",
		"esq", "phd", "ph.d", "no", "nos", "vol", "vols", "fig", "figs", "pp", "ch", "sec", "art", "ed",
		"eds", "est", "ref", "misc", "approx", "ca", "avg", "max", "min", "mins", "hr", "hrs", "sq", "oz",
		"lb", "lbs", "pt", "qt", "tel", "ext", "ave", "blvd", "rd", "ln", "hwy",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
	},
})

// invert turns lists of words by kind into a map from each word to its kind.
func invert[K comparable](lists map[K][]string) map[string]K {
	m := make(map[string]K)
	for kind, words := range lists {
		for _, w := range words {
			m[w] = kind
		}
	}
	return m
}

// abbreviation returns the kind of word, a word that a period follows, without that period. Case
// does not matter, except that a title must be capitalised; single letters joined by periods
// ("U.S", "a.m") may end a sentence.
func abbreviation(word string) abbrKind {
	if word == "" || len(word) > maxAbbrevLen {
		return abbrNone
	}
	lower := strings.ToLower(word)
	switch kind := abbreviations[lower]; {
	case kind == abbrTitle && startsUpper(word):
		return abbrLeading
	case kind == abbrTitle:
		return abbrNone
	case kind != abbrNone:
		return kind
	case dottedInitials(lower):
		return abbrTrailing
	}
	return abbrNone
}

// dottedInitials reports whether w is single letters joined by periods: "u.s", "a.m", "u.s.a".
func dottedInitials(w string) bool {
	pieces := 0
	for piece := range strings.SplitSeq(w, ".") {
		r, size := utf8.DecodeRuneInString(piece)
		if size != len(piece) || !unicode.IsLetter(r) {
			return false
		}
		pieces++
	}
	return pieces > 1
}
