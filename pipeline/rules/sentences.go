package rules

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Sentences splits text into sentences, in order, each trimmed and with every run of whitespace
// collapsed to one space. A piece with no letter or digit (only punctuation, symbols or emoji, like
// "?!" or "😊" alone) is no sentence and is dropped. Sentences accepts any input, replaces invalid
// UTF-8 with U+FFFD and runs in time linear in the text's length.
//
// A sentence can end only where whitespace (or the end of the text) follows a terminator ('.', '!',
// '?', '…') and the closing quotes or brackets after it, so a number ("3.14", "$4.50", "Go 1.26"), a
// URL, an e-mail address or a file name ("notes.md") never splits, and a closing quote or bracket
// stays with its sentence ('She said "I love it."'). The ideographic terminators ('。', '！', '？')
// need no whitespace after them, as Chinese and Japanese use none. Punctuation or emoji standing
// alone after a terminator stays with the sentence it follows ("That's great! 😊"). Whether a
// terminator ends the sentence depends on what it ends and on the next word:
//
//   - '!' and '?' (also "?!", "!!!") end it, unless they are inside closing quotes or brackets and a
//     lowercase word follows ('She asked "why?" and left.' is one sentence). The ideographic
//     terminators always end it.
//   - An ellipsis ("..." or "…") is a pause more often than an end: it ends the sentence only before
//     a capitalised word other than the pronoun I. "I waited... Then I left." is two sentences;
//     "Well... I think so." and "I waited... and waited." are one.
//   - A period never ends it before a lowercase word ("e.g. this one", "i went home. then i slept").
//     Otherwise it ends it, except after a title or a Latin abbreviation that always leads into more
//     words (Mr., Dr., Prof., St., Gen., e.g., i.e., vs., cf.), after a single
//     capital initial followed by a capitalised word ("J. R. R. Tolkien"), and after an abbreviation
//     that may end a sentence (etc., Inc., Jr., a.m., p.m., No., Jan., U.S. and other dotted
//     initials) unless a capitalised word follows ("No. 5" is one sentence, "I woke at 7 a.m. Then I
//     ran." two). Abbreviations are matched without regard to case, except that titles must be
//     capitalised ("Dr." is a title, "dr." a word).
//
// Line breaks end sentences too:
//
//   - a blank line always does;
//   - a line that starts with a list marker ("-", "*", "+", "•" and other bullets, "1." or "1)" with
//     up to three digits, optionally followed by a Markdown check box "[ ]" or "[x]") starts a new
//     sentence, and the marker is dropped;
//   - a line whose last word has no terminator, followed by a line that starts with a capital letter,
//     is a sentence of its own (a heading, a list without markers), unless it ends with a comma, a
//     semicolon, a dash, a slash, an ampersand or a word that cannot end a clause ("and", "the",
//     "of"...), in which case the text was merely wrapped;
//   - any other line break is a space.
//
// Known limits of these rules: "Main St. It is quiet." stays one sentence (St. reads as Saint), and a
// sentence that ends with a lone capital letter ("I got an A. Then") is joined to the next.
func Sentences(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	var s splitter
	for text != "" {
		line, rest, paragraph := cutLine(text)
		s.addLine(line)
		if paragraph {
			s.flush()
		}
		text = rest
	}
	s.flush()
	return s.out
}

// splitter gathers the words of a segment, the run of lines that no line break splits, and cuts each
// finished segment into sentences.
type splitter struct {
	out []string
	// seg holds the words of the current segment.
	seg []string
	// open reports whether the segment's last line ended without a terminator or a sign that the
	// sentence goes on, so that a capitalised next line starts a sentence of its own.
	open bool
}

// addLine adds one line of the text, with no line break in it.
func (s *splitter) addLine(line string) {
	words := strings.Fields(line)
	if len(words) == 0 {
		s.flush() // a blank line
		return
	}
	if item, ok := listItem(words); ok {
		s.flush()
		words = item
		if len(words) == 0 {
			return
		}
	} else if len(s.seg) > 0 && s.open && startsUpper(words[0]) {
		s.flush()
	}
	s.seg = slices.Grow(s.seg, len(words))
	for _, w := range words {
		s.seg = appendWord(s.seg, w)
	}
	s.open = lineOpen(words[len(words)-1])
}

// appendWord appends w to words, cut after every ideographic terminator inside it: Chinese and
// Japanese end sentences without a space.
func appendWord(words []string, w string) []string {
	for {
		i := ideographicCut(w)
		if i <= 0 || i >= len(w) {
			return append(words, w)
		}
		words = append(words, w[:i])
		w = w[i:]
	}
}

// flush cuts the current segment into sentences and starts a new one.
func (s *splitter) flush() {
	words := s.seg
	start := 0       // first word of the current sentence
	hasText := false // whether the current sentence has a word with a letter or digit yet
	next := 0        // the first word after i with a letter or digit, or len(words)
	for i := 0; i < len(words); i++ {
		hasText = hasText || isText(words[i])
		if next <= i {
			next = i + 1
			for next < len(words) && !isText(words[next]) {
				next++
			}
		}
		if next == len(words) {
			break // only punctuation and symbols remain: they end the current sentence
		}
		if hasText && endsSentence(words[i], words[next]) {
			s.out = append(s.out, strings.Join(words[start:next], " "))
			start, hasText = next, false
			i = next - 1
		}
	}
	if start < len(words) && hasText {
		s.out = append(s.out, strings.Join(words[start:], " "))
	}
	clear(words)
	s.seg = words[:0]
}

// endsSentence reports whether a sentence ends after word, the next word with a letter or digit
// being next.
func endsSentence(word, next string) bool {
	if word == "" || isASCIIAlnum(word[len(word)-1]) {
		return false // the common case: no terminator, no closer
	}
	core, quoted := trimClosers(word)
	stem, term := cutTerminators(core)
	switch {
	case term == "":
		return false
	case strings.ContainsAny(term, ideographicTerminators):
		return true
	case strings.ContainsAny(term, "!?‼⁇⁈⁉"):
		return !(quoted && startsLower(next))
	case term != ".": // an ellipsis
		return startsUpper(next) && !isPronounI(next)
	case startsLower(next):
		return false
	case quoted || stem == "":
		return true
	}
	return periodEnds(strings.TrimLeftFunc(stem, isOpener), next)
}

// periodEnds reports whether a period after word ends the sentence, next (which is not lowercase)
// following.
func periodEnds(word, next string) bool {
	switch abbreviation(word) {
	case abbrLeading:
		return false
	case abbrTrailing:
		return startsUpper(next)
	}
	if isInitial(word) {
		return !startsUpper(next)
	}
	return true
}
