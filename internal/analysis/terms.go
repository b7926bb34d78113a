package analysis

// Terms returns the index terms of a memory's content: the Term of each of its Words, the speaker
// prefix left out (see SplitSpeaker), that is its words by UAX #29, in lower case, without English
// stop words, stemmed by Porter2 ("I went running in Boston" is "went", "run", "boston"); numbers
// are kept as written ("4.5", "1,000", "2023"). Each term appears once, where it first appears. It
// returns nil when the content has no term.
func Terms(content string) []string {
	_, body := SplitSpeaker(content)
	var terms []string
	seen := make(map[string]bool)
	for _, w := range Words(body) {
		if t := w.Term(); t != "" && !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	return terms
}
