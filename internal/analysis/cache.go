package analysis

import (
	"strings"
	"sync"
)

// Bounds of the cache of Words: how many texts, and how long a text may be to be cached. A cache
// that is full starts over, so its size stays bounded whatever the input.
const (
	wordsCacheTexts = 2048
	wordsCacheLen   = 2048
)

// wordsOf caches the words of recent short texts.
var wordsOf = wordsCache{m: make(map[string][]Word)}

type wordsCache struct {
	mu sync.Mutex
	m  map[string][]Word
}

func (c *wordsCache) get(text string) ([]Word, bool) {
	if len(text) > wordsCacheLen {
		return nil, false
	}
	c.mu.Lock()
	ws, ok := c.m[text]
	c.mu.Unlock()
	return ws, ok
}

func (c *wordsCache) put(text string, ws []Word) {
	if len(text) > wordsCacheLen {
		return
	}
	c.mu.Lock()
	if len(c.m) >= wordsCacheTexts {
		clear(c.m)
	}
	c.m[strings.Clone(text)] = ws
	c.mu.Unlock()
}
