package rules

import "strings"

// maxAnswerWords is the most words a sentence may have to be read as a short answer (see
// foldAnswer).
const maxAnswerWords = 6

// yesNo are the words a short answer that is otherwise chit-chat must start with to be kept with
// its question: "Yes!" answering "Did you go?" says something; "Thanks!" does not.
var yesNo = map[string]bool{
	"yes": true, "yeah": true, "yep": true, "yup": true, "no": true, "nope": true, "nah": true,
	"sure": true, "definitely": true, "absolutely": true, "totally": true, "course": true,
}

// isQuestion reports whether sentence asks rather than tells: it ends in "?" (closing quotes and
// brackets aside).
func isQuestion(sentence string) bool {
	return strings.HasSuffix(strings.TrimRight(sentence, " \"'”’)]"), "?")
}

// foldAnswer returns sentence, the first of a message, folded with question, the last sentence of
// the previous message (said by asker, another speaker), when it is a short answer to it: "Maybe 15
// people. (answering Caroline: How many people came?)". It returns "" when sentence is no short
// answer: question is chit-chat ("How are you?"), sentence has more than six words, or sentence is
// chit-chat without starting with a yes or a no ("Thanks!", but "Yes, twice." folds).
func foldAnswer(sentence, asker, question string) string {
	if IsChitChat(question) {
		return ""
	}
	var buf [64]byte
	n := 0
	first := ""
	for i := 0; ; n++ {
		w, next, ok := nextChatWord(sentence, i, buf[:0])
		if !ok {
			break
		}
		if n == 0 {
			first = string(w.lower)
		}
		if n >= maxAnswerWords {
			return ""
		}
		i = next
	}
	if n == 0 || (IsChitChat(sentence) && !yesNo[first]) {
		return ""
	}
	return sentence + " (answering " + asker + ": " + question + ")"
}
