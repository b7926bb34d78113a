package analysis

import (
	"strings"

	"github.com/mnemohq/mnemo/internal/gencache"
)

// Bounds of the cache of Words: how many texts and how many words a generation holds, and how long
// a text may be to be cached. The cache keeps two generations: when the newer is full it becomes the
// older, and the older is dropped; a text found in the older moves to the newer. A word takes 56
// bytes, so the cache holds at most about 7 MiB of words, whatever the input (texts of one-letter
// words included), and 2,048 texts of typical length (a message of 40 words takes 2.2 KiB).
const (
	wordsCacheGeneration      = 1024
	wordsCacheGenerationWords = 1 << 16
	wordsCacheLen             = 2048
)

// wordsOf caches the words of recent short texts: the index, the reconciler and the embedder read
// each fact in turn, within a few hundred other texts, and a related memory's words are read again
// and again. Generations of 512 texts made 600 conversations 8% slower. Its keys are copies: a text
// may share the bytes of a larger one.
var wordsOf = newWordsCache()

// newWordsCache returns an empty cache of Words, of the bounds above; a text's weight is its words.
func newWordsCache() *gencache.Cache[string, []Word] {
	return gencache.New(wordsCacheGeneration, wordsCacheGenerationWords, func(ws []Word) int { return len(ws) }, strings.Clone)
}
