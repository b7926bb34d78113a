package analysis

// stopWords are the English words that carry no subject of their own and so make no index term: the
// Snowball project's English stop word list (pronouns, determiners, forms of be, have and do,
// prepositions, conjunctions, and their contractions), with the modal verbs and a few conversational
// fillers ("really", "actually", "just", "yeah") added. They are in lower case with straight
// apostrophes, as Word.Lower spells them.
//
// Negations ("not", "no", "never", "don't") are stop words too: a term "not" would match every
// negated memory. Reconciliation reads them from Word.Negation instead. A word with a Value ("May" the
// month, "one" the number) is never a stop word.
var stopWords = setOf(
	// pronouns
	"i", "me", "my", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours",
	"yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it",
	"its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom",
	"this", "that", "these", "those",
	// be, have, do and the modal verbs
	"am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
	"does", "did", "doing", "would", "should", "could", "ought", "will", "shall", "can", "may",
	"might", "must",
	// contractions
	"i'm", "you're", "he's", "she's", "it's", "we're", "they're", "i've", "you've", "we've",
	"they've", "i'd", "you'd", "he'd", "she'd", "we'd", "they'd", "i'll", "you'll", "he'll",
	"she'll", "we'll", "they'll", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't",
	"hadn't", "doesn't", "don't", "didn't", "won't", "wouldn't", "shan't", "shouldn't", "can't",
	"cannot", "couldn't", "mustn't", "let's", "that's", "who's", "what's", "here's", "there's",
	"when's", "where's", "why's", "how's", "im", "ive", "dont", "doesnt", "didnt", "isnt",
	"arent", "wasnt", "werent", "cant", "wont",
	// articles, prepositions and conjunctions
	"a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
	"for", "with", "about", "against", "between", "into", "through", "during", "before", "after",
	"above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
	// adverbs and determiners
	"again", "further", "then", "once", "here", "there", "when", "where", "why", "how", "all", "any",
	"both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own",
	"same", "so", "than", "too", "very", "never",
	// conversational fillers
	"just", "really", "actually", "also", "even", "still", "yeah", "oh", "ok", "okay",
)
