package analysis

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// Word is one word of a text, as Words reads it.
type Word struct {
	// Lower is the word in lower case, its typographic apostrophes made straight: "don't".
	Lower string
	// Stem is Lower stemmed by Porter2 when it is made of Latin letters and apostrophes ("running"
	// is "run"), and Lower itself otherwise (numbers, words with digits, other scripts).
	Stem string
	// Stop reports whether the word is an English stop word (see stopWords): it makes no term.
	Stop bool
	// Negation reports whether the word negates: "not", "no", "never", "nothing", "don't" and the
	// other contractions with "not" (with or without their apostrophe). "No" followed by a clause
	// break ("No, I live in Paris.") answers rather than negates, and does not count.
	Negation bool
	// Value is what the word says when it is a number, a number word, a weekday or a month, in a
	// canonical form, so that spellings of one value compare equal: "2" for "2", "two" and "2nd";
	// "1000" for "1,000"; "4.5" for "4.50"; "25" for each word of "twenty-five"; "monday" for
	// "Monday"; "may" for "May" (capitalised only: "may" is a verb, and so is "march"). It is "" for
	// other words. Numbers are read at the start of a word ("10am" is 10), never with a sign.
	Value string
	// Clause numbers the clause the word belongs to: it counts the clause breaks (, ; . ! ? … and
	// brackets, dashes and their ideographic forms) before the word.
	Clause int32
}

// Term returns the word's index term: its Stem, or "" for a stop word.
func (w Word) Term() string {
	if w.Stop {
		return ""
	}
	return w.Stem
}

// Words returns the words of text in order: its segments by UAX #29 that hold a letter or a digit
// (punctuation, spaces and emoji are no words), each described as Word says. Invalid UTF-8 is read as
// U+FFFD. It returns nil when text has no word. The slice may be shared with other callers (short
// texts' words are cached: the index and the reconciler read each fact several times): it must not
// be changed.
func Words(text string) []Word {
	if len(text) > wordsCacheLen {
		return readWords(text)
	}
	if ws, ok := wordsOf.Get(text); ok {
		return ws
	}
	ws := readWords(text)
	wordsOf.Put(text, ws)
	return ws
}

// readWords is Words without the cache.
func readWords(text string) []Word {
	text = strings.ToValidUTF8(text, "\uFFFD")
	scratch := wordScratch.Get().(*[]Word)
	ws := (*scratch)[:0]
	var clause int32
	it := words.FromString(text)
	for it.Next() {
		tok := it.Value()
		if !strings.ContainsFunc(tok, isWordRune) {
			if isClauseBreak(tok) {
				clause++
			}
			continue
		}
		ws = append(ws, newWord(tok, clause))
	}
	var out []Word
	if len(ws) > 0 {
		// A slice of its own size: the words of short texts are cached (see wordsCache).
		out = append(make([]Word, 0, len(ws)), ws...)
		interjectionNo(out)
		compoundNumbers(out)
	}
	if cap(ws) <= maxWordScratch {
		*scratch = ws[:0]
		wordScratch.Put(scratch)
	}
	return out
}

// wordScratch holds the slices readWords gathers a text's words in, before it copies them to one of
// their size; one longer than maxWordScratch words is left to the collector.
var wordScratch = sync.Pool{New: func() any { ws := make([]Word, 0, 64); return &ws }}

const maxWordScratch = 4096

// newWord describes tok, a word of clause clause.
func newWord(tok string, clause int32) Word {
	w, ok := lexemes.get(tok)
	if !ok {
		w = describe(tok)
		lexemes.put(tok, w)
	}
	w.Clause = clause
	return w
}

// describe describes tok as a word of clause 0: what newWord caches.
func describe(tok string) Word {
	lower := strings.Map(straightApostrophe, strings.ToLower(tok))
	first, _ := utf8.DecodeRuneInString(tok)
	w := Word{
		Lower:    lower,
		Stem:     stem(lower),
		Negation: isNegation(lower),
		Value:    value(lower, unicode.IsUpper(first) || unicode.IsTitle(first)),
	}
	w.Stop = w.Value == "" && stopWords[lower]
	return w
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// straightApostrophe maps typographic apostrophes to "'".
func straightApostrophe(r rune) rune {
	switch r {
	case '’', 'ʼ', '‘':
		return '\''
	}
	return r
}

// isClauseBreak reports whether tok, a segment without letters or digits, ends a clause.
func isClauseBreak(tok string) bool {
	return strings.ContainsAny(tok, ",;.!?…()[]{}—–。，、；！？（）")
}
