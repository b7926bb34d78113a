package analysis

import "slices"

// Terms returns the index terms of a memory's content: the Term of each of its Words, the speaker
// prefix left out (see SplitSpeaker), that is its words by UAX #29, in lower case, without English
// stop words, stemmed by Porter2 ("I went running in Boston" is "went", "run", "boston"); numbers
// are kept as written ("4.5", "1,000", "2023"). Each term appears once, where it first appears. It
// returns nil when the content has no term.
func Terms(content string) []string {
	_, body := SplitSpeaker(content)
	ws := Words(body)
	var terms []string
	var seen map[string]bool // for long texts only: a short one's terms are searched in order
	if len(ws) > 32 {
		seen = make(map[string]bool, len(ws))
	}
	for _, w := range ws {
		t := w.Term()
		if t == "" || seen != nil && seen[t] || seen == nil && slices.Contains(terms, t) {
			continue
		}
		if seen != nil {
			seen[t] = true
		}
		if terms == nil {
			terms = make([]string, 0, len(ws))
		}
		terms = append(terms, t)
	}
	return terms
}
