package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ideographicTerminators end sentences even with no space after them.
const ideographicTerminators = "。！？｡"

// isTerminator reports whether r ends sentences.
func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '。', '！', '？', '｡':
		return true
	}
	return false
}

// isCloser reports whether r closes a quotation or a parenthesis; it belongs to the sentence before.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '}', '」', '』', '】', '〉', '》', '）':
		return true
	}
	return false
}

// isOpener reports whether r opens a quotation or a parenthesis.
func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '„', '«', '‹', '(', '[', '{', '¿', '¡', '「', '『', '【', '〈', '《', '（':
		return true
	}
	return false
}

// isText reports whether w holds a letter or a digit, as opposed to only punctuation and symbols.
func isText(w string) bool {
	if w != "" && isASCIIAlnum(w[0]) {
		return true
	}
	return strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func isASCIIAlnum(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// trimClosers returns w without its closing quotes and brackets, and whether it had any.
func trimClosers(w string) (string, bool) {
	core := strings.TrimRightFunc(w, isCloser)
	return core, len(core) < len(w)
}

// cutTerminators splits w into what precedes its final run of terminators and that run.
func cutTerminators(w string) (stem, term string) {
	stem = strings.TrimRightFunc(w, isTerminator)
	return stem, w[len(stem):]
}

// ideographicCut returns where to cut w after its first ideographic terminator, past any further
// terminators and closers, or -1 if it has none.
func ideographicCut(w string) int {
	i := 0
	for i < len(w) {
		if w[i] < utf8.RuneSelf { // ASCII: the common case, and no ideographic terminator
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		i += size
		if strings.ContainsRune(ideographicTerminators, r) {
			for i < len(w) {
				r, size := utf8.DecodeRuneInString(w[i:])
				if !isTerminator(r) && !isCloser(r) {
					break
				}
				i += size
			}
			return i
		}
	}
	return -1
}

// firstLetter returns the first rune of w after its opening quotes and brackets.
func firstLetter(w string) rune {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(w, isOpener))
	return r
}

// startsUpper reports whether w starts with a capital letter, opening quotes and brackets aside.
func startsUpper(w string) bool {
	r := firstLetter(w)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// startsLower reports whether w starts with a lowercase letter, opening quotes and brackets aside.
func startsLower(w string) bool { return unicode.IsLower(firstLetter(w)) }

// isPronounI reports whether w is the pronoun I, alone or contracted ("I'm", "I'd").
func isPronounI(w string) bool {
	w = strings.TrimLeftFunc(w, isOpener)
	rest, ok := strings.CutPrefix(w, "I")
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// isInitial reports whether w is a single capital letter other than the pronoun I, as "J" in
// "J. R. R. Tolkien".
func isInitial(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return size == len(w) && r != 'I' && (unicode.IsUpper(r) || unicode.IsTitle(r))
}
