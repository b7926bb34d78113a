package analysis

import (
	"strings"
	"sync"
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
// and again. Generations of 512 texts made 600 conversations 8% slower.
var wordsOf = wordsCache{now: make(map[string][]Word)}

type wordsCache struct {
	mu       sync.Mutex
	now, old map[string][]Word // the newer generation and the older
	words    int               // the words of the newer generation
}

func (c *wordsCache) get(text string) ([]Word, bool) {
	if len(text) > wordsCacheLen {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ws, ok := c.now[text]
	if !ok {
		if ws, ok = c.old[text]; ok {
			c.add(strings.Clone(text), ws)
		}
	}
	return ws, ok
}

func (c *wordsCache) put(text string, ws []Word) {
	if len(text) > wordsCacheLen {
		return
	}
	c.mu.Lock()
	c.add(strings.Clone(text), ws)
	c.mu.Unlock()
}

// add adds text's words to the newer generation, starting a new one if it is full. c.mu must be held.
func (c *wordsCache) add(text string, ws []Word) {
	if len(c.now) >= wordsCacheGeneration || c.words+len(ws) > wordsCacheGenerationWords {
		c.old, c.now, c.words = c.now, make(map[string][]Word, wordsCacheGeneration), 0
	}
	c.now[text] = ws
	c.words += len(ws)
}
