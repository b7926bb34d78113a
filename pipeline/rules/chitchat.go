package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsChitChat reports whether sentence is small talk with nothing in it to remember: a greeting ("Hi!",
// "Hey Mel!", "Good morning"), thanks ("Thank you so much."), a pleasantry ("How are you?", "Nice to
// meet you", "See you later"), a one-word reply ("ok", "Sure.", "lol") or an acknowledgement made
// only of such words ("Wow, that's cool!", "Sounds good.").
//
// The rule: the sentence is cut into words, runs of letters, digits and apostrophes, compared in
// lower case. It is chit-chat when it has at most one word, or when every word is in a lexicon of
// greeting, thanks, farewell, pleasantry, acknowledgement and filler words (with the few pronouns,
// articles and verbs that bind them: "I'm", "that's", "to", "you"). One kind of word outside the
// lexicon is allowed: a name addressed to someone, that is a capitalised word right after a greeting,
// thanks or acknowledgement word and at the end of a clause ("Hey Mel!", "Thanks a lot, John.",
// "Hi Mel, how are you?"). Any other word makes the sentence content: "Hey, I moved to Berlin last
// year.", "Thanks to my sister, I got the job.", "No, I live in Paris.", "Hello, I'm Anna." (a name
// after "I'm" is not addressed to anyone). A question is chit-chat by the same rule, so pleasantries
// ("How have you been?") are and real questions ("What time is the meeting?") are not. Negations
// ("not", "don't", "never") are never in the lexicon: they carry meaning. A single word is chit-chat
// whatever it is ("Sure.", but also "Vegetarian."): an answer cut from its question says nothing
// reliable on its own.
func IsChitChat(sentence string) bool {
	// Words are read one at a time and the answer given as soon as it is known: most sentences are
	// content, and say so by their first or second word.
	var buf [64]byte
	var prev lexClass // of the previous word; 0 when it was not in the lexicon
	words, content := 0, false
	for i := 0; ; {
		w, next, ok := nextChatWord(sentence, i, buf[:0])
		if !ok {
			return true // at most one word, or only lexicon words and addressed names
		}
		i = next
		words++
		if content {
			return false // a word outside the lexicon, and more than one word
		}
		class, known := lexicon[string(w.lower)]
		if !known && !(words > 1 && w.capitalised && w.clauseEnd && prev == addresses) { // not a name addressed to someone
			if words > 1 {
				return false
			}
			content = true
		}
		prev = class
	}
}

// chatWord is one word of a sentence, as IsChitChat sees it.
type chatWord struct {
	// lower is the word in lower case, with typographic apostrophes made straight.
	lower []byte
	// capitalised reports whether the word starts with a capital letter.
	capitalised bool
	// clauseEnd reports whether punctuation or the end of the sentence follows the word.
	clauseEnd bool
}

// nextChatWord finds the first word of s at or after byte i: a maximal run of letters, marks, digits
// and apostrophes, without the apostrophes at either end (which are quotation marks). Its lower-case
// form is appended to buf. It returns the index after the word, or ok false when no word is left.
func nextChatWord(s string, i int, buf []byte) (w chatWord, next int, ok bool) {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isChatRune(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isChatRune(r) {
				break
			}
			j += size
		}
		if word := strings.TrimFunc(s[i:j], isApostrophe); word != "" {
			first, _ := utf8.DecodeRuneInString(word)
			for _, r := range word {
				buf = utf8.AppendRune(buf, unicode.ToLower(straightApostrophe(r)))
			}
			return chatWord{
				lower:       buf,
				capitalised: unicode.IsUpper(first) || unicode.IsTitle(first),
				clauseEnd:   clauseEnds(s[j:]),
			}, j, true
		}
		i = j
	}
	return chatWord{}, i, false
}

func isChatRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || isApostrophe(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func straightApostrophe(r rune) rune {
	if isApostrophe(r) {
		return '\''
	}
	return r
}

// clauseEnds reports whether rest, the text after a word, starts (past spaces) with punctuation or is
// empty, rather than going on with another word.
func clauseEnds(rest string) bool {
	for _, r := range rest {
		switch {
		case unicode.IsSpace(r):
			continue
		case unicode.IsPunct(r):
			return true
		}
		return !isChatRune(r)
	}
	return true
}
