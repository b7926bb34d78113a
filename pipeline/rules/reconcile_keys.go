package rules

import (
	"github.com/mnemohq/mnemo/internal/analysis"
	"github.com/mnemohq/mnemo/pipeline"
)

var _ pipeline.Keyer = Reconciler{}

// Keys returns the index keys of content beside its words: one per predicate family it makes a
// claim in, with its subject ("residence/i", "favourite colour/my sister"). A fact and a memory
// with a key in common are related though they share no word, as "I moved to Berlin." and "I live
// in Paris." are, and rule 9 can compare them. The speaker is left out of a key: "I" of one speaker
// and of another are one subject here, and rule 1 tells them apart.
func (Reconciler) Keys(content string) []string {
	speaker, body := analysis.SplitSpeaker(content)
	ws := analysis.Words(body)
	subj := subject(ws, foldName(speaker))
	var keys []string
	for _, c := range claims(ws) {
		keys = appendNew(keys, c.key+"/"+subj)
	}
	return keys
}
