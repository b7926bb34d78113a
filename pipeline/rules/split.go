package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits text into sentences, trimmed and with runs of whitespace collapsed to one space.
// It runs in linear time and accepts any input (invalid UTF-8 becomes U+FFFD).
//
// A sentence ends at '.', '!', '?' or an ellipsis, together with any closing quotes or brackets after
// it, when whitespace or the end of the text follows. It does not end:
//
//   - inside a number, a URL, an e-mail address or a file name (no whitespace after the period);
//   - after a title or a Latin abbreviation that never ends a sentence (Mr., Dr., Prof., St., e.g.,
//     i.e., vs., cf.), nor after an initial (the "J." of "J. R. R. Tolkien");
//   - after an abbreviation that may end one (etc., Inc., a.m., U.S., Jan.) unless a capitalised word
//     follows;
//   - after an ellipsis unless a capitalised word or a digit follows ("Well... I think so." is two
//     sentences, "I waited... and waited." one);
//   - before a lowercase word.
//
// Line breaks matter too: a blank line always ends a sentence; a line starting with a list marker (-,
// *, •, "1." or "1)") starts one, its marker dropped; and a line with no final punctuation followed
// by a line starting with a capital letter is a sentence of its own (a heading, a list without
// markers). Other line breaks are spaces. A piece with no letter or digit is not a sentence.
func Sentences(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	var out []string
	for _, seg := range segments(text) {
		out = splitSegment(seg, out)
	}
	return out
}

// segments cuts text at the line breaks that end sentences and joins the other lines with spaces.
func segments(text string) []string {
	var segs, cur []string
	flush := func() {
		if len(cur) > 0 {
			segs = append(segs, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(strings.TrimRight(line, "\r\n"))
		switch item, isItem := listItem(line); {
		case line == "":
			flush()
		case isItem:
			flush()
			cur = append(cur, item)
		case len(cur) > 0 && !endsSentence(cur[len(cur)-1]) && startsUpper(line):
			flush()
			cur = append(cur, line)
		default:
			cur = append(cur, line)
		}
	}
	flush()
	return segs
}

// listItem reports whether line starts with a list marker, and returns it without the marker.
func listItem(line string) (string, bool) {
	for _, m := range []string{"- ", "* ", "+ ", "• ", "· ", "– ", "— "} {
		if rest, ok := strings.CutPrefix(line, m); ok {
			return strings.TrimSpace(rest), true
		}
	}
	digits := 0
	for digits < len(line) && digits < 3 && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits+1 < len(line) && (line[digits] == '.' || line[digits] == ')') && line[digits+1] == ' ' {
		return strings.TrimSpace(line[digits+2:]), true
	}
	return line, false
}

func endsSentence(line string) bool {
	line = strings.TrimRightFunc(line, isCloser)
	r, _ := utf8.DecodeLastRuneInString(line)
	return isTerminator(r) || r == ':' || r == ';' || r == ','
}

func startsUpper(s string) bool {
	s = strings.TrimLeftFunc(s, isOpener)
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']', '}':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '«', '(', '[', '{':
		return true
	}
	return false
}

// splitSegment appends the sentences of one segment to out.
func splitSegment(s string, out []string) []string {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isTerminator(r) {
			i += size
			continue
		}
		end := i // end of the run of terminators
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if !isTerminator(r) {
				break
			}
			end += size
		}
		closed := end // end of the closing quotes and brackets after it
		for closed < len(s) {
			r, size := utf8.DecodeRuneInString(s[closed:])
			if !isCloser(r) {
				break
			}
			closed += size
		}
		next := strings.TrimLeftFunc(s[closed:], unicode.IsSpace)
		spaced := len(next) < len(s[closed:]) || closed == len(s)
		if spaced && isBoundary(s[start:i], s[i:end], next) {
			out = appendSentence(out, s[start:closed])
			start = len(s) - len(next)
		}
		i = closed
	}
	return appendSentence(out, s[start:])
}

func appendSentence(out []string, s string) []string {
	if strings.IndexFunc(s, isWordRune) < 0 {
		return out
	}
	return append(out, strings.Join(strings.Fields(s), " "))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isBoundary decides whether the terminators term, after the text before and followed (past
// whitespace) by next, end a sentence.
func isBoundary(before, term, next string) bool {
	if next == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(next, isOpener))
	if unicode.IsLower(first) {
		return false
	}
	capitalised := unicode.IsUpper(first)
	if strings.ContainsAny(term, "!?！？。") {
		return true
	}
	if term != "." { // an ellipsis
		return capitalised || unicode.IsDigit(first)
	}
	word := lastWord(before)
	lower := strings.ToLower(word)
	switch {
	case word == "":
		return true
	case neverEnds[lower]:
		return false
	case isInitial(word):
		return false
	case mayEnd[lower] || strings.Contains(word, "."):
		return capitalised
	}
	return true
}

// lastWord returns the word before a period, without opening quotes or brackets.
func lastWord(before string) string {
	before = strings.TrimRightFunc(before, unicode.IsSpace)
	if i := strings.LastIndexFunc(before, unicode.IsSpace); i >= 0 {
		before = before[i+1:]
	}
	return strings.TrimLeftFunc(before, isOpener)
}

// isInitial reports whether word is a single capital letter, as in "J. R. R. Tolkien".
func isInitial(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	return size == len(word) && unicode.IsUpper(r)
}

// neverEnds holds abbreviations that a name or a clause always follows; compared in lower case,
// without the final period.
var neverEnds = set("mr", "mrs", "ms", "mx", "dr", "prof", "st", "mt", "ft", "rev", "hon", "gen", "col", "lt",
	"sgt", "capt", "cmdr", "gov", "sen", "rep", "pres", "supt", "messrs", "vs", "v", "cf", "e.g", "i.e", "viz")

// mayEnd holds abbreviations that may end a sentence: they do when a capitalised word follows, and
// not before a number ("No. 5", "Jan. 12", "approx. 3 km").
var mayEnd = set("etc", "inc", "ltd", "co", "corp", "llc", "plc", "jr", "sr", "esq", "phd", "a.m", "p.m",
	"am", "pm", "u.s", "u.k", "e.u", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
	"oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "min", "max",
	"hr", "hrs", "mins", "sec", "secs", "oz", "lb", "lbs", "km", "kg", "cm", "mm", "al", "no", "nos", "vol",
	"pp", "ch", "art", "fig", "figs", "eq", "approx", "dept", "est", "ca")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
