package analysis

import "strings"

// negations are the words that negate what they belong to, in lower case with straight apostrophes:
// "not", "never" and their like, and the contractions of a verb with "not", with or without their
// apostrophe ("don't", "dont").
var negations = setOf(
	"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "nowhere", "cannot",
	"dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt",
	"wouldnt", "couldnt", "shouldnt", "cant", "wont", "aint",
)

// isNegation reports whether lower, a word in lower case with straight apostrophes, negates: it is
// one of negations or ends in "n't" ("don't", "won't", "shouldn't").
func isNegation(lower string) bool {
	return negations[lower] || strings.HasSuffix(lower, "n't")
}

// interjectionNo clears the Negation of "no" where it answers rather than negates: when a clause
// break or the end of the text follows it ("No, I live in Paris.", "No."). It is a determiner that
// negates otherwise ("I have no car").
func interjectionNo(ws []Word) {
	for i := range ws {
		if ws[i].Lower == "no" && (i == len(ws)-1 || ws[i+1].Clause != ws[i].Clause) {
			ws[i].Negation = false
		}
	}
}
