package rules

// lexClass is the part a lexicon word plays in chit-chat.
type lexClass uint8

const (
	// binds: a pronoun, article, preposition or verb that binds chit-chat together ("that's", "to",
	// "I'm"). A capitalised word after it is not addressed to anyone: "I'm Anna", "to Berlin".
	binds lexClass = iota + 1
	// addresses: a greeting, thanks, acknowledgement or filler word, after which a capitalised word
	// is a name addressed to someone: "Hey Mel", "Thank you, Mel", "Great, Caroline!".
	addresses
)

// lexicon holds the words of chit-chat, in lower case with straight apostrophes. A word belongs here
// only if a sentence made of nothing but words of this list has nothing in it worth remembering:
// nouns and verbs with content ("job", "moved", "live") and negations ("not", "don't") stay out.
var lexicon = invert(map[lexClass][]string{
	binds: {
		// pronouns and determiners
		"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "my", "myself", "we", "we're", "we'll",
		"us", "it", "it's", "its", "that", "that's", "thats", "this", "this's", "these", "those",
		"here", "your", "ur", "yours", "a", "an", "the", "some", "such", "what's", "whats", "how",
		"how's", "hows", "how've",
		// be, have, do and the modal verbs
		"am", "is", "are", "was", "were", "be", "being", "have", "has", "had", "having", "do", "does",
		"did", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "let",
		"let's", "lets",
		// prepositions, conjunctions and adverbs
		"to", "of", "for", "with", "about", "as", "at", "from", "in", "on", "and", "or", "but", "if",
		"by", "so", "very", "really", "too", "also", "just", "pretty", "quite", "still", "even",
		"then", "now", "ever", "many", "more", "most", "bit", "little",
	},
	addresses: {
		// greetings and farewells
		"hi", "hii", "hiii", "hello", "helloo", "hey", "heyy", "heyyy", "heya", "hiya", "howdy", "yo",
		"sup", "greetings", "welcome", "morning", "afternoon", "evening", "night", "goodnight", "gn",
		"gm", "day", "bye", "byee", "goodbye", "cya", "later", "laters", "soon", "farewell", "cheers",
		"ttyl", "again", "there", "all", "everyone", "everybody", "guys", "folks", "y'all", "yall",
		"dear",
		// thanks, apologies and congratulations
		"thanks", "thank", "thankyou", "thx", "thanx", "tx", "ty", "tysm", "tyvm", "appreciate",
		"appreciated", "grateful", "much", "lot", "lots", "ton", "tons", "million", "problem",
		"worries", "np", "mention", "pleasure", "anytime", "asking", "sharing", "letting", "know",
		"checking", "sorry", "apologies", "congrats", "congratulations", "luck", "bless", "care",
		// pleasantries
		"help", "anything", "else", "today", "been", "doing", "going", "up", "you", "you're", "youre",
		"u", "ya", "yourself", "see", "seeing", "meet", "hear", "hearing", "talk", "talking", "chat",
		"chatting", "speak", "catch", "nice", "good", "great", "glad", "happy", "pleased", "lovely",
		"long", "time", "while", "hope", "hoping", "well", "fine", "things", "feel", "feeling",
		"enjoy", "fun", "same", "hang", "take",
		// acknowledgements and replies
		"ok", "okay", "okey", "okie", "k", "kk", "sure", "surely", "yes", "yess", "yeah", "yea", "yep",
		"yup", "aye", "no", "nope", "nah", "right", "true", "indeed", "exactly", "totally",
		"absolutely", "definitely", "certainly", "course", "agreed", "agree", "understood",
		"understand", "noted", "gotcha", "got", "makes", "make", "sense", "sounds", "sound", "seems",
		"looks", "like", "love", "loved", "plan", "deal", "fair", "enough", "point", "way", "alright",
		"aight", "neither", "either",
		// appreciations
		"cool", "awesome", "amazing", "fantastic", "wonderful", "excellent", "perfect", "neat",
		"sweet", "interesting", "brilliant", "beautiful", "incredible", "impressive", "terrific",
		"superb", "splendid", "fabulous", "cute", "exciting", "funny", "hilarious", "lucky", "best",
		"super", "wow", "whoa", "woah", "omg", "gosh", "lol", "lool", "lmao", "lmfao", "rofl", "haha",
		"hahaha", "hahahaha", "hah", "heh", "hehe", "xd",
		// interjections and fillers
		"oh", "ohh", "ah", "ahh", "aw", "aww", "awww", "ooh", "oops", "whoops", "hmm", "hm", "hmmm",
		"um", "umm", "uh", "uhh", "er", "mhm", "mm", "yay", "woo", "woohoo", "hooray", "yikes", "huh",
	},
})
