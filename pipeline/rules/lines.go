package rules

import (
	"strings"
	"unicode/utf8"
)

// cutLine returns the first line of text, the text after its line break, and whether the break ends
// a paragraph. Line breaks are "\n", "\r\n", "\r" and U+2028; U+2029 (paragraph separator) counts as
// a blank line.
func cutLine(text string) (line, rest string, paragraph bool) {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			return text[:i], text[i+1:], false
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				return text[:i], text[i+2:], false
			}
			return text[:i], text[i+1:], false
		case 0xE2: // the first byte of U+2028 and U+2029
			if strings.HasPrefix(text[i:], "\u2028") {
				return text[:i], text[i+len("\u2028"):], false
			}
			if strings.HasPrefix(text[i:], "\u2029") {
				return text[:i], text[i+len("\u2029"):], true
			}
		}
	}
	return text, "", false
}

// bullets are the list markers that stand as a word of their own at the start of a line.
var bullets = map[string]bool{
	"-": true, "*": true, "+": true, "•": true, "◦": true, "‣": true, "⁃": true, "∙": true, "·": true,
	"▪": true, "▫": true, "●": true, "○": true, "■": true, "□": true, "➢": true, "➤": true, "→": true,
}

// listItem reports whether the words of a line start with a list marker, and returns them without it
// (and without a Markdown check box after it). A typographic bullet may also be glued to the first
// word ("•Milk"); "-", "*" and "+" may not, as they also start numbers and emphasis.
func listItem(words []string) ([]string, bool) {
	first := words[0]
	switch {
	case bullets[first] || isNumberMarker(first):
		words = words[1:]
	default:
		r, size := utf8.DecodeRuneInString(first)
		if r == '-' || r == '*' || r == '+' || !bullets[first[:size]] {
			return words, false
		}
		words[0] = first[size:]
	}
	if len(words) > 0 && (words[0] == "[x]" || words[0] == "[X]") {
		words = words[1:]
	} else if len(words) > 1 && words[0] == "[" && words[1] == "]" {
		words = words[2:]
	}
	return words, true
}

// isNumberMarker reports whether w numbers a list item: one to three digits and '.' or ')'. Four
// digits make a year ("1990. That year...") rather than an item.
func isNumberMarker(w string) bool {
	n := len(w) - 1
	if n < 1 || n > 3 || (w[n] != '.' && w[n] != ')') {
		return false
	}
	for i := range n {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// continuations are the words after which a line is merely wrapped: a clause cannot end on them.
var continuations = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "nor": true, "of": true,
	"to": true, "with": true, "for": true, "in": true, "on": true, "at": true, "by": true, "from": true,
}

// lineOpen reports whether a line whose last word is last ends without a terminator or a sign that
// the sentence goes on on the next line (a comma, a semicolon, a dash, a slash, a plus sign, an
// ampersand or a word in continuations).
func lineOpen(last string) bool {
	core, _ := trimClosers(last)
	r, _ := utf8.DecodeLastRuneInString(core)
	switch {
	case core == "":
		return true
	case isTerminator(r), strings.ContainsRune(",;-–—&/+", r):
		return false
	}
	return !continuations[core]
}
