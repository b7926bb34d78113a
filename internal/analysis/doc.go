// Package analysis is the text analysis mnemo shares between reconciliation (pipeline/rules) and
// search: it cuts a memory's content into words and index terms, and reads the few things about a
// statement that plain terms hide: who said it (SplitSpeaker), whether it is negated, and which
// numbers and dates it holds (Word.Negation, Word.Value).
//
// It rests on two dependencies, both pure Go and offline:
//
//   - github.com/clipperhouse/uax29/v2 segments words by Unicode's UAX #29, the standard that keeps
//     "don't", "4.5", "1,000" and "U.S.A" whole and cuts ideographs one by one, in any script,
//     without a dictionary; a hand-written splitter would get contractions, decimals and non-Latin
//     text wrong one special case at a time.
//   - github.com/kljensen/snowball stems English words by Porter2 (the Snowball English stemmer), so
//     that "runs", "running" and "run" share a term: the stemmer search engines use, deterministic
//     and small.
//
// Everything here is deterministic, safe for concurrent use, and never panics, whatever the input
// (invalid UTF-8 is read as U+FFFD). The analysis is English-minded: other languages get words and
// case folding, their Latin-script words are stemmed by the English rules, and none of their stop
// words, negations or number words is known.
package analysis
