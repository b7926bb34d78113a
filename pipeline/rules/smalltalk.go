package rules

import (
	"strings"
	"unicode"
)

// IsChitChat reports whether a sentence is small talk with nothing to remember: a greeting ("Hey
// Mel!"), thanks ("Thank you so much."), a pleasantry ("How have you been?"), a one-word reply ("ok",
// "Sure.") or an acknowledgement made only of such words ("Wow, that's cool!", "Sounds good.").
//
// The rule: split the sentence into words (letters, digits and apostrophes). It is chit-chat when it
// has at most one word, or when every word is in a lexicon of greeting, thanks, filler and
// acknowledgement words, except for names addressed to someone: capitalised words right after a
// greeting ("Hey Mel") or at the end after a comma ("That's great, Caroline!"). Any other word
// ("I'm vegetarian", "Thanks to my sister, I got the job") makes it content.
func IsChitChat(sentence string) bool {
	words := tokenize(sentence)
	if len(words) <= 1 {
		return true
	}
	for i, w := range words {
		switch {
		case smallTalk[w.lower]:
		case w.capitalised && i > 0 && greetings[words[i-1].lower]:
		case w.capitalised && w.afterComma && trailingNames(words[i:]):
		default:
			return false
		}
	}
	return true
}

// trailingNames reports whether words are one or two capitalised words ending the sentence.
func trailingNames(words []word) bool {
	if len(words) > 2 {
		return false
	}
	for _, w := range words {
		if !w.capitalised {
			return false
		}
	}
	return true
}

type word struct {
	lower       string
	capitalised bool
	afterComma  bool // a comma stands between this word and the one before
}

func tokenize(s string) []word {
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(s)
	var words []word
	comma := false
	for len(s) > 0 {
		i := strings.IndexFunc(s, isWordRune)
		if i < 0 {
			break
		}
		comma = comma || strings.ContainsRune(s[:i], ',')
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !isWordRune(r) && r != '\'' })
		if j < 0 {
			j = len(s)
		}
		w := strings.TrimRight(s[:j], "'")
		first := []rune(w)[0]
		words = append(words, word{lower: strings.ToLower(w), capitalised: unicode.IsUpper(first), afterComma: comma})
		comma = false
		s = s[j:]
	}
	return words
}

// greetings are the words after which a capitalised word is a name being addressed.
var greetings = set("hi", "hello", "hey", "heya", "hiya", "howdy", "yo", "morning", "evening", "afternoon",
	"night", "thanks", "thank", "thx", "bye", "goodbye", "welcome", "congrats", "congratulations", "dear", "cheers")

// smallTalk is the lexicon of words that carry no fact on their own.
var smallTalk = set(
	// greetings and farewells
	"hi", "hello", "hey", "heya", "hiya", "howdy", "yo", "greetings", "good", "morning", "evening",
	"afternoon", "night", "day", "bye", "goodbye", "cya", "see", "later", "soon", "take", "care", "talk",
	"catch", "meet", "meeting", "nice", "pleasure", "again", "everyone", "everybody", "all", "folks",
	"guys", "there", "dear",
	// thanks
	"thanks", "thank", "thx", "ty", "cheers", "appreciate", "appreciated", "grateful", "much", "lot",
	"welcome", "problem", "np", "worries", "mention", "anytime",
	// pleasantries and questions about the other's wellbeing
	"how", "are", "you", "you're", "youre", "u", "doing", "been", "have", "has", "it", "it's", "its",
	"going", "what's", "whats", "up", "new", "anything", "with", "to", "hear", "from", "glad", "happy",
	"hope", "well", "fine", "too", "same", "here", "me", "as", "always", "your", "yours", "so", "such",
	"a", "an", "the", "and", "very", "really", "just", "for", "of", "in", "on", "at", "is", "was", "be",
	"i", "i'm", "im", "am", "we", "we're", "that", "that's", "thats", "this", "this's", "what", "do",
	"did", "let", "let's", "know", "long", "time", "while", "since", "last", "been", "not", "bad", "too",
	"pretty", "quite", "congrats", "congratulations", "sorry", "can", "could", "may", "help", "assist",
	"else", "today", "tonight",
	// acknowledgements and reactions
	"ok", "okay", "k", "kk", "sure", "yes", "yeah", "yep", "yup", "yea", "no", "nope", "nah", "right",
	"alright", "cool", "great", "awesome", "amazing", "wonderful", "fantastic", "perfect", "excellent",
	"lovely", "love", "wow", "oh", "ah", "aw", "aww", "hmm", "hm", "huh", "uh", "um", "haha", "hahaha",
	"hehe", "lol", "lmao", "omg", "gosh", "indeed", "exactly", "definitely", "absolutely", "totally",
	"course", "sounds", "sound", "got", "gotcha", "makes", "sense", "agreed", "agree", "true", "fair",
	"enough", "interesting", "neat", "sweet", "brilliant", "fun", "cute", "beautiful", "incredible",
	"impressive", "inspiring", "can't", "cant", "wait", "hear", "wish", "luck", "best", "sounds",
)
