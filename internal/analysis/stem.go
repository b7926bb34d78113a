package analysis

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// stem returns the Porter2 stem of lower, a word in lower case, when it is made of Latin letters and
// apostrophes: the English stemmer means nothing to other scripts, and numbers ("4.5", "2nd") are
// kept as they are. The stemmer's stop word exception is off, so that every word is stemmed alike.
// Stems are cached (see stemCache): a memory engine sees the same words again and again.
func stem(lower string) string {
	if s, ok := stems.get(lower); ok {
		return s
	}
	s := lower
	if strings.IndexFunc(lower, notStemRune) < 0 {
		s = english.Stem(lower, true)
	}
	stems.put(lower, s)
	return s
}

// notStemRune reports whether r keeps a word from being stemmed.
func notStemRune(r rune) bool {
	return r != '\'' && !unicode.Is(unicode.Latin, r)
}

// stemCacheWords bounds the words whose stems are cached, and stemCacheLen the length of a word
// that is: a vocabulary of this size covers almost every word of a language's running text, and the
// bound keeps hostile input (random tokens) from growing the cache without end.
const (
	stemCacheWords = 1 << 16
	stemCacheLen   = 32
)

// stemCache maps words to their stems, for any number of goroutines. It fills up to stemCacheWords
// and then only serves what it holds.
type stemCache struct {
	m    sync.Map // string -> string
	size atomic.Int64
}

var stems stemCache

func (c *stemCache) get(word string) (string, bool) {
	v, ok := c.m.Load(word)
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (c *stemCache) put(word, stem string) {
	if len(word) > stemCacheLen || c.size.Load() >= stemCacheWords {
		return
	}
	if _, loaded := c.m.LoadOrStore(strings.Clone(word), stem); !loaded {
		c.size.Add(1)
	}
}
