package index

import "github.com/mnemohq/mnemo/internal/analysis"

// Tokens returns the BM25 terms of a text, in order and with repeats: its words by UAX #29, in lower
// case, without English stop words, stemmed by Porter2 (see analysis.Words). A speaker prefix
// ("Caroline: ...") is indexed like any other word: questions name people.
func Tokens(text string) []string {
	ws := analysis.Words(text)
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if t := w.Term(); t != "" {
			out = append(out, t)
		}
	}
	return out
}
