package analysis

import (
	"strings"
	"sync"
)

// Bounds of the cache of Words: how many texts a generation holds, and how long a text may be to be
// cached. The cache keeps two generations: when the newer is full it becomes the older, and the
// older is dropped; a text found in the older moves to the newer. So it holds at most twice
// wordsCacheGeneration texts, whatever the input.
const (
	wordsCacheGeneration = 1024
	wordsCacheLen        = 2048
)

// wordsOf caches the words of recent short texts: the index, the reconciler and the embedder read
// each fact in turn, within a few hundred other texts, and a related memory's words are read again
// and again. A word takes 56 bytes, so a sentence's about 1 KiB and the cache at most about 3 MiB;
// generations of 512 made 600 conversations 8% slower.
var wordsOf = wordsCache{now: make(map[string][]Word)}

type wordsCache struct {
	mu       sync.Mutex
	now, old map[string][]Word // the newer generation and the older
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
	if len(c.now) >= wordsCacheGeneration {
		c.old, c.now = c.now, make(map[string][]Word, wordsCacheGeneration)
	}
	c.now[text] = ws
}
