package analysis

import (
	"strings"
	"unicode"
)

// Bounds of a speaker prefix.
const (
	// maxSpeakerWords is the most words a speaker's name has: "Mary Ann Smith".
	maxSpeakerWords = 3
	// maxSpeakerBytes bounds a speaker's name, so that a long label before a colon is no name.
	maxSpeakerBytes = 64
)

// SplitSpeaker splits a conversation fact into its speaker and what was said: "Caroline: I went to a
// support group." is "Caroline" and "I went to a support group.". Content without such a prefix is ""
// and the content itself.
//
// A prefix is a name of 1 to 3 words at the start of the content (leading spaces aside), followed by
// a colon and a space. Each word is made of letters, marks, digits, apostrophes, hyphens, dots,
// underscores and at signs (so that user IDs such as "u_42" or "bob@example.com" count), and the
// name holds at least one letter. No prefix is read when
//
//   - the first colon of the content is not followed by a space: times ("10:30") and URLs
//     ("http://...") are no names;
//   - the first or the last word of the name is a label or a function word (see labelWords):
//     "Note: ...", "Q: ...", "Fun fact: ...", "My goal: ...".
//
// The body is what follows the colon, its leading spaces trimmed. A label the list misses ("Shopping
// list: milk") is read as a speaker.
func SplitSpeaker(content string) (speaker, body string) {
	start := len(content) - len(strings.TrimLeftFunc(content, unicode.IsSpace))
	colon := strings.IndexByte(content[start:], ':')
	if colon <= 0 || colon > maxSpeakerBytes {
		return "", content
	}
	colon += start
	rest := content[colon+1:]
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return "", content
	}
	name := content[start:colon]
	if !isSpeakerName(name) {
		return "", content
	}
	return name, strings.TrimLeftFunc(rest, unicode.IsSpace)
}

// isSpeakerName reports whether name, the text before a colon, names a speaker.
func isSpeakerName(name string) bool {
	words := strings.Split(name, " ")
	if len(words) > maxSpeakerWords || !strings.ContainsFunc(name, unicode.IsLetter) {
		return false
	}
	for _, w := range words {
		if w == "" || strings.IndexFunc(w, notNameRune) >= 0 {
			return false
		}
	}
	first, last := strings.ToLower(words[0]), strings.ToLower(words[len(words)-1])
	return !labelWords[first] && !labelWords[last]
}

// notNameRune reports whether r has no place in a speaker's name.
func notNameRune(r rune) bool {
	switch r {
	case '\'', '’', '-', '.', '_', '@':
		return false
	}
	return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r)
}

// labelWords are the words that, first or last before a colon, make it a label rather than a name:
// the headings of notes and lists, and the function words that start a phrase but never a name. They
// are in lower case.
var labelWords = setOf(
	// labels
	"note", "notes", "nb", "n.b", "n.b.", "ps", "p.s", "p.s.", "pps", "q", "a", "question", "answer",
	"tip", "tips", "hint", "warning", "caution", "important", "update", "edit", "fyi", "todo", "to-do",
	"reminder", "remember", "summary", "example", "e.g", "e.g.", "i.e", "i.e.", "re", "subject",
	"title", "date", "time", "location", "status", "result", "results", "step", "goal", "goals",
	"reason", "source", "context", "fact", "facts", "info", "attention", "disclaimer", "correction",
	"spoiler", "bonus", "conclusion", "tl", "tldr", "ok", "yes", "no", "well", "so", "also",
	// function words
	"the", "an", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those",
	"i", "we", "you", "he", "she", "they", "it", "there", "here", "and", "but", "or", "if", "when",
	"why", "how", "what", "who", "where", "which", "of", "in", "on", "at", "for", "to", "with",
)

// setOf returns the set of words.
func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
