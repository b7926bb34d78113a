package analysis

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// stem returns the Porter2 stem of lower, a word in lower case, when it is made of Latin letters and
// apostrophes: the English stemmer means nothing to other scripts, and numbers ("4.5", "2nd") are
// kept as they are. The stemmer's stop word exception is off, so that every word is stemmed alike.
func stem(lower string) string {
	if strings.IndexFunc(lower, notStemRune) >= 0 {
		return lower
	}
	return english.Stem(lower, true)
}

// notStemRune reports whether r keeps a word from being stemmed.
func notStemRune(r rune) bool {
	return r != '\'' && !unicode.Is(unicode.Latin, r)
}
